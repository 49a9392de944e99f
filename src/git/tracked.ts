/**
 * Whether git would commit a file: `export -o FILE` refuses a tracked target (the secrets would be in the next
 * commit) and warns about one that `.gitignore` does not ignore.
 */
import { basename, dirname } from "node:path";
import { VaultfileError } from "../errors.js";
import { tryGit } from "./run.js";

export type GitFileState = "outside" | "tracked" | "ignored" | "untracked";

/**
 * The state of `file` (an absolute path whose folder exists) in the git work tree that holds it: `outside` when
 * there is none, or when git is not installed (nothing to protect then).
 */
export async function gitFileState(file: string): Promise<GitFileState> {
  const cwd = dirname(file);
  const name = basename(file);
  try {
    if ((await tryGit(["rev-parse", "--is-inside-work-tree"], { cwd }))?.trim() !== "true") return "outside";
    if ((await tryGit(["ls-files", "--error-unmatch", "--", name], { cwd })) !== null) return "tracked";
    return (await tryGit(["check-ignore", "-q", "--", name], { cwd })) !== null ? "ignored" : "untracked";
  } catch (err) {
    if (err instanceof VaultfileError) return "outside"; // not a repository, or no git
    throw err;
  }
}
