/**
 * `vaultfile git setup | textconv | merge | resolve`: git integration. `setup` registers the drivers; git itself
 * runs `textconv` (for `git diff`/`git log -p`) and `merge` (as a merge driver); `resolve` finishes a merge that
 * stopped on a conflict.
 */
import { relative, resolve } from "node:path";
import { ExitCode, UsageError, type ExitCodeValue } from "../../errors.js";
import { readTextFile } from "../../io/text-file.js";
import type { MergeConflict, MergeOutcome } from "../../git/merge.js";
import { note, vaultFileOf, vaultOptions, type CliIO, type CommandContext, type GlobalOptions } from "../context.js";
import { audit } from "../audit.js";
import { findKeys, findUnattendedKeys } from "../vault-access.js";

export async function gitSetup(
  ctx: CommandContext,
  opts: { global?: boolean; command?: string },
): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const { setupGit, currentCommand } = await import("../../git/setup.js");
  const lines = await setupGit({
    cwd: io.cwd,
    file: vaultFileOf(g, io),
    global: opts.global === true,
    command: opts.command ?? currentCommand(),
  });
  for (const line of lines) io.stderr.write(line + "\n"); // progress for a person: stdout stays empty
  return ExitCode.ok;
}

export async function gitTextconv(
  ctx: CommandContext,
  file: string,
  opts: { showValues?: boolean },
): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const path = resolve(io.cwd, file);
  const source = readTextFile(path);
  const [{ textconv }, { parentVersion }] = await Promise.all([
    import("../../git/textconv.js"),
    import("../../git/parent-version.js"),
  ]);
  let keys: ReturnType<typeof findKeys>;
  try {
    keys = findUnattendedKeys(g, io);
  } catch {
    keys = { identities: [], searched: [] }; // an unreadable key file must not break `git diff`
  }
  // Values shown in clear are an access like `get`: logged (when auditing is on) before they are printed.
  const beforeShowingValues = (names: string[]): void => audit(io, g, "git textconv --show-values", names, path);
  const parent = () => parentVersion(file, io.cwd);
  io.stdout.write(
    await textconv(source, file, { keys, showValues: opts.showValues === true, beforeShowingValues, parent }),
  );
  return ExitCode.ok;
}

/** Exit 1 when entries conflict (git's merge-driver convention); OURS then holds the merge with our side. */
export async function gitMerge(
  ctx: CommandContext,
  base: string,
  oursFile: string,
  theirs: string,
  path: string | undefined,
): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const oursPath = resolve(io.cwd, oursFile);
  const name = path ?? oursFile;
  const { mergeVaults, describeConflict } = await import("../../git/merge.js");
  // Not the vault's write path (lock, re-read check, read-only warning) that `resolve` takes: git hands the driver
  // its own temp file (%A), which nobody else writes and whose mode says nothing about the vault's, and git itself
  // writes the work tree after the driver exits. A lock beside %A would guard nothing; the vault's (%P) would not
  // cover git's write either, and would fail the merge while a `vaultfile edit` holds it (whose save then refuses
  // the file git changed). So a plain atomic write: git reads %A whole or not at all.
  const { writeFileAtomic } = await import("../../io/atomic.js");
  const outcome = await mergeVaults({
    base: readTextFile(resolve(io.cwd, base)),
    ours: readTextFile(oursPath),
    theirs: readTextFile(resolve(io.cwd, theirs)),
    path: name,
    keys: findUnattendedKeys(g, io),
    now: nowOf(g, io),
  });
  writeFileAtomic(oursPath, outcome.text);
  return reportMerge(io, name, outcome, describeConflict);
}

/** Exit 1 while conflicts remain. */
export async function gitResolve(
  ctx: CommandContext,
  file: string | undefined,
  opts: { ours?: string[]; theirs?: string[] },
): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const path = file ? resolve(io.cwd, file) : vaultFileOf(g, io);
  const prefer = new Map<string, "ours" | "theirs">();
  for (const n of opts.ours ?? []) prefer.set(n, "ours");
  for (const n of opts.theirs ?? []) {
    if (prefer.has(n)) throw new UsageError(`${n} is given to both --ours and --theirs`);
    prefer.set(n, "theirs");
  }
  const { resolveConflict } = await import("../../git/resolve.js");
  const { describeConflict } = await import("../../git/merge.js");
  const { warn } = vaultOptions(g, io);
  const outcome = await resolveConflict(path, { keys: findKeys(g, io), now: nowOf(g, io), prefer, warn });
  const name = relative(io.cwd, path) || path;
  const status = reportMerge(io, name, outcome, describeConflict);
  if (outcome.conflicts.length === 0) io.stderr.write(`resolved ${name}; now: git add ${name}\n`);
  return status;
}

/** Reports a merge; its status is 1 when conflicts remain. */
function reportMerge(
  io: CliIO,
  name: string,
  outcome: MergeOutcome,
  describe: (c: MergeConflict) => string,
): ExitCodeValue {
  if (outcome.conflicts.length === 0) {
    note(
      io,
      "note",
      `merged ${name}${outcome.fromTheirs.length > 0 ? ` (from theirs: ${outcome.fromTheirs.join(", ")})` : ""}`,
    );
    return ExitCode.ok;
  }
  note(io, "warning", `merge conflict in ${name}:`);
  for (const c of outcome.conflicts) io.stderr.write(`  ${describe(c)}\n`);
  if (outcome.conflicts.some((c) => c.kind === "data key"))
    note(
      io,
      "hint",
      `take one side (git checkout --ours/--theirs ${name}), redo the other side's changes with vaultfile, then git add ${name}`,
    );
  else note(io, "hint", `vaultfile git resolve ${name} --ours NAME… / --theirs NAME…, then git add ${name}`);
  return ExitCode.mergeConflict;
}

/** The clock the other commands use (VAULTFILE_NOW in tests), for the merged file's lastmodified. */
function nowOf(g: GlobalOptions, io: CliIO): Date {
  return (vaultOptions(g, io).now ?? (() => new Date()))();
}
