/**
 * The command line's shape and nothing else: the global options, every command with its arguments, options and
 * help, and which typed function (`commands/<name>.ts`) each runs. A command's module is imported only when that
 * command runs, so `vaultfile export` loads neither the prompts nor any other command; declaring them all costs
 * commander a few objects. Completion scripts and help are generated from this declaration.
 */
import { Argument, Command, Option } from "commander";
import { KEY_SOURCES } from "../rules/env-danger.js";
import { globalsOf, type CliIO, type CommandContext } from "./context.js";
import { ALLOW_NAME_OPTION, GLOBAL_OPTIONS, HOT_COMMANDS, WARN_DAYS_OPTION, type OptionSpec, type ValueKind } from "./option-table.js";
import type { ExpiryOptions } from "./expiry-options.js";
import type { ValueSourceOptions } from "./input.js";
import type { EditOptions } from "./commands/edit.js";
import type { ExecOptions } from "./commands/exec.js";
import type { ExportOptions } from "./commands/export.js";
import type { ImportOptions } from "./commands/import.js";
import type { InitOptions } from "./commands/init.js";
import type { SetOptions } from "./commands/set.js";
import type { StatusOptions } from "./commands/status.js";
import type { AddTypeOptions } from "./commands/type.js";

export const VERSION = "0.1.0";

/** The shells `vaultfile completion` writes scripts for. */
export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

const EXAMPLES = `
Examples:
  vaultfile init                                   # a new vault, encrypted to your key
  vaultfile set PYPI_TOKEN --type pypi --expires-in 365d --required
  vaultfile status                                 # what expires when
  vaultfile exec -- ./release.sh                   # the secrets in one command's environment
  vaultfile COMMAND --help                         # each command's options and examples`;

/** The key lookup as the program's help lists it, from the table the lookup reads (so the help stays true). */
const KEYS_HELP = `
Keys, in this order (every one found is used; README "Keys"):
  --identity FILE: age keys, an OpenSSH private key, or an \`age -p\` key file
${KEY_SOURCES.map((s) => `  ${s.names.map((n) => `$${n}`).join(", ")}: ${{ file: "a key file", command: "a command that prints keys (run without a shell)", text: "key text" }[s.kind]}`).join("\n")}
  ~/.config/sops/age/keys.txt, ~/.config/vaultfile/keys.txt (under $XDG_CONFIG_HOME when set)
  ~/.ssh/id_ed25519, ~/.ssh/id_rsa
A passphrase (SSH key, \`age -p\` file) is asked on the terminal; key commands run only when no other key fits.
`;

const FORCE_HELP = "store a value that does not match its type (a warning instead of an error)";

export type { ValueKind } from "./option-table.js";
const valueKinds = new WeakMap<Argument | Option, ValueKind>();

/** The kind of names `arg` takes, for completion. */
export const valueKindOf = (arg: Argument | Option): ValueKind | undefined => valueKinds.get(arg);

/** An argument (`<name>`, `[names...]`) whose values are names of `kind`. */
function names(kind: ValueKind, spec: string, description: string): Argument {
  const a = new Argument(spec, description);
  valueKinds.set(a, kind);
  return a;
}

/** An option whose value is a name of `kind`. */
function nameOption(kind: ValueKind, flags: string, description: string): Option {
  const o = new Option(flags, description);
  valueKinds.set(o, kind);
  return o;
}

/** A command's typed function: the parsed arguments in, the exit status out. */
type Run<A extends unknown[]> = (ctx: CommandContext, ...args: A) => Promise<number>;

/**
 * The whole program. Each action builds the command's context from the parsed globals and hands the status its
 * function returns to `onStatus` (main.ts turns it into the exit code).
 */
