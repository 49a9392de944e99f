/**
 * `vaultfile git resolve`: re-runs the merge of a conflicted vault file from git's index (stage 1 = base, 2 = ours,
 * 3 = theirs), settling the named conflicts, and writes the result to the working file through the vault's own
 * write path, as every other command that writes it: under its lock, refused when the file changed since resolve
 * read it, mode and owner kept, a read-only file said. The index itself is left to the user's `git add`, as after
 * any merge conflict.
 */
import { basename, dirname } from "node:path";
import { NotFoundError } from "../errors.js";
import { acquireLock } from "../io/lock.js";
import { readVaultText, writeVaultText, type VaultOptions } from "../io/vault-file.js";
import type { KeySearch } from "../crypto/key-search.js";
import { mergeVaults, type MergeOutcome, type Side } from "./merge.js";
import { tryGit } from "./run.js";

export interface ResolveOptions {
  keys: KeySearch;
  now: Date;
  prefer: ReadonlyMap<string, Side>;
  /** Told when the file replaced was read-only (it keeps that mode). */
  warn?: VaultOptions["warn"];
}

/**
 * @throws NotFoundError when git does not report the file as unmerged; ConflictError (`E_LOCKED`) when another
 * process holds the vault's lock past the timeout, (`E_CONFLICT`) when the file changed while the merge ran; what
 * the merge throws (keys, integrity). The file is unchanged after any of them.
 */
export async function resolveConflict(file: string, opts: ResolveOptions): Promise<MergeOutcome> {
  const cwd = dirname(file);
  const stage = (n: number) => tryGit(["show", `:${n}:./${basename(file)}`], { cwd });
  const [base, ours, theirs] = await Promise.all([stage(1), stage(2), stage(3)]);
  if (ours === null || theirs === null) {
    throw new NotFoundError(`${file} is not in a conflicted merge`, {
      hint: "git resolve works while git reports the file as unmerged (after `git merge` stopped on it)",
    });
  }
  const lock = acquireLock(file);
  try {
    // What the merge replaces (git's conflict markers, or the driver's merge with its comment block): a change to
    // it from here on (an edit saved meanwhile) is refused rather than lost. A file deleted meanwhile is made anew.
    const current = readWorkFile(file);
    const outcome = await mergeVaults({
      base: base ?? "",
      ours,
      theirs,
      path: basename(file),
      keys: opts.keys,
      now: opts.now,
      prefer: opts.prefer,
    });
    writeVaultText(file, current, outcome.text, { exclusive: current === undefined, warn: opts.warn });
    return outcome;
  } finally {
    lock.release();
  }
}

/** The working file's text, `undefined` when there is none (git deleted it, or the user did). */
function readWorkFile(file: string): string | undefined {
  try {
    return readVaultText(file);
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}
