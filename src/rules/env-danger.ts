/**
 * Environment variables that change which code a process runs. A secret with one of these names, exported into a
 * program's environment (`exec`, `export` to a file a shell or CI sources), makes that program run whatever the
 * value says: any recipient can add one, and a CI job that runs `vaultfile exec -- ./deploy.sh` would then run the
 * recipient's code with every other secret (a `PATH` secret even changed which program `exec` started). Such names
 * are refused when stored (`set`, `import`, `edit`) and when exported (`exec`, `export`), unless the user names each
 * one with `--allow-name NAME`. The key variables ({@link KEY_VARIABLES}: a key command is code too) are refused the
 * same way, and no flag allows them.
 *
 * Names compare without regard to case: Windows environments are case-insensitive (`Path` is `PATH`), and
 * several tools read lower-case variants (`npm_config_*`).
 */
import { InvalidInputError } from "../errors.js";

/** Exact names, grouped by what reads them. SECURITY.md lists the same. */
export const CODE_LOADING_NAMES: Readonly<Record<string, readonly string[]>> = {
  shells: [
    "BASH_ENV",
    "ENV",
    "SHELLOPTS",
    "BASHOPTS",
    "PS4",
    "PROMPT_COMMAND",
    "CDPATH",
    "ZDOTDIR",
    "SHELL",
    "HOME",
    "XDG_CONFIG_HOME",
  ],
  "program lookup": ["PATH", "PATHEXT", "COMSPEC"],
  "dynamic loader and libc": ["GCONV_PATH"],
  "Node.js": ["NODE_OPTIONS", "NODE_PATH", "NODE_REPL_EXTERNAL_MODULE"],
  Python: [
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "PYTHONUSERBASE",
    "PYTHONINSPECT",
    "PYTHONBREAKPOINT",
    "PYTHONWARNINGS",
    "PYTHONEXECUTABLE",
    "PYTHONPLATLIBDIR",
    "PYTHONSAFEPATH",
  ],
  Perl: ["PERL5OPT", "PERL5LIB", "PERLLIB", "PERL5DB", "PERL_MB_OPT", "PERL_MM_OPT"],
  Ruby: ["RUBYOPT", "RUBYLIB", "GEM_HOME", "GEM_PATH", "BUNDLE_GEMFILE"],
  "Java and the JVM": [
    "JAVA_TOOL_OPTIONS",
    "JDK_JAVA_OPTIONS",
    "_JAVA_OPTIONS",
    "CLASSPATH",
    "JAVA_HOME",
    "JAVA_OPTS",
    "MAVEN_OPTS",
    "GRADLE_OPTS",
  ],
  git: [
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_EXEC_PATH",
    "GIT_ASKPASS",
    "GIT_EDITOR",
    "GIT_PAGER",
    "GIT_EXTERNAL_DIFF",
    "GIT_PROXY_COMMAND",
    "GIT_TEMPLATE_DIR",
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_COMMON_DIR",
    "GIT_CONFIG",
    "GIT_CONFIG_GLOBAL",
    "GIT_CONFIG_SYSTEM",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_SEQUENCE_EDITOR",
  ],
  "Go, Rust and .NET": [
    "GOFLAGS",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "DOTNET_STARTUP_HOOKS",
    "CORECLR_ENABLE_PROFILING",
    "CORECLR_PROFILER",
    "CORECLR_PROFILER_PATH",
    "CORECLR_PROFILER_PATH_32",
    "CORECLR_PROFILER_PATH_64",
    "COR_ENABLE_PROFILING",
    "COR_PROFILER",
    "COR_PROFILER_PATH",
  ],
  "start-up options of common tools": ["VIMINIT", "EXINIT", "TAR_OPTIONS", "RSYNC_RSH"],
  "programs that other programs start": [
    "EDITOR",
    "VISUAL",
    "PAGER",
    "MANPAGER",
    "BROWSER",
    "SSH_ASKPASS",
    "SUDO_ASKPASS",
    "LESSOPEN",
    "LESSCLOSE",
  ],
  "other interpreters": [
    "LUA_INIT",
    "LUA_PATH",
    "LUA_CPATH",
    "PHPRC",
    "PHP_INI_SCAN_DIR",
    "TCLLIBPATH",
    "R_PROFILE",
    "R_PROFILE_USER",
    "R_ENVIRON",
    "OPENSSL_CONF",
    "OPENSSL_ENGINES",
    "OPENSSL_MODULES",
    "KUBECONFIG",
    "DOCKER_CONFIG",
  ],
};