export function buildProgram(io: CliIO, onStatus: (status: number) => void = () => {}): Command {
  const run =
    <A extends unknown[]>(fn: Run<A>) =>
    async (...args: unknown[]): Promise<void> => {
      const cmd = args[args.length - 1] as Command;
      onStatus(await fn({ io, globals: globalsOf(cmd, io, { search: cmd.name() !== "init" }) }, ...(args.slice(0, -1) as A)));
    };
  const program = programShell(io);

  program
    .command("keygen")
    .description("create a new age identity (private key) file, mode 0600, and print its public key")
    .option("-o, --output <path>", "where to write the key (default: $XDG_CONFIG_HOME/vaultfile/keys.txt); - prints the key file to stdout")
    .option("--pq", "a post-quantum hybrid key (age1pq1…); a vault cannot mix it with classic keys")
    .addHelpText(
      "after",
      "\nThe public key (age1…) is printed on stdout: give it to a vault's owner for `vaultfile recipients add`.\n" +
        "Existing files are never overwritten. With -o - the key file's text goes to stdout instead (as age-keygen\n" +
        "prints it) and the public key to stderr.\n\nExamples:\n  vaultfile keygen\n" +
        "  vaultfile keygen -o ci.agekey    # a key for CI: store the file's contents as the VAULTFILE_AGE_KEY secret\n" +
        "  vaultfile keygen -o - | gh secret set VAULTFILE_AGE_KEY",
    )
    .action(run(async (ctx, opts: { output?: string; pq?: boolean }) => (await import("./commands/keygen.js")).keygen(ctx, opts)));

  program
    .command("init")
    .description("create a new, empty vault with you (your age or SSH key) as the first recipient")
    .option("--recipient <name=key>", "another recipient: NAME=age1… or NAME=\"ssh-ed25519 AAAA…\" (repeatable)", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option("--name <name>", "your name as a recipient (default: $USER, else your OS user name, else git's user.name, else me)")
    .option("--config <file>", "the sops config whose creation rule adds recipients (default: $SOPS_CONFIG, else the nearest .sops.yaml)")
    .addHelpText(
      "after",
      "\nYour key is the first identity found (see README \"Keys\"); without one, init offers to create it on a terminal.\n" +
        "The nearest .sops.yaml (this folder or a parent, as sops finds it; or --config / $SOPS_CONFIG) adds the age keys\n" +
        "of its first creation rule whose path_regex matches the vault's path (named sops-1, sops-2, …).\n" +
        "An existing file is never overwritten.\n\nExamples:\n  vaultfile init\n  vaultfile init --name alice --recipient ci=age1…\n  vaultfile -f .secrets.prod.yaml init",
    )
    .action(run(async (ctx, opts: InitOptions) => (await import("./commands/init.js")).init(ctx, opts)));

  const set = program
    .command("set")
    .description("add a secret or change its value and metadata")
    .addArgument(names("secret", "<name>", "the secret's name (an environment variable name: [A-Za-z_][A-Za-z0-9_]*)"))
    .addOption(nameOption("type", "--type <type>", "what it is: pypi, docker, npm, github, url, generic, …"))
    .option("--description <text>", "a note for the team (stored in clear text)");
  addExpiryOptions(set)
    .option("--rotate-every <duration>", "rotation policy (90d, or never for none): `rotate` renews the expiry from it; `status` shows it as DUE")
    .option("--required", "add the name to the required list (validate fails while it is missing)")
    .option("--force", FORCE_HELP);
  hintStdinOnExtraArgument(set);
  addAllowNameOption(addValueOptions(set))
    .addHelpText(
      "after",
      "\nThe value comes from a hidden prompt (typed twice) on a terminal, or from --stdin or --generate; --value is\n" +
        "accepted with a warning. Without a terminal one of them is required. The value is never printed.\n" +
        "The value must match its type (`vaultfile type list`), or --force stores it with a warning. A bare --generate\n" +
        "uses the type's generator (password: 32 letters and digits; a custom type needs a SPEC, e.g. --generate=hex:40).\n" +
        "A new secret gets its type's rotate_every. On an existing secret, metadata flags without --stdin, --generate or\n" +
        "--value change only the metadata: the value is kept, and nothing is asked (data piped in without --stdin is\n" +
        "refused, not ignored). A name that changes which code a program runs (PATH, NODE_OPTIONS, LD_PRELOAD, …,\n" +
        "see SECURITY.md) is refused (exit 6) unless --allow-name NAME; a key variable's name\n" +
        "(SOPS_AGE_KEY_CMD, VAULTFILE_AGE_KEY_FILE, …) always.\n\n" +
        "Examples:\n  vaultfile set PYPI_TOKEN --type pypi --expires-in 365d --rotate-every 365d --required\n" +
        "  printf '%s' \"$TOKEN\" | vaultfile set NPM_TOKEN --stdin --type npm\n  vaultfile set SESSION_SECRET --generate=base64:48\n" +
        "  vaultfile set PYPI_TOKEN --expires-in 30d      # an existing secret: new expiry, same value",
    )
    .action(run(async (ctx, name: string, opts: SetOptions) => (await import("./commands/set.js")).set(ctx, name, opts)));

  declareOptions(program.command("get").description("print a secret's value on stdout").addArgument(names("secret", "<name>", "the secret's name")), HOT_COMMANDS.get.options)
    .addHelpText(
      "after",
      "\nPrints the value and a newline, nothing else (--json: {name, value, type, expiresAt, …}). An expired secret\n" +
        "is refused (exit 1) unless --allow-expired; an unknown name exits 3 with the closest names.\n\n" +
        "Examples:\n  vaultfile get PYPI_TOKEN\n  TWINE_PASSWORD=\"$(vaultfile get PYPI_TOKEN)\" twine upload dist/*",
    )
    .action(run(async (ctx, name: string, opts: { allowExpired?: boolean }) => (await import("./commands/get.js")).get(ctx, name, opts)));

  program
    .command("rm")
    .description("delete secrets from the vault")
    .addArgument(names("secret", "<names...>", "the secrets to delete"))
    .addHelpText(
      "after",
      "\nA deleted secret that is in the required list stays there and shows as MISSING; drop it with `unrequire`.\n" +
        "Deleting does not revoke anything: revoke the credential at its source too.\n\nExamples:\n  vaultfile rm OLD_TOKEN\n  vaultfile rm OLD_TOKEN && vaultfile unrequire OLD_TOKEN",
    )
    .action(run(async (ctx, names: string[]) => (await import("./commands/rm.js")).rm(ctx, names)));

  program
    .command("require")
    .description("add names to the required list: validate fails while one of them is missing")
    .addArgument(names("secret", "<names...>", "secret names (they need not exist yet)"))
    .addHelpText("after", "\nExamples:\n  vaultfile require PYPI_TOKEN DOCKER_USERNAME DOCKER_PASSWORD")
    .action(run(async (ctx, names: string[]) => (await import("./commands/require.js")).require(ctx, names)));

  program
    .command("unrequire")
    .description("remove names from the required list (the secrets themselves stay)")
    .addArgument(names("secret", "<names...>", "secret names"))
    .addHelpText("after", "\nExamples:\n  vaultfile unrequire OLD_TOKEN")
    .action(run(async (ctx, names: string[]) => (await import("./commands/require.js")).unrequire(ctx, names)));

  declareOptions(program.command("status").aliases(["list", "ls"]).description("show each secret's type, expiry, days left and status, most urgent first"), HOT_COMMANDS.status.options)
    .addHelpText(
      "after",
      "\nDays left count calendar days (UTC): a secret set to expire in 10 days shows 10, one expiring later today 0;\n" +
        "once expired the count is negative.\nWithout a key (or with --no-decrypt) the names and dates are read as the file has them, NOT verified: a\n" +
        "warning on stderr says so, and --json marks each row \"verified\": false. With a key nothing changes.\n" +
        "Under GitHub Actions (GITHUB_ACTIONS=true), the table is also appended to $GITHUB_STEP_SUMMARY (not with\n" +
        "--format markdown or ics).\n\n" +
        "Examples:\n  vaultfile status\n  vaultfile status --warn-days 60 --json\n  vaultfile ls --no-decrypt\n" +
        "  vaultfile status --format markdown >> report.md\n  vaultfile status --format ics > secrets.ics      # import or subscribe in a calendar",
    )
    .action(run(async (ctx, opts: StatusOptions) => (await import("./commands/status.js")).status(ctx, opts)));

  program
    .command("validate")
    .description("check that every required secret is present and none has expired (exit 1 otherwise)")
    .addOption(option(WARN_DAYS_OPTION))
    .option("--since <rev>", "also verify the chain of custody of the commits after REV (as history --verify; exit 5 on a break)")
    .option("--strict", "fail on secrets expiring soon or exposed to a removed recipient, values that do not match their type and missing companions too")
    .option("--no-decrypt", "check only the clear metadata, without a key (not verified; value formats not checked)")
    .addHelpText(
      "after",
      "\nExit 0 when valid, 1 when a required secret is missing or a secret expired (--strict: or expires within\n" +
        "--warn-days, a removed recipient could read it (EXPOSED until rotated), a value does not match its type, or a\n" +
        "companion such as a docker password's username is missing).\n" +
        "Secrets expiring soon, exposed or due for rotation are warnings. With GITHUB_ACTIONS=true, problems are\n" +
        "also printed as ::error / ::warning annotations, and the expiry table is appended to $GITHUB_STEP_SUMMARY.\n" +
        "--no-decrypt needs no key (a scheduled expiry check that should not hold it): the metadata is NOT verified (the MAC\n" +
        "is not checked), a warning on stderr says so, and --json has \"verified\": false. Without it a key is needed.\n\n" +
        "Examples:\n  vaultfile validate\n  vaultfile validate --strict --warn-days 14 --json\n  vaultfile validate --no-decrypt --json",
    )
    .action(run(async (ctx, opts: { warnDays: string; strict?: boolean; decrypt?: boolean; since?: string }) => (await import("./commands/validate.js")).validate(ctx, opts)));

  const rotate = program
    .command("rotate")
    .description("replace a secret's value: rotated_at = now, expiry renewed from its rotate_every policy")
    .addArgument(names("secret", "<name>", "an existing secret"));
  hintStdinOnExtraArgument(rotate);
  addValueOptions(addExpiryOptions(rotate))
    .option("--force", FORCE_HELP)
    .addHelpText(
      "after",
      "\nThe new value comes from a hidden prompt, --stdin or --generate, as for `set`; it must differ from the old one.\n" +
        "Without --expires-at/--expires-in the expiry is renewed from rotate_every when the secret has one, else kept.\n" +
        "The file's diff is that entry's lines plus sops's lastmodified and mac. The new value must match the secret's\n" +
        "type, or --force stores it with a warning; a bare --generate uses the type's generator.\n\n" +
        "Examples:\n  vaultfile rotate PYPI_TOKEN\n  pbpaste | vaultfile rotate DOCKER_PASSWORD --stdin --expires-at 2027-06-01\n  vaultfile rotate SESSION_SECRET --generate=hex:64",
    )
    .action(run(async (ctx, name: string, opts: ValueSourceOptions & ExpiryOptions & { force?: boolean }) => (await import("./commands/rotate.js")).rotate(ctx, name, opts)));

  declareRecipients(program, run);

  program
    .command("decrypt")
    .description("print a sops YAML file (any, not only a vault) decrypted, after checking its MAC")
    .argument("<file>", "a sops-encrypted YAML file with age recipients")
    .option("--output-type <type>", "yaml (as sops -d: every document, comments kept, no sops block) or json (the first document, as sops -d)", undefined)
    .option("--accept-stale-seal", "print a vault whose name seal is stale (names or metadata changed outside vaultfile) anyway, with a warning")
    .addHelpText(
      "after",
      "\nThe output holds every secret in clear: print it to a terminal or a pipe, not to a file you might commit.\n" +
        "Exit non-zero on any failure (no key, MAC mismatch, damaged value). --json implies --output-type json.\n" +
        "A vault (a file vaultfile sealed) whose seal is stale is refused with exit 5 unless --accept-stale-seal;\n" +
        "any other sops file decrypts as `sops -d` decrypts it (key groups and Shamir thresholds included).\n\n" +
        "Examples:\n  vaultfile decrypt secrets.enc.yaml\n  vaultfile decrypt .secrets.yaml --output-type json | jq .secrets",
    )
    .action(run(async (ctx, file: string, opts: { outputType?: string; acceptStaleSeal?: boolean }) => (await import("./commands/decrypt.js")).decrypt(ctx, file, opts)));

  program
    .command("reseal")
    .description("review and re-seal a vault last saved by plain sops (or whose key names were edited)")
    .option("-y, --yes", "reseal without asking (after you reviewed the file, e.g. in a diff)")
    .option("--vouch <rev>", "the data key was replaced outside vaultfile (sops rotate) since REV: as a holder of both keys, write the custody link")
    .addHelpText(
      "after",
      "\nsops's MAC covers values and their order, not key names; vaultfile's seal covers the names too. A file saved\n" +
        "by plain sops opens in sops tools, but vaultfile refuses it (exit 5) until you check its names and metadata\n" +
        "(printed here, values hidden) and reseal it.\n" +
        "A file re-keyed by plain sops (sops rotate) also has no custody link, so history --verify reports a break.\n" +
        "--vouch REV (REV: the commit before the re-key) opens the file at REV and now with your key, lists the\n" +
        "secrets added, removed or whose value changed and the recipients changed (names only), asks (or --yes), then\n" +
        "appends the link from REV's data key to the new one and reseals.\n\n" +
        "Examples:\n  vaultfile reseal\n  vaultfile reseal --yes\n  sops rotate -i .secrets.yaml && vaultfile reseal --vouch HEAD",
    )
    .action(run(async (ctx, opts: { yes?: boolean; vouch?: string }) => (await import("./commands/reseal.js")).reseal(ctx, opts)));

  program
    .command("edit")
    .description("edit secrets interactively: a menu on a terminal, or the decrypted YAML in $EDITOR (--editor)")
    .option("--editor", "open the decrypted vault (values in clear) in $VISUAL / $EDITOR (default vi) instead of the menu")
    .option("--force", "with --editor: store values that do not match their type (a warning instead of an error)")
    .option("--allow-name <name>", "with --editor: allow a new secret named like a variable that changes which code a program runs (PATH, NODE_OPTIONS, …); repeatable", (v: string, prev: string[] = []) => [...prev, v])
    .addHelpText(
      "after",
      [
        "",
        'Changes are saved once, atomically, when you choose "save and quit" (menu) or save and close the editor;',
        "Ctrl-C or quitting without saving leaves the file untouched. Exit code 9 when nothing was written.",
        "The --editor file is created 0600 in a private directory (in /dev/shm when available) and removed afterwards.",
        "A new or changed value must match its type (`vaultfile type list`), as for `set`: the menu asks whether to",
        "store it anyway; --editor reports it as an invalid field unless --force is given.",
        "",
        "Examples:",
        "  vaultfile edit",
        "  EDITOR=nano vaultfile edit --editor",
      ].join("\n"),
    )
    .action(run(async (ctx, opts: EditOptions) => (await import("./commands/edit.js")).edit(ctx, opts)));

  declareGit(program, run);

  program
    .command("check")
    .description("check vault files for a commit: they parse, every value is encrypted, recipients match; with a key also MAC and seal")
    .argument("[files...]", "vault files (default: -f or .secrets.yaml)")
    .option("--since <rev>", "also verify the chain of custody of the commits after REV (as validate --since; needs a key)")
    .addHelpText(
      "after",
      "\nExamples:\n  vaultfile check\n  vaultfile check .secrets.yaml .secrets.prod.yaml\n  vaultfile check --since origin/main\n\n" +
        "A plaintext value fails with exit 6, a bad MAC or recipient list with 5, a leftover merge conflict with 8.\n" +
        "Without a key (or with one that does not open the file) the MAC is not checked, and the output says so.\n" +
        "--since: a break in custody fails with exit 5; without a key, or with one that opens none of the versions\n" +
        "walked, custody cannot be verified and check fails with exit 4 (never a silent pass).",
    )
    .action(run(async (ctx, files: string[], opts: { since?: string }) => (await import("./commands/check.js")).check(ctx, files, opts)));

  program
    .command("history")
    .description("when each secret was added, rotated, updated or removed, by which commit and author, with its new expiry (from git log; no key needed)")
    .addArgument(names("secret", "[name]", "only this secret"))
    .option("--exposure", "for each removed recipient: the secrets they could read and whether each was rotated since")
    .option("--verify", "check the chain of custody: every version written by a holder of the data key before it (exit 5 on a break)")
    .option("--since <rev>", "with --verify: only the commits after REV (e.g. the pull request's base)")
    .addHelpText(
      "after",
      "\nExamples:\n  vaultfile history\n  vaultfile history PYPI_TOKEN --json\n  vaultfile history --exposure\n\n" +
        "Oldest first. `re-encrypted` marks values that only changed because a removed recipient rolled the data key;\n" +
        "`merged: took theirs` a merge whose result took the merged-in side's entry (changes a merge discarded are not listed).\n" +
        "--exposure works from git history alone, so it also covers removals made before vaults carried exposed_to.\n" +
        "--verify needs your key: a version with its parent's data key must verify (MAC, seal); a new data key must\n" +
        "carry a proof signed with the previous one. Versions your key cannot open are reported as not verifiable;\n" +
        "exit 5 at the first break, exit 4 without a key or when your key opens none of the versions walked.\n" +
        "A re-key made by plain sops shows as a break until vouched for: vaultfile reseal --vouch REV.\n" +
        "  vaultfile history --verify --since origin/main      # in CI for a pull request (fetch-depth: 0)",
    )
    .action(run(async (ctx, name: string | undefined, opts: { exposure?: boolean }) => (await import("./commands/history.js")).history(ctx, name, opts)));


  declareOptions(program.command("export").description("print the secrets as dotenv, shell, JSON, GitHub Actions env or a Kubernetes Secret, or write them to a 0600 file"), HOT_COMMANDS.export.options)
    .addHelpText(
      "after",
      `
Formats:
  dotenv  NAME=value lines that the dotenv and dotenvx parsers read back exactly (multi-line values included);
          a value no dotenv quoting can hold is an error naming the secret
  shell   export NAME='value' lines for POSIX shells: eval "$(vaultfile export --format shell)"
  json    one JSON object {"NAME": "value"}
  github  ::add-mask:: lines on stdout, and NAME<<DELIMITER blocks appended to $GITHUB_ENV (or to -o FILE), so
          later steps of the job see the secrets and the log masks them
  k8s-secret  a Kubernetes v1 Secret manifest (data: base64 of each value, names as keys); with --encrypt, the
          same manifest sops-encrypted to the vault's recipients (a new data key), safe to commit for Flux

-o FILE is refused when it is a symlink (unless --follow-symlinks) or a file git tracks, and written with a
warning when it lies in a git work tree and .gitignore does not ignore it. Secrets named like variables that
change which code a program runs (PATH, NODE_OPTIONS, LD_PRELOAD, … see SECURITY.md) are refused in the dotenv,
shell, github and k8s-secret formats unless --allow-name NAME; names of key variables (SOPS_AGE_KEY_CMD, …) always.

Examples:
  vaultfile export -o .env --exclude-expired
  eval "$(vaultfile export --format shell --only PYPI_TOKEN)"
  vaultfile export --format github --only DOCKER_USERNAME DOCKER_PASSWORD   # in a GitHub Actions step
  vaultfile export --format k8s-secret --name app --namespace prod | kubectl apply -f -
  vaultfile export --format k8s-secret --name app --encrypt -o deploy/app-secret.sops.yaml`,
    )
    .action(run(async (ctx, opts: ExportOptions) => (await import("./commands/export.js")).exportSecrets(ctx, opts)));

  const exec = program
    .command("exec")
    .description("run a command with the secrets in its environment only")
    .argument("<command>", "the command to run (put it after --)")
    .argument("[args...]", "its arguments");
  hintDoubleDashOnUnknownOption(exec);
  declareOptions(exec, HOT_COMMANDS.exec.options)
    .addHelpText(
      "after",
      `
Put the command after -- so that its own options are not read as vaultfile's.
A variable already set in the environment is kept, as dotenv and dotenvx do (so PYPI_TOKEN=test vaultfile exec …
tries something out), and a note on stderr names it; --override gives the command the vault's value instead.
The command is looked up with vaultfile's own PATH, and gets the secrets but not the age key: the key variables
(VAULTFILE_AGE_KEY*, SOPS_AGE_KEY*, *_AGE_SSH_PRIVATE_KEY*, key commands included) are removed unless --pass-keys.
Secrets named like variables that change which code a program runs (PATH, NODE_OPTIONS, LD_PRELOAD, BASH_ENV, …
see SECURITY.md) are refused (exit 6) unless --allow-name NAME; names of key variables (SOPS_AGE_KEY_CMD,
VAULTFILE_AGE_KEY_FILE, …) and of other VAULTFILE_* and SOPS_* variables always: a vault never configures its reader.
vaultfile exits with the command's exit code (128 + N when signal N ended it); 127 when it is not found, 126 when
it cannot be run (not executable).

--as-file writes the secret to a file in a new 0700 directory (in /dev/shm where it exists) and removes it when the
command exits or is killed; a SIGKILL of vaultfile itself leaves it until the next exec --as-file.

Examples:
  vaultfile exec -- twine upload dist/*
  vaultfile exec --only PYPI_TOKEN --exclude-expired -- ./release.sh --dry-run
  vaultfile exec --as-file DB_PASSWORD -- docker compose up   # compose: secrets: db: file: \${DB_PASSWORD_FILE}`,
    )
    .action(run(async (ctx, command: string, args: string[], opts: ExecOptions) => (await import("./commands/exec.js")).exec(ctx, command, args, opts)));

  const importCmd = program
    .command("import")
    .description("add every variable of a dotenv file to the vault, one secret each")
    .argument("<file>", "the .env file, or - for stdin")
    .addOption(nameOption("type", "--type <type>", "type of every imported secret (pypi, docker, npm, …)"));
  addAllowNameOption(addExpiryOptions(importCmd))
    .option("--required", "add every imported name to the required list")
    .option("--overwrite", "replace the values of names the vault already has")
    .addHelpText(
      "after",
      `
The file is read as the dotenv package reads it (quotes, multi-line values, export prefixes, comments).
dotenvx-encrypted values (encrypted:…) are refused: decrypt them first. Values are never printed.

Examples:
  vaultfile import .env --expires-in 90d && rm .env
  dotenvx decrypt -f .env.production --stdout | vaultfile import - --type generic --required`,
    )
    .action(run(async (ctx, file: string, opts: ImportOptions) => (await import("./commands/import.js")).importDotenv(ctx, file, opts)));

  declareTypes(program, run);

  program
    .command("completion")
    .description("print a shell completion script (commands, options, secret, recipient and type names)")
    .addArgument(new Argument("<shell>", "the shell").choices(SHELLS))
    .addHelpText(
      "after",
      "\nOn TAB the script runs `vaultfile __complete`, which reads names from the vault file's clear text: no key is\n" +
        "needed and nothing is decrypted. The vault is found as for other commands (-f, $VAULTFILE_FILE, parent folders).\n\n" +
        'Examples:\n  eval "$(vaultfile completion bash)"      # in ~/.bashrc\n  eval "$(vaultfile completion zsh)"       # in ~/.zshrc, after compinit\n' +
        "  vaultfile completion fish > ~/.config/fish/completions/vaultfile.fish",
    )
    .action(async (shell: Shell) => {
      const { completionScript } = await import("./completion.js");
      io.stdout.write(completionScript(shell));
    });

  program
    .command("__complete", { hidden: true })
    .argument("[words...]")
    .allowUnknownOption()
    .helpOption(false)
    .action(async (words: string[]) => {
      const { candidates } = await import("./completion.js");
      for (const c of await candidates(program, words, io)) io.stdout.write(`${c}\n`);
    });

  program
    .command("version")
    .description("print vaultfile's version (the same as --version)")
    .action(() => void io.stdout.write(`${VERSION}\n`));

  for (const c of program.commands) c.exitOverride();
  return program;
}

type Runner = <A extends unknown[]>(fn: Run<A>) => (...args: unknown[]) => Promise<void>;

/** `recipients list | add | remove`. */
function declareRecipients(program: Command, run: Runner): void {
  const group = program
    .command("recipients")
    .description("list, add or remove who can decrypt the vault")
    .addHelpText("after", "\nExamples:\n  vaultfile recipients list\n  vaultfile recipients add ci age1…\n  vaultfile recipients add carol \"$(cat carol_id_ed25519.pub)\"\n  vaultfile recipients remove bob");
  const load = () => import("./commands/recipients.js");

  group
    .command("list", { isDefault: true })
    .description("show each recipient's name and public key; yours are marked")
    .addHelpText("after", "\nExamples:\n  vaultfile recipients list\n  vaultfile recipients list --json")
    .action(run(async (ctx) => (await load()).listRecipients(ctx)));

  group
    .command("add")
    .description("let another age key open the vault (wraps the data key for it)")
    .argument("<name>", "a name for the key holder: alice, ci, …")
    .argument("<recipient>", "their public key: age1… (from `vaultfile keygen` or `age-keygen -y`), or an ssh-ed25519 / ssh-rsa public key")
    .addHelpText("after", "\nOnly the recipients list and the sops.age block change; values keep their ciphertext.\n\nExamples:\n  vaultfile recipients add ci age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n  vaultfile recipients add carol \"$(cat carol_id_ed25519.pub)\"   # an SSH key, as age takes it")
    .action(run(async (ctx, name: string, recipient: string) => (await load()).addRecipient(ctx, name, recipient)));

  group
    .command("remove")
    .description("stop a key from opening future versions: new data key, every value re-encrypted")
    .addArgument(names("recipient", "<name>", "the recipient's name (see `recipients list`)"))
    .option("--force", "remove even your own key, although you can then no longer open the vault")
    .addHelpText(
      "after",
      "\nThe removed holder can still read old versions from git history and already knows the values: the command\n" +
        "lists the secrets they could read, so you can rotate them at their source.\n\nExamples:\n  vaultfile recipients remove bob",
    )
    .action(run(async (ctx, name: string, opts: { force?: boolean }) => (await load()).removeRecipient(ctx, name, opts)));
}

/** `git setup | textconv | merge | resolve`. */
function declareGit(program: Command, run: Runner): void {
  const git = program
    .command("git")
    .description("git integration: readable diffs, an entry-level merge driver (run `vaultfile git setup` once per clone)")
    .addHelpText("after", "\nExamples:\n  vaultfile git setup\n  git diff .secrets.yaml          # values shown as fingerprints\n  git merge feature               # vault entries merge one by one");
  const load = () => import("./commands/git.js");

  git
    .command("setup")
    .description("write .gitattributes lines for the vault files and the git config of the diff and merge drivers (idempotent)")
    .option("--global", "define the drivers in your global git config instead of this repository's")
    .option("--command <cmd>", "how git should run vaultfile (default: this node and this vaultfile script, by absolute path)")
    .addHelpText("after", "\nExamples:\n  vaultfile git setup                      # for .secrets.yaml and .secrets.*.yaml\n  vaultfile -f deploy/vault.yaml git setup\n  vaultfile git setup --command vaultfile  # use the vaultfile on PATH")
    .action(run(async (ctx, opts: { global?: boolean; command?: string }) => (await load()).gitSetup(ctx, opts)))
    .exitOverride();

  git
    .command("textconv")
    .description("print FILE for review: values replaced by keyed fingerprints, the sops block summarised (git runs this for `git diff`)")
    .argument("<file>", "the vault file (git passes a temporary copy)")
    .option("--show-values", "print the decrypted values instead of fingerprints")
    .addHelpText("after", "\nExamples:\n  vaultfile git textconv .secrets.yaml\n  git -c diff.vaultfile.textconv='vaultfile git textconv --show-values' diff\n\nWithout a key, values show as <encrypted:TAG> (a hash of the ciphertext: it changes exactly when the value is re-encrypted).\n" +
        "A version whose data key differs from the one before it (found in git from its blob id) is marked in the sops\n" +
        "summary: data_key: replaced (proof ok) | replaced (NO PROOF) | changed (without a key that opens both).")
    .action(run(async (ctx, file: string, opts: { showValues?: boolean }) => (await load()).gitTextconv(ctx, file, opts)))
    .exitOverride();

  git
    .command("merge")
    .description("three-way merge of vault files, entry by entry (git runs this as the merge driver with %O %A %B %P)")
    .argument("<base>", "the common ancestor's version (%O)")
    .argument("<ours>", "our version; the result is written here (%A)")
    .argument("<theirs>", "their version (%B)")
    .argument("[path]", "the file's name in the repository, for messages (%P)")
    .addHelpText("after", "\nExamples:\n  vaultfile git merge %O %A %B %P      # in git config merge.vaultfile.driver\n\nExit 0: merged. Exit 1: conflicts; OURS then holds the merge with our side of each conflict and a\ncomment block on top that explains them (see `vaultfile git resolve`).\nExit 5: refused, OURS left as it was: a side replaced the data key without a custody link from the\nbase's key (a vault written without the key), or a side has a stale seal.")
    .action(run(async (ctx, base: string, ours: string, theirs: string, path: string | undefined) => (await load()).gitMerge(ctx, base, ours, theirs, path)))
    .exitOverride();

  git
    .command("resolve")
    .description("finish a merge of FILE that stopped on conflicts: merge again from git's index, taking our or their side of the named entries")
    .argument("[file]", "the conflicted vault file (default: -f or .secrets.yaml)")
    .addOption(nameOption("secret", "--ours <names...>", "keep our side of these secrets/recipients"))
    .addOption(nameOption("secret", "--theirs <names...>", "take their side of these secrets/recipients"))
    .addHelpText("after", "\nExamples:\n  vaultfile git resolve .secrets.yaml --theirs PYPI_TOKEN\n  vaultfile git resolve --ours PYPI_TOKEN --theirs NPM_TOKEN && git add .secrets.yaml")
    .action(run(async (ctx, file: string | undefined, opts: { ours?: string[]; theirs?: string[] }) => (await load()).gitResolve(ctx, file, opts)))
    .exitOverride();
}

/** `type list | add | rm`. */
function declareTypes(program: Command, run: Runner): void {
  const group = program
    .command("type")
    .description("list the secret types, or add and remove the vault's own (custom) types")
    .addHelpText(
      "after",
      "\nA secret's type checks its value when you `set` or `rotate` it and in `validate`, gives its default rotation\n" +
        "policy and says where to rotate it. Custom types are stored in the vault file, under `types:`.\n\n" +
        'Examples:\n  vaultfile type list\n  vaultfile type add internal-api --pattern "^ia_[a-z0-9]{32}$" --rotate-every 30d --rotate-at https://internal.example/tokens\n  vaultfile type rm internal-api',
    );
  const load = () => import("./commands/type.js");

  group
    .command("list", { isDefault: true })
    .description("show every type: description, default rotation, where to rotate; the vault's custom types last")
    .addHelpText("after", "\nWithout a vault file, only the built-in types are listed.\n\nExamples:\n  vaultfile type list\n  vaultfile type list --json")
    .action(run(async (ctx) => (await load()).listTypes(ctx)));

  group
    .command("add")
    .description("declare a custom type in the vault file")
    .argument("<name>", "a lower-case word: letters, digits, _, . or - (e.g. internal-api)")
    .requiredOption("--pattern <regex>", "an RE2 regular expression (as sops uses) the whole value must match, anchored for you: `^…$` is optional")
    .option("--rotate-every <duration>", "default rotation policy of new secrets of this type (30d, 12w, 6mo, 1y)")
    .option("--rotate-at <where>", "where the credential is rotated: a URL or an instruction")
    .option("--description <text>", "one line for people")
    .option("--companions <names>", "comma-separated secret names that must exist beside any secret of this type")
    .addHelpText(
      "after",
      "\nThe type is stored under `types:` in the vault file (readable, covered by the MAC). Secrets of this type are\n" +
        "then checked by `set`, `rotate` and `validate`; `validate` also reports a missing companion.\n\n" +
        'Examples:\n  vaultfile type add internal-api --pattern "ia_[a-z0-9]{32}" --rotate-every 30d \\\n    --rotate-at https://internal.example/tokens --description "Internal API token" --companions INTERNAL_API_URL',
    )
    .action(run(async (ctx, name: string, opts: AddTypeOptions) => (await load()).addType(ctx, name, opts)));

  group
    .command("rm")
    .description("remove a custom type from the vault file (secrets keep their type label, unchecked)")
    .addArgument(names("type", "<name>", "a custom type (see `vaultfile type list`)"))
    .addHelpText("after", "\nExamples:\n  vaultfile type rm internal-api")
    .action(run(async (ctx, name: string) => (await load()).removeType(ctx, name)));
}

/** The program with its global options and no commands. */
function programShell(io: CliIO): Command {
  const program = new Command("vaultfile")
    .description("Secrets with expiry metadata in one encrypted, sops-compatible YAML file in your git repository.")
    .version(VERSION, "-V, --version");
  return declareOptions(program, GLOBAL_OPTIONS)
    .addHelpText("after", KEYS_HELP + EXAMPLES)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s.replace(/^error: /, "vaultfile: error: ")),
    });
}

