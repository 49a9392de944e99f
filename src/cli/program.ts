/**
 * The command line's shape and nothing else: the global options, every command with its arguments, options and
 * help, and which typed function (`commands/<name>.ts`) each runs. A command's module is imported only when that
 * command runs, so `vaultfile export` loads neither the prompts nor any other command; declaring them all costs
 * commander a few objects. Completion scripts and help are generated from this declaration.
 */
import { Argument, Command } from "commander";
import { KEY_SOURCES } from "../rules/env-danger.js";
import { globalsOf, type CliIO } from "./context.js";
import { GLOBAL_OPTIONS } from "./option-table.js";
import type { EditOptions } from "./commands/edit.js";
import type { InitOptions } from "./commands/init.js";
import { declareEnvironmentCommands } from "./declare/environment.js";
import { declareGit, declareRecipients, declareTypes } from "./declare/groups.js";
import { declareOptions, names, type Run } from "./declare/parts.js";
import { declareSecretCommands } from "./declare/secrets.js";

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

/**
 * The whole program. Each action builds the command's context from the parsed globals and hands the status its
 * function returns to `onStatus` (main.ts turns it into the exit code).
 */
export function buildProgram(io: CliIO, onStatus: (status: number) => void = () => {}): Command {
  const run =
    <A extends unknown[]>(fn: Run<A>) =>
    async (...args: unknown[]): Promise<void> => {
      const cmd = args[args.length - 1] as Command;
      onStatus(
        await fn({ io, globals: globalsOf(cmd, io, { search: cmd.name() !== "init" }) }, ...(args.slice(0, -1) as A)),
      );
    };
  const program = programShell(io);

  program
    .command("keygen")
    .description("create a new age identity (private key) file, mode 0600, and print its public key")
    .option(
      "-o, --output <path>",
      "where to write the key (default: $XDG_CONFIG_HOME/vaultfile/keys.txt); - prints the key file to stdout",
    )
    .option("--pq", "a post-quantum hybrid key (age1pq1…); a vault cannot mix it with classic keys")
    .addHelpText(
      "after",
      "\nThe public key (age1…) is printed on stdout: give it to a vault's owner for `vaultfile recipients add`.\n" +
        "Existing files are never overwritten. With -o - the key file's text goes to stdout instead (as age-keygen\n" +
        "prints it) and the public key to stderr.\n\nExamples:\n  vaultfile keygen\n" +
        "  vaultfile keygen -o ci.agekey    # a key for CI: store the file's contents as the VAULTFILE_AGE_KEY secret\n" +
        "  vaultfile keygen -o - | gh secret set VAULTFILE_AGE_KEY",
    )
    .action(
      run(async (ctx, opts: { output?: string; pq?: boolean }) =>
        (await import("./commands/keygen.js")).keygen(ctx, opts),
      ),
    );

  program
    .command("init")
    .description("create a new, empty vault with you (your age or SSH key) as the first recipient")
    .option(
      "--recipient <name=key>",
      'another recipient: NAME=age1… or NAME="ssh-ed25519 AAAA…" (repeatable)',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option(
      "--name <name>",
      "your name as a recipient (default: $USER, else your OS user name, else git's user.name, else me)",
    )
    .option(
      "--config <file>",
      "the sops config whose creation rule adds recipients (default: $SOPS_CONFIG, else the nearest .sops.yaml)",
    )
    .addHelpText(
      "after",
      '\nYour key is the first identity found (see README "Keys"); without one, init offers to create it on a terminal.\n' +
        "The nearest .sops.yaml (this folder or a parent, as sops finds it; or --config / $SOPS_CONFIG) adds the age keys\n" +
        "of its first creation rule whose path_regex matches the vault's path (named sops-1, sops-2, …).\n" +
        "An existing file is never overwritten.\n\nExamples:\n  vaultfile init\n  vaultfile init --name alice --recipient ci=age1…\n  vaultfile -f .secrets.prod.yaml init",
    )
    .action(run(async (ctx, opts: InitOptions) => (await import("./commands/init.js")).init(ctx, opts)));

  declareSecretCommands(program, run);

  declareRecipients(program, run);

  program
    .command("decrypt")
    .description("print a sops YAML file (any, not only a vault) decrypted, after checking its MAC")
    .argument("<file>", "a sops-encrypted YAML file with age recipients")
    .option(
      "--output-type <type>",
      "yaml (as sops -d: every document, comments kept, no sops block) or json (the first document, as sops -d)",
      undefined,
    )
    .option(
      "--accept-stale-seal",
      "print a vault whose name seal is stale (names or metadata changed outside vaultfile) anyway, with a warning",
    )
    .addHelpText(
      "after",
      "\nThe output holds every secret in clear: print it to a terminal or a pipe, not to a file you might commit.\n" +
        "Exit non-zero on any failure (no key, MAC mismatch, damaged value). --json implies --output-type json.\n" +
        "A vault (a file vaultfile sealed) whose seal is stale is refused with exit 5 unless --accept-stale-seal;\n" +
        "any other sops file decrypts as `sops -d` decrypts it (key groups and Shamir thresholds included).\n\n" +
        "Examples:\n  vaultfile decrypt secrets.enc.yaml\n  vaultfile decrypt .secrets.yaml --output-type json | jq .secrets",
    )
    .action(
      run(async (ctx, file: string, opts: { outputType?: string; acceptStaleSeal?: boolean }) =>
        (await import("./commands/decrypt.js")).decrypt(ctx, file, opts),
      ),
    );

  program
    .command("reseal")
    .description("review and re-seal a vault last saved by plain sops (or whose key names were edited)")
    .option("-y, --yes", "reseal without asking (after you reviewed the file, e.g. in a diff)")
    .option(
      "--vouch <rev>",
      "the data key was replaced outside vaultfile (sops rotate) since REV: as a holder of both keys, write the custody link",
    )
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
    .action(
      run(async (ctx, opts: { yes?: boolean; vouch?: string }) =>
        (await import("./commands/reseal.js")).reseal(ctx, opts),
      ),
    );

  program
    .command("edit")
    .description("edit secrets interactively: a menu on a terminal, or the decrypted YAML in $EDITOR (--editor)")
    .option(
      "--editor",
      "open the decrypted vault (values in clear) in $VISUAL / $EDITOR (default vi) instead of the menu",
    )
    .option("--force", "with --editor: store values that do not match their type (a warning instead of an error)")
    .option(
      "--allow-name <name>",
      "with --editor: allow a new secret named like a variable that changes which code a program runs (PATH, NODE_OPTIONS, …); repeatable",
      (v: string, prev: string[] = []) => [...prev, v],
    )
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
    .description(
      "check vault files for a commit: they parse, every value is encrypted, recipients match; with a key also MAC and seal",
    )
    .argument("[files...]", "vault files (default: -f or .secrets.yaml)")
    .option(
      "--since <rev>",
      "also verify the chain of custody of the commits after REV (as validate --since; needs a key)",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  vaultfile check\n  vaultfile check .secrets.yaml .secrets.prod.yaml\n  vaultfile check --since origin/main\n\n" +
        "A plaintext value fails with exit 6, a bad MAC or recipient list with 5, a leftover merge conflict with 8.\n" +
        "Without a key (or with one that does not open the file) the MAC is not checked, and the output says so.\n" +
        "--since: a break in custody fails with exit 5; without a key, or with one that opens none of the versions\n" +
        "walked, custody cannot be verified and check fails with exit 4 (never a silent pass).",
    )
    .action(
      run(async (ctx, files: string[], opts: { since?: string }) =>
        (await import("./commands/check.js")).check(ctx, files, opts),
      ),
    );

  program
    .command("history")
    .description(
      "when each secret was added, rotated, updated or removed, by which commit and author, with its new expiry (from git log; no key needed)",
    )
    .addArgument(names("secret", "[name]", "only this secret"))
    .option("--exposure", "for each removed recipient: the secrets they could read and whether each was rotated since")
    .option(
      "--verify",
      "check the chain of custody: every version written by a holder of the data key before it (exit 5 on a break)",
    )
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
    .action(
      run(async (ctx, name: string | undefined, opts: { exposure?: boolean }) =>
        (await import("./commands/history.js")).history(ctx, name, opts),
      ),
    );

  declareEnvironmentCommands(program, run);

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
