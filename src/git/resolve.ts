/**
 * `vaultfile git resolve`: re-runs the merge of a conflicted vault file from git's index (stage 1 = base, 2 = ours,
 * 3 = theirs), settling the named conflicts, and writes the result to the working file. The index itself is left
 * to the user's `git add`, as after any merge conflict.
 */
import { basename, dirname } from "node:path";
import { NotFoundError } from "../errors.js";
import { writeFileAtomic } from "../io/atomic.js";
import type { KeySearch } from "../crypto/key-search.js";
import { mergeVaults, type MergeOutcome, type Side } from "./merge.js";
import { tryGit } from "./run.js";

export interface ResolveOptions {
  keys: KeySearch;
  now: Date;
  prefer: ReadonlyMap<string, Side>;
}

export async function resolveConflict(file: string, opts: ResolveOptions): Promise<MergeOutcome> {
  const cwd = dirname(file);
  const stage = (n: number) => tryGit(["show", `:${n}:./${basename(file)}`], { cwd });
  const [base, ours, theirs] = await Promise.all([stage(1), stage(2), stage(3)]);
  if (ours === null || theirs === null) {
    throw new NotFoundError(`${file} is not in a conflicted merge`, {
      hint: "git resolve works while git reports the file as unmerged (after `git merge` stopped on it)",
    });
  }
  const outcome = await mergeVaults({
    base: base ?? "",
    ours,
    theirs,
    path: basename(file),
    keys: opts.keys,
    now: opts.now,
    prefer: opts.prefer,
  });
  writeFileAtomic(file, outcome.text);
  return outcome;
}
