/**
 * Which vault file a command works on: `-f FILE`, else `$VAULTFILE_FILE`, else `.secrets.yaml` in the working
 * folder, else the nearest `.secrets.yaml` in a parent folder up to the root of the git work tree (so `vaultfile
 * status` works from `deploy/prod/`). Outside a git work tree only the working folder is looked in: a vault found
 * in some folder above an unrelated project would be a surprise.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export const DEFAULT_FILE = ".secrets.yaml";

export interface VaultLocation {
  /** The absolute path of the vault file (it may not exist: `init` creates it, other commands report it). */
  file: string;
  /** How it was chosen. `parent`: found above the working folder, which the CLI says on stderr. */
  source: "flag" | "env" | "cwd" | "parent" | "default";
  /** The folders looked in, nearest first (empty when -f or VAULTFILE_FILE named the file). */
  searched: string[];
}

/** The folder holds a `.git` folder or file (a worktree or submodule has a file): the top of a work tree. */
function isGitRoot(dir: string): boolean {
  return existsSync(join(dir, ".git"));
}

const isFile = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isFile() === true;

/**
 * The vault file for a command run in `cwd`. `flag` is `-f`'s value. `search: false` (for `init`, which creates
 * the file) skips the parent folders: a new vault goes where the command was run.
 */
export function locateVault(
  cwd: string,
  env: NodeJS.ProcessEnv,
  flag: string | undefined,
  search = true,
): VaultLocation {
  if (flag !== undefined) return { file: resolve(cwd, flag), source: "flag", searched: [] };
  if (env.VAULTFILE_FILE) return { file: resolve(cwd, env.VAULTFILE_FILE), source: "env", searched: [] };
  const here = resolve(cwd, DEFAULT_FILE);
  if (!search || isFile(here)) return { file: here, source: "cwd", searched: [resolve(cwd)] };
  const searched = [resolve(cwd)];
  // Only inside a git work tree: find its root first, then look in each folder from here up to it.
  let root: string | undefined;
  for (let dir = resolve(cwd), depth = 0; depth < 100; depth++) {
    if (isGitRoot(dir)) {
      root = dir;
      break;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  if (root !== undefined) {
    for (let dir = resolve(cwd); dir !== root; ) {
      dir = dirname(dir);
      searched.push(dir);
      const candidate = join(dir, DEFAULT_FILE);
      if (isFile(candidate)) return { file: candidate, source: "parent", searched };
    }
  }
  return { file: here, source: "default", searched };
}