/** `--expires-at` / `--expires-in` (set, rotate, import). */
function addExpiryOptions(cmd: Command): Command {
  return cmd
    .option("--expires-at <date>", "expiry date (2027-06-01 or RFC 3339), or never for none")
    .option("--expires-in <duration>", "expiry as a duration from now (90d, 12w, 6mo, 1y)");
}

/** Where a new value comes from (set, rotate). */
function addValueOptions(cmd: Command): Command {
  return cmd
    .option("--stdin", "read the value from stdin (all of it; exactly one trailing newline is stripped)")
    .option("--generate [spec]", "generate a crypto-random value: 32 (length, letters and digits), alnum:40, hex:64 (characters), base64:48, base64url:48 (bytes)")
    .option("--value <value>", "the value as an argument (discouraged: it lands in shell history and the process list)");
}

/** `--allow-name NAME` (repeatable): a secret name that changes which code a program runs, used anyway. */
function addAllowNameOption(cmd: Command): Command {
  return cmd.addOption(option(ALLOW_NAME_OPTION));
}

/** A commander option from its row in option-table.ts (which quick-argv.ts reads argv with too). */
function option(spec: OptionSpec): Option {
  const o = new Option(spec.flags, spec.description);
  if (spec.default) o.default(spec.default.value, spec.default.shown);
  if (spec.choices) o.choices(spec.choices);
  if (spec.repeat) o.argParser((v: string, prev: string[] = []) => [...prev, v]);
  if (spec.kind) valueKinds.set(o, spec.kind);
  return o;
}

