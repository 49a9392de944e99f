/**
 * `vaultfile git setup | textconv | merge | resolve`: git integration. `setup` registers the drivers; git itself
 * runs `textconv` (for `git diff`/`git log -p`) and `merge` (as a merge driver); `resolve` finishes a merge that
 * stopped on a conflict.
 */
import type { Command } from "commander";
import { relative, resolve } from "node:path";
import { UsageError } from "../../errors.js";
import { readTextFile } from "../../io/text-file.js";
import type { MergeConflict, MergeOutcome } from "../../git/merge.js";
import { globalsOf, note, vaultOptions, type CliIO, type GlobalOptions } from "../context.js";
import { audit } from "../audit.js";
import { findKeys } from "../vault-access.js";

export function register(program: Command, io: CliIO): void {
  const git = program
    .command("git")
    .description("git integration: readable diffs, an entry-level merge driver (run `vaultfile git setup` once per clone)")
    .addHelpText("after", "\nExamples:\n  vaultfile git setup\n  git diff .secrets.yaml          # values shown as fingerprints\n  git merge feature               # vault entries merge one by one");

  git
    .command("setup")
    .description("write .gitattributes lines for the vault files and the git config of the diff and merge drivers (idempotent)")
    .option("--global", "define the drivers in your global git config instead of this repository's")
    .option("--command <cmd>", "how git should run vaultfile (default: this node and this vaultfile script, by absolute path)")
    .addHelpText("after", "\nExamples:\n  vaultfile git setup                      # for .secrets.yaml and .secrets.*.yaml\n  vaultfile -f deploy/vault.yaml git setup\n  vaultfile git setup --command vaultfile  # use the vaultfile on PATH")
    .action(async (opts: { global?: boolean; command?: string }, cmd: Command) => {
      const g = globalsOf(cmd, io);
      const { setupGit, currentCommand } = await import("../../git/setup.js");
      const lines = await setupGit({ cwd: io.cwd, file: g.file, global: opts.global === true, command: opts.command ?? currentCommand() });
      for (const line of lines) io.stderr.write(line + "\n"); // progress for a person: stdout stays empty
    })
    .exitOverride();

  git
    .command("textconv")
    .description("print FILE for review: values replaced by keyed fingerprints, the sops block summarised (git runs this for `git diff`)")
    .argument("<file>", "the vault file (git passes a temporary copy)")
    .option("--show-values", "print the decrypted values instead of fingerprints")
    .addHelpText("after", "\nExamples:\n  vaultfile git textconv .secrets.yaml\n  git -c diff.vaultfile.textconv='vaultfile git textconv --show-values' diff\n\nWithout a key, values show as <encrypted:TAG> (a hash of the ciphertext: it changes exactly when the value is re-encrypted).")
    .action(async (file: string, opts: { showValues?: boolean }, cmd: Command) => {
      const g = globalsOf(cmd, io);
      const path = resolve(io.cwd, file);
      const source = readTextFile(path);
      const { textconv } = await import("../../git/textconv.js");
      let keys;
      try {
        keys = findKeys(g, io);
      } catch {
        keys = { identities: [], searched: [] }; // an unreadable key file must not break `git diff`
      }
      // Values shown in clear are an access like `get`: logged (when auditing is on) before they are printed.
      const beforeShowingValues = (names: string[]): void => audit(io, g, "git textconv --show-values", names, path);
      io.stdout.write(await textconv(source, file, { keys, showValues: opts.showValues === true, beforeShowingValues }));
    })
    .exitOverride();

  git
    .command("merge")
    .description("three-way merge of vault files, entry by entry (git runs this as the merge driver with %O %A %B %P)")
    .argument("<base>", "the common ancestor's version (%O)")
    .argument("<ours>", "our version; the result is written here (%A)")
    .argument("<theirs>", "their version (%B)")
    .argument("[path]", "the file's name in the repository, for messages (%P)")
    .addHelpText("after", "\nExamples:\n  vaultfile git merge %O %A %B %P      # in git config merge.vaultfile.driver\n\nExit 0: merged. Exit 1: conflicts; OURS then holds the merge with our side of each conflict and a\ncomment block on top that explains them (see `vaultfile git resolve`).")
    .action(async (base: string, oursFile: string, theirs: string, path: string | undefined, _opts: unknown, cmd: Command) => {
      const g = globalsOf(cmd, io);
      const oursPath = resolve(io.cwd, oursFile);
      const name = path ?? oursFile;
      const { mergeVaults, describeConflict } = await import("../../git/merge.js");
      const { writeFileAtomic } = await import("../../io/atomic.js");
      const outcome = await mergeVaults({
        base: readTextFile(resolve(io.cwd, base)),
        ours: readTextFile(oursPath),
        theirs: readTextFile(resolve(io.cwd, theirs)),
        path: name,
        keys: findKeys(g, io),
        now: nowOf(g, io),
      });
      writeFileAtomic(oursPath, outcome.text);
      reportMerge(io, name, outcome, describeConflict);
    })
    .exitOverride();

  git
    .command("resolve")
    .description("finish a merge of FILE that stopped on conflicts: merge again from git's index, taking our or their side of the named entries")
    .argument("[file]", "the conflicted vault file (default: -f or .secrets.yaml)")
    .option("--ours <names...>", "keep our side of these secrets/recipients")
    .option("--theirs <names...>", "take their side of these secrets/recipients")
    .addHelpText("after", "\nExamples:\n  vaultfile git resolve .secrets.yaml --theirs PYPI_TOKEN\n  vaultfile git resolve --ours PYPI_TOKEN --theirs NPM_TOKEN && git add .secrets.yaml")
    .action(async (file: string | undefined, opts: { ours?: string[]; theirs?: string[] }, cmd: Command) => {
      const g = globalsOf(cmd, io);
      const path = file ? resolve(io.cwd, file) : g.file;
      const prefer = new Map<string, "ours" | "theirs">();
      for (const n of opts.ours ?? []) prefer.set(n, "ours");
      for (const n of opts.theirs ?? []) {
        if (prefer.has(n)) throw new UsageError(`${n} is given to both --ours and --theirs`);
        prefer.set(n, "theirs");
      }
      const { resolveConflict } = await import("../../git/resolve.js");
      const { describeConflict } = await import("../../git/merge.js");
      const outcome = await resolveConflict(path, { keys: findKeys(g, io), now: nowOf(g, io), prefer });
      const name = relative(io.cwd, path) || path;
      reportMerge(io, name, outcome, describeConflict);
      if (outcome.conflicts.length === 0) io.stderr.write(`resolved ${name}; now: git add ${name}\n`);
    })
    .exitOverride();
}

function reportMerge(io: CliIO, name: string, outcome: MergeOutcome, describe: (c: MergeConflict) => string): void {
  if (outcome.conflicts.length === 0) {
    note(io, "note", `merged ${name}${outcome.fromTheirs.length > 0 ? ` (from theirs: ${outcome.fromTheirs.join(", ")})` : ""}`);
    return;
  }
  note(io, "warning", `merge conflict in ${name}:`);
  for (const c of outcome.conflicts) io.stderr.write(`  ${describe(c)}\n`);
  if (outcome.conflicts.some((c) => c.kind === "data key")) note(io, "hint", `take one side (git checkout --ours/--theirs ${name}), redo the other side's changes with vaultfile, then git add ${name}`);
  else note(io, "hint", `vaultfile git resolve ${name} --ours NAME… / --theirs NAME…, then git add ${name}`);
  process.exitCode = 1;
}

/** The clock the other commands use (VAULTFILE_NOW in tests), for the merged file's lastmodified. */
function nowOf(g: GlobalOptions, io: CliIO): Date {
  return (vaultOptions(g, io).now ?? (() => new Date()))();
}
