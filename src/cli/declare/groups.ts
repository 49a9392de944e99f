/** The command groups: `recipients list|add|remove`, `git setup|textconv|merge|resolve`, `type list|add|rm`. */
import type { Command } from "commander";
import type { AddTypeOptions } from "../commands/type.js";
import { nameOption, names, type Runner } from "./parts.js";
/** `recipients list | add | remove`. */
export function declareRecipients(program: Command, run: Runner): void {
  const group = program
    .command("recipients")
    .description("list, add or remove who can decrypt the vault")
    .addHelpText(
      "after",
      '\nExamples:\n  vaultfile recipients list\n  vaultfile recipients add ci age1…\n  vaultfile recipients add carol "$(cat carol_id_ed25519.pub)"\n  vaultfile recipients remove bob',
    );
  const load = () => import("../commands/recipients.js");

  group
    .command("list", { isDefault: true })
    .description("show each recipient's name and public key; yours are marked")
    .addHelpText("after", "\nExamples:\n  vaultfile recipients list\n  vaultfile recipients list --json")
    .action(run(async (ctx) => (await load()).listRecipients(ctx)));

  group
    .command("add")
    .description("let another age key open the vault (wraps the data key for it)")
    .argument("<name>", "a name for the key holder: alice, ci, …")
    .argument(
      "<recipient>",
      "their public key: age1… (from `vaultfile keygen` or `age-keygen -y`), or an ssh-ed25519 / ssh-rsa public key",
    )
    .addHelpText(
      "after",
      '\nOnly the recipients list and the sops.age block change; values keep their ciphertext.\n\nExamples:\n  vaultfile recipients add ci age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n  vaultfile recipients add carol "$(cat carol_id_ed25519.pub)"   # an SSH key, as age takes it',
    )
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
    .action(
      run(async (ctx, name: string, opts: { force?: boolean }) => (await load()).removeRecipient(ctx, name, opts)),
    );
}

