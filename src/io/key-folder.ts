/**
 * Whether a folder is safe to keep a private key in. The key file itself is created 0600, so nobody else can read
 * it; but whoever can write to a folder on its path can rename the key away and put their own in its place, and
 * the next `vaultfile init` or `recipients add` would then encrypt to their key. OpenSSH refuses keys and configs
 * on such paths (StrictModes); vaultfile's `keygen` refuses folders anyone can write to and warns about folders
 * another user owns or a group can write to (often the same person: a container's bind mount, a private group).
 */
import { lstatSync, realpathSync, type Stats } from "node:fs";
import { dirname } from "node:path";

/** What is wrong with one folder on the way to a key file. */
export interface FolderRisk {
  /** The folder (its real path). */
  folder: string;
  /**
   * `world`: every user can write to it; `owner`: it belongs to another user (who can make it writable at will);
   * `group`: the members of its group can write to it. A sticky folder (`/tmp`) is none of these: there, others
   * cannot rename or delete what is not theirs.
   */
  kind: "world" | "owner" | "group";
  mode: number;
}

/**
 * The folders on the way to `file` (its folder and every one above it, those that exist, links resolved) that
 * someone other than the current user (or root) can change entries of: the worst first (`world`, `owner`, then
 * `group`), nearest first within a kind. Empty where the platform has no user ids (Windows).
 */
export function keyFolderRisks(file: string): FolderRisk[] {
  const uid = process.getuid?.();
  if (uid === undefined) return [];
  const risks: FolderRisk[] = [];
  let folder = existingAncestor(dirname(file));
  for (;;) {
    const st = lstatOrUndefined(folder);
    const risk = st && riskOf(st, uid);
    if (risk) risks.push({ folder, kind: risk, mode: st.mode & 0o7777 });
    const up = dirname(folder);
    if (up === folder) break;
    folder = up;
  }
  const rank = { world: 0, owner: 1, group: 2 } as const;
  return risks.sort((a, b) => rank[a.kind] - rank[b.kind]);
}

function riskOf(st: Stats, uid: number): FolderRisk["kind"] | undefined {
  if ((st.mode & 0o1000) !== 0) return undefined; // sticky: entries can only be replaced by their owner
  if ((st.mode & 0o002) !== 0) return "world";
  if (st.uid !== uid && st.uid !== 0) return "owner";
  if ((st.mode & 0o020) !== 0) return "group";
  return undefined;
}

/** The real path of the nearest folder at or above `folder` that exists (the rest will be created 0700). */
function existingAncestor(folder: string): string {
  for (;;) {
    try {
      return realpathSync(folder);
    } catch {
      const up = dirname(folder);
      if (up === folder) return folder;
      folder = up;
    }
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
