/**
 * `vaultfile exec -- CMD ARGS…`: runs CMD with the secrets added to a copy of the environment, so they reach only
 * the child (never vaultfile's own `process.env`, never a file). The age key variables are removed from that copy
 * (the child gets the secrets it was given, not the key to all of them) unless `--pass-keys`; CMD is looked up
 * with vaultfile's own PATH before any secret is added; secrets whose names change which code a program loads
 * (PATH, NODE_OPTIONS, LD_PRELOAD, … `src/rules/env-danger.ts`) are refused unless `--allow-name`. stdio is inherited; SIGINT, SIGTERM and SIGHUP are
 * passed on to the child; vaultfile exits with the child's exit code, or 128 + the signal number when a signal
 * ended it, as a shell reports it.
 *
 * `--as-file NAME[=VAR]` hands a secret over as a file instead, for programs that read secrets from files (docker
 * compose's `secrets: file:`, `*_FILE` variables): a 0600 file in a private 0700 directory, in `/dev/shm` where it
 * exists, whose path is in VAR (default `NAME_FILE`). The directory is removed when the child has exited, however
 * it ended (signals to vaultfile are passed on and the child's exit awaited). A SIGKILL of vaultfile itself cannot
 * clean up; the next `exec --as-file` removes directories whose vaultfile process is gone.
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { ExitCode, UsageError, VaultfileError } from "../../errors.js";
import { checkedEntries, ENV_NAME_RE } from "../../export/env-names.js";
import { createPrivateDir } from "../../io/private-temp.js";
import { note, type CommandContext } from "../context.js";
import { resolveCommand } from "../../io/command-path.js";
import { refuseCodeLoadingNames, withoutKeyVariables } from "../../rules/env-danger.js";
import { selectSecrets, type SelectionOptions } from "../secret-selection.js";

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** The command could not be started; the exit code follows the shell's: 127 not found, 126 not executable. */
export class CommandStartError extends VaultfileError {
  constructor(command: string, cause: NodeJS.ErrnoException) {
    const notFound = cause.code === "ENOENT";
    super(
      notFound ? "E_COMMAND_NOT_FOUND" : "E_COMMAND",
      notFound ? ExitCode.commandNotFound : ExitCode.commandNotExecutable,
      notFound
        ? `command not found: ${command}`
        : `cannot run ${command}: ${cause.code === "EACCES" ? "permission denied" : (cause.code ?? cause.message)}`,
      { hint: notFound ? "check the command's name and your PATH" : "check that it is an executable file", cause },
    );
  }
}

export interface ExecOptions extends SelectionOptions {
  /** Replace variables already set in the environment (default: keep them, as dotenv and dotenvx do). */
  override?: boolean | undefined;
  /** `--as-file NAME[=VAR]`, as given, in order. */
  asFile?: string[] | undefined;
  /** Leave the age key variables in the child's environment (for a child that runs vaultfile itself). */
  passKeys?: boolean | undefined;
  /** Code-loading names (PATH, NODE_OPTIONS, …) the user allows as secrets. */
  allowName?: string[] | undefined;
}

/** Prefix of exec's private directories (see io/private-temp.ts), so leftovers of a killed exec are recognised. */
export const EXEC_DIR_PREFIX = "vaultfile-exec-";

export interface FileSpec {
  name: string;
  variable: string;
}

/** Parses `--as-file NAME[=VAR]` values: VAR defaults to NAME_FILE; two secrets cannot share a variable. */
export function parseAsFile(specs: readonly string[]): FileSpec[] {
  const out: FileSpec[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf("=");
    const name = eq < 0 ? spec : spec.slice(0, eq);
    const variable = eq < 0 ? `${spec}_FILE` : spec.slice(eq + 1);
    const bad = (why: string): never => {
      throw new UsageError(`--as-file ${spec}: ${why}`, {
        hint: "write --as-file NAME or --as-file NAME=VARIABLE, e.g. --as-file DB_PASSWORD=DB_PASSWORD_FILE",
      });
    };
    if (!ENV_NAME_RE.test(name)) bad(`${JSON.stringify(name)} is not a secret name`);
    if (!ENV_NAME_RE.test(variable)) bad(`${JSON.stringify(variable)} is not a valid environment variable name`);
    const clash = out.find((o) => o.variable === variable && o.name !== name);
    if (clash) bad(`${variable} is already the file of ${clash.name}`);
    if (!out.some((o) => o.name === name && o.variable === variable)) out.push({ name, variable });
  }
  return out;
}

/**
 * The child's exit status: its exit code, or 128 + N when signal N ended it. A variable already in the environment
 * is kept unless `override`, and named on stderr either way (never its value). `--as-file` variables are set.
 */
export async function exec(ctx: CommandContext, command: string, args: string[], opts: ExecOptions): Promise<number> {
  const { io, globals: g } = ctx;
  const files = parseAsFile(opts.asFile ?? []);
  const secrets = await selectSecrets(
    g,
    io,
    opts,
    "exec",
    files.map((f) => f.name),
  );
  for (const f of files) {
    if (!(f.name in secrets))
      throw new UsageError(
        `--as-file ${f.name}: ${f.name} is left out by ${opts.only ? "--only" : "--exclude-expired"}`,
        { hint: `add ${f.name} to --only, or drop --as-file ${f.name}` },
      );
  }
  refuseCodeLoadingNames(Object.keys(secrets), opts.allowName ?? [], "pass to the command");
  // Found with vaultfile's own PATH: a secret named PATH must not choose the program.
  const program = resolveCommand(command, io.env.PATH);
  if (program === undefined)
    throw new CommandStartError(command, Object.assign(new Error("not found"), { code: "ENOENT" }));
  const asFile = new Set(files.map((f) => f.name));
  const { env } = withoutKeyVariables(io.env, opts.passKeys === true);
  const preset: string[] = [];
  const inEnv = Object.fromEntries(Object.entries(secrets).filter(([name]) => !asFile.has(name)));
  for (const [name, value] of checkedEntries(inEnv, "an environment variable")) {
    if (env[name] !== undefined) {
      preset.push(name);
      if (!opts.override) continue;
    }
    env[name] = value;
  }
  if (preset.length > 0) {
    note(
      io,
      "note",
      opts.override
        ? `${preset.join(", ")} ${preset.length === 1 ? "was" : "were"} already set in the environment; the vault's value replaces it (--override)`
        : `${preset.join(", ")} ${preset.length === 1 ? "is" : "are"} already set in the environment and kept; --override passes the vault's value instead`,
    );
  }
  const dir = files.length > 0 ? createPrivateDir(EXEC_DIR_PREFIX) : undefined;
  try {
    const paths = new Map<string, string>();
    for (const f of files) {
      if (!paths.has(f.name)) paths.set(f.name, dir!.write(f.name, secrets[f.name]!));
      env[f.variable] = paths.get(f.name)!;
    }
    const { code, signal } = await run(command, program, args, env);
    return code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
  } finally {
    dir?.remove();
  }
}

/** Spawns `program` (as `command` in its argv[0]), forwards signals while it runs, and resolves with how it ended. */
function run(
  command: string,
  program: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(program, args, { stdio: "inherit", env, argv0: command });
    const forward = (sig: NodeJS.Signals): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    };
    for (const sig of FORWARDED) process.on(sig, forward);
    const done = (): void => {
      for (const sig of FORWARDED) process.off(sig, forward);
    };
    child.once("error", (err: NodeJS.ErrnoException) => {
      done();
      reject(new CommandStartError(command, err));
    });
    child.once("exit", (code, signal) => {
      done();
      resolvePromise({ code, signal });
    });
  });
}