/** `git setup | textconv | merge | resolve`. */
export function declareGit(program: Command, run: Runner): void {
  const git = program
    .command("git")
    .description(
      "git integration: readable diffs, an entry-level merge driver (run `vaultfile git setup` once per clone)",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  vaultfile git setup\n  git diff .secrets.yaml          # values shown as fingerprints\n  git merge feature               # vault entries merge one by one",
    );
  const load = () => import("../commands/git.js");

  git
    .command("setup")
    .description(
      "write .gitattributes lines for the vault files and the git config of the diff and merge drivers (idempotent)",
    )
    .option("--global", "define the drivers in your global git config instead of this repository's")
    .option(
      "--command <cmd>",
      "how git should run vaultfile (default: this node and this vaultfile script, by absolute path)",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  vaultfile git setup                      # for .secrets.yaml and .secrets.*.yaml\n  vaultfile -f deploy/vault.yaml git setup\n  vaultfile git setup --command vaultfile  # use the vaultfile on PATH",
    )
    .action(run(async (ctx, opts: { global?: boolean; command?: string }) => (await load()).gitSetup(ctx, opts)))
    .exitOverride();

  git
    .command("textconv")
    .description(
      "print FILE for review: values replaced by keyed fingerprints, the sops block summarised (git runs this for `git diff`)",
    )
    .argument("<file>", "the vault file (git passes a temporary copy)")
    .option("--show-values", "print the decrypted values instead of fingerprints")
    .addHelpText(
      "after",
      "\nExamples:\n  vaultfile git textconv .secrets.yaml\n  git -c diff.vaultfile.textconv='vaultfile git textconv --show-values' diff\n\nWithout a key, values show as <encrypted:TAG> (a hash of the ciphertext: it changes exactly when the value is re-encrypted).\n" +
        "A version whose data key differs from the one before it (found in git from its blob id) is marked in the sops\n" +
        "summary: data_key: replaced (proof ok) | replaced (NO PROOF) | changed (without a key that opens both).",
    )
    .action(
      run(async (ctx, file: string, opts: { showValues?: boolean }) => (await load()).gitTextconv(ctx, file, opts)),
    )
    .exitOverride();

  git
    .command("merge")
    .description("three-way merge of vault files, entry by entry (git runs this as the merge driver with %O %A %B %P)")
    .argument("<base>", "the common ancestor's version (%O)")
    .argument("<ours>", "our version; the result is written here (%A)")
    .argument("<theirs>", "their version (%B)")
    .argument("[path]", "the file's name in the repository, for messages (%P)")
    .addHelpText(
      "after",
      "\nExamples:\n  vaultfile git merge %O %A %B %P      # in git config merge.vaultfile.driver\n\nExit 0: merged. Exit 1: conflicts; OURS then holds the merge with our side of each conflict and a\ncomment block on top that explains them (see `vaultfile git resolve`).\nExit 5: refused, OURS left as it was: a side replaced the data key without a custody link from the\nbase's key (a vault written without the key), or a side has a stale seal.",
    )
    .action(
      run(async (ctx, base: string, ours: string, theirs: string, path: string | undefined) =>
        (await load()).gitMerge(ctx, base, ours, theirs, path),
      ),
    )
    .exitOverride();

  git
    .command("resolve")
    .description(
      "finish a merge of FILE that stopped on conflicts: merge again from git's index, taking our or their side of the named entries",
    )
    .argument("[file]", "the conflicted vault file (default: -f or .secrets.yaml)")
    .addOption(nameOption("secret", "--ours <names...>", "keep our side of these secrets/recipients"))
    .addOption(nameOption("secret", "--theirs <names...>", "take their side of these secrets/recipients"))
    .addHelpText(
      "after",
      "\nExamples:\n  vaultfile git resolve .secrets.yaml --theirs PYPI_TOKEN\n  vaultfile git resolve --ours PYPI_TOKEN --theirs NPM_TOKEN && git add .secrets.yaml\n\nExit 0: resolved. Exit 1: conflicts remain. Exit 8: FILE is locked by another vaultfile process, or\nchanged while resolve ran; it is left as it was (it writes as every vault write does: locked, mode kept).",
    )
    .action(
      run(async (ctx, file: string | undefined, opts: { ours?: string[]; theirs?: string[] }) =>
        (await load()).gitResolve(ctx, file, opts),
      ),
    )
    .exitOverride();
}

/** `type list | add | rm`. */
export function declareTypes(program: Command, run: Runner): void {
  const group = program
    .command("type")
    .description("list the secret types, or add and remove the vault's own (custom) types")
    .addHelpText(
      "after",
      "\nA secret's type checks its value when you `set` or `rotate` it and in `validate`, gives its default rotation\n" +
        "policy and says where to rotate it. Custom types are stored in the vault file, under `types:`.\n\n" +
        'Examples:\n  vaultfile type list\n  vaultfile type add internal-api --pattern "^ia_[a-z0-9]{32}$" --rotate-every 30d --rotate-at https://internal.example/tokens\n  vaultfile type rm internal-api',
    );
  const load = () => import("../commands/type.js");

  group
    .command("list", { isDefault: true })
    .description("show every type: description, default rotation, where to rotate; the vault's custom types last")
    .addHelpText(
      "after",
      "\nWithout a vault file, only the built-in types are listed.\n\nExamples:\n  vaultfile type list\n  vaultfile type list --json",
    )
    .action(run(async (ctx) => (await load()).listTypes(ctx)));

  group
    .command("add")
    .description("declare a custom type in the vault file")
    .argument("<name>", "a lower-case word: letters, digits, _, . or - (e.g. internal-api)")
    .requiredOption(
      "--pattern <regex>",
      "an RE2 regular expression (as sops uses) the whole value must match, anchored for you: `^…$` is optional",
    )
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