/**
 * Prefixes: every variable starting with one is on the list. `LD_` (glibc's loader: LD_PRELOAD, LD_LIBRARY_PATH,
 * LD_AUDIT, …), `DYLD_` (macOS's), `GIT_CONFIG_` (GIT_CONFIG_KEY_0=core.fsmonitor runs a program), `NPM_CONFIG_`
 * (npm_config_script_shell, npm_config_node_options), `BASH_FUNC_` (exported shell functions), `LUA_INIT_`,
 * `LUA_PATH_`, `LUA_CPATH_` (versioned forms).
 */
export const CODE_LOADING_PREFIXES: readonly string[] = [
  "LD_",
  "DYLD_",
  "GIT_CONFIG_",
  "NPM_CONFIG_",
  "BASH_FUNC_",
  "LUA_INIT_",
  "LUA_PATH_",
  "LUA_CPATH_",
];

const GROUP_OF = new Map(
  Object.entries(CODE_LOADING_NAMES).flatMap(([group, names]) => names.map((n) => [n, group] as const)),
);

/** What reads a variable of this name to choose code (`"Node.js"`, `"LD_*"`), or `undefined` when nothing on the list does. */
export function codeLoadingReason(name: string): string | undefined {
  const upper = name.toUpperCase();
  const prefix = CODE_LOADING_PREFIXES.find((p) => upper.startsWith(p));
  return GROUP_OF.get(upper) ?? (prefix === undefined ? undefined : `${prefix}*`);
}

/** Whether a variable of this name can change which code a process loads or runs. */
export function loadsCode(name: string): boolean {
  return codeLoadingReason(name) !== undefined;
}

/**
 * The names in `names` that are refused: every variable that configures vaultfile or sops ({@link configuresReader};
 * `allowed` cannot allow one), and
 * those that {@link loadsCode} and that `allowed` does not list (compared without case).
 */
export function codeLoadingNames(names: Iterable<string>, allowed: Iterable<string> = []): string[] {
  const ok = new Set([...allowed].map((n) => n.toUpperCase()));
  return [...names].filter((n) => configuresReader(n) || (loadsCode(n) && !ok.has(n.toUpperCase())));
}

/**
 * Throws {@link InvalidInputError} (exit 6) naming the first of `names` that is a key variable, else the first that
 * {@link loadsCode} and that `allowed` does not list. `action` says what was refused: "store", "export", "pass to the
 * command"; `howToAllow` is the hint for a code-loading name.
 *
 * A key variable (`SOPS_AGE_KEY_CMD`, `VAULTFILE_AGE_KEY_FILE`, …) is refused whatever `allowed` says: exported
 * into a program that runs vaultfile or sops, it chooses where that reader takes its key from (a key command is
 * run, a key file read), so any recipient could run code as every reader. A vault never chooses its reader's key
 * source; a secret that holds a key or a key command is stored under another name.
 */
