/**
 * Whether this clone is set up for the vault's merge driver: `.gitattributes` (committed, so every clone has it)
 * routes the vault through `merge=vaultfile`, but the driver itself lives in git config, which each clone needs
 * `vaultfile git setup` for. Without it git merges the file line by line into conflict markers.
 *
 * Cheap on purpose, since every command that reads the vault asks: a few small file reads, and `git config` only
 * when the attributes name the driver and no config file read directly defines it (includes, system config).
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";

const MERGE_ATTRIBUTE = /(?:^|\s)merge=vaultfile(?:\s|$)/m;
const DRIVER_SECTION = /^\s*\[\s*merge\s+"vaultfile"\s*\]/m;

function readOr(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

function kindOf(path: string): "file" | "dir" | undefined {
  try {
    const s = statSync(path);
    return s.isDirectory() ? "dir" : s.isFile() ? "file" : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The git folder holding the config of the repository around `file`, when a `.gitattributes` from the file's folder
 * up to the repository's top names the vaultfile merge driver; `undefined` otherwise (no repository, no attribute).
 */
export function driverAttributed(file: string): { gitDir: string } | undefined {
  let named = false;
  for (let dir = dirname(resolve(file)); ; dir = dirname(dir)) {
    named ||= MERGE_ATTRIBUTE.test(readOr(join(dir, ".gitattributes")));
    const dotGit = join(dir, ".git");
    const kind = kindOf(dotGit);
    if (kind !== undefined) {
      if (!named) return undefined;
      if (kind === "dir") return { gitDir: dotGit };
      // A worktree or submodule: `.git` is a file `gitdir: PATH`; the shared config is in its common folder.
      const m = /^gitdir:\s*(.+?)\s*$/m.exec(readOr(dotGit));
      if (!m) return { gitDir: dotGit };
      const gitDir = isAbsolute(m[1]!) ? m[1]! : resolve(dir, m[1]!);
      const common = readOr(join(gitDir, "commondir")).trim();
      return { gitDir: common ? resolve(gitDir, common) : gitDir };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * True when `.gitattributes` names the vaultfile merge driver but git's config (this clone's, the global or the
 * system one) does not define it.
 */
export async function mergeDriverMissing(file: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const found = driverAttributed(file);
  if (!found) return false;
  const home = env.HOME ?? "";
  const xdg = env.XDG_CONFIG_HOME || join(home, ".config");
  const configs = [
    join(found.gitDir, "config"),
    ...(home ? [join(home, ".gitconfig")] : []),
    join(xdg, "git", "config"),
  ];
  if (configs.some((c) => DRIVER_SECTION.test(readOr(c)))) return false;
  try {
    // git (and node:child_process) only for a file that names the driver: most reads never run it.
    const { tryGit } = await import("./run.js");
    const driver = await tryGit(["config", "--get", "merge.vaultfile.driver"], { cwd: dirname(resolve(file)), env });
    return driver === null || driver.trim() === "";
  } catch {
    return false; // no git to ask: nothing would merge the file anyway
  }
}