/** Declares the options of a table's rows, in order. */
function declareOptions(cmd: Command, specs: readonly OptionSpec[]): Command {
  for (const spec of specs) cmd.addOption(option(spec));
  return cmd;
}

/**
 * `vaultfile set NAME VALUE` is refused as "too many arguments": say how a value is given instead (not as an
 * argument, which lands in shell history and the process list).
 */
function hintStdinOnExtraArgument(cmd: Command): void {
  const inherited = cmd.configureOutput();
  cmd.configureOutput({
    outputError: (message, write) => {
      (inherited.outputError ?? ((m: string, w: (s: string) => void) => w(m)))(message, write);
      if (message.includes("too many arguments")) {
        write(`vaultfile: hint: the value is not an argument (it would land in shell history): printf '%s' "$VALUE" | vaultfile ${cmd.name()} NAME --stdin, or type it at the hidden prompt\n`);
      }
    },
  });
}

/**
 * `vaultfile exec sh -c '…'` reads `-c` as an option of exec's own: say where the command belongs, after
 * commander's "unknown option" line.
 */
function hintDoubleDashOnUnknownOption(cmd: Command): void {
  const inherited = cmd.configureOutput();
  cmd.configureOutput({
    outputError: (message, write) => {
      (inherited.outputError ?? ((m: string, w: (s: string) => void) => w(m)))(message, write);
      if (message.includes("unknown option")) write("vaultfile: hint: put the command after --: vaultfile exec -- CMD ARGS…\n");
    },
  });
}