export function refuseCodeLoadingNames(
  names: Iterable<string>,
  allowed: Iterable<string>,
  action: string,
  howToAllow = (name: string) => `pass --allow-name ${name} if that is what you mean`,
): void {
  const refused = codeLoadingNames(names, allowed);
  const key = refused.find(isKeyVariable) ?? refused.find(configuresReader);
  const [first, ...rest] = key === undefined ? refused : [key, ...refused.filter((n) => n !== key)];
  if (first === undefined) return;
  const more = rest.length > 0 ? ` (and ${rest.length} more: ${rest.join(", ")})` : "";
  if (key !== undefined) {
    const what = isKeyVariable(key)
      ? "chooses where vaultfile and sops read the age key"
      : "configures vaultfile or sops (whom sops encrypts to, which file vaultfile opens, …)";
    throw new InvalidInputError("E_NAME", `refusing to ${action} ${first}: a variable that ${what}${more}`, {
      hint: "a vault never chooses its reader's key source or settings, and --allow-name cannot allow it: store the value under another name (SECURITY.md)",
    });
  }
  throw new InvalidInputError(
    "E_NAME",
    `refusing to ${action} ${first}: a variable that changes which code a program runs (${codeLoadingReason(first)})${more}`,
    {
      hint: `${howToAllow(first)} (SECURITY.md lists these names)`,
    },
  );
}

/**
 * The variables the key lookup reads, in sops's order (3.10+, `age/keysource.go`), each pair vaultfile's name
 * first: a key file, a key command, or key text. `io/keys.ts` reads them; `exec` removes them from its child.
 */
export const KEY_SOURCES = [
  { names: ["VAULTFILE_AGE_SSH_PRIVATE_KEY_FILE", "SOPS_AGE_SSH_PRIVATE_KEY_FILE"], kind: "file" },
  { names: ["VAULTFILE_AGE_SSH_PRIVATE_KEY_CMD", "SOPS_AGE_SSH_PRIVATE_KEY_CMD"], kind: "command" },
  { names: ["VAULTFILE_AGE_KEY", "SOPS_AGE_KEY"], kind: "text" },
  { names: ["VAULTFILE_AGE_KEY_FILE", "SOPS_AGE_KEY_FILE"], kind: "file" },
  { names: ["VAULTFILE_AGE_KEY_CMD", "SOPS_AGE_KEY_CMD"], kind: "command" },
] as const;

/** Every variable vaultfile reads a key from (or runs a key command from). */
export const KEY_VARIABLES: readonly string[] = KEY_SOURCES.flatMap((s) => s.names);

/**
 * The environment variables that hold or point to an age key: a child that inherits one can decrypt every secret
 * of the vault, not only those it was given. `exec` removes every variable that starts with one of these (so also
 * a future `…_KEY_…` name); each of {@link KEY_VARIABLES} starts with one.
 */
export const KEY_VARIABLE_PREFIXES: readonly string[] = [
  "VAULTFILE_AGE_KEY",
  "SOPS_AGE_KEY",
  "VAULTFILE_AGE_SSH_PRIVATE_KEY",
  "SOPS_AGE_SSH_PRIVATE_KEY",
];

/** Whether a variable of this name holds or points to an age key (compared without case, as Windows does). */
export function isKeyVariable(name: string): boolean {
  const upper = name.toUpperCase();
  return KEY_VARIABLE_PREFIXES.some((p) => upper.startsWith(p));
}

/**
 * Whether a variable of this name configures vaultfile or sops: a key variable ({@link isKeyVariable}), or any other
 * `VAULTFILE_*` or `SOPS_*` (`SOPS_AGE_RECIPIENTS` chooses whom `sops -e` encrypts to, `SOPS_CONFIG` which rules it
 * follows, `VAULTFILE_FILE` which vault a child opens, `VAULTFILE_AUDIT_LOG` where it appends). A secret never
 * configures the program it is handed to, so such names are refused as secret names with no override.
 */
export function configuresReader(name: string): boolean {
  return isKeyVariable(name) || /^(?:VAULTFILE|SOPS)_/i.test(name);
}

/** A copy of `env` without the key variables (`passKeys`: unchanged), and the names removed. */
export function withoutKeyVariables(
  env: NodeJS.ProcessEnv,
  passKeys = false,
): { env: NodeJS.ProcessEnv; removed: string[] } {
  const copy: NodeJS.ProcessEnv = {};
  const removed: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (!passKeys && isKeyVariable(k)) removed.push(k);
    else copy[k] = v;
  }
  return { env: copy, removed };
}
