/**
 * `vaultfile history --exposure`: for each recipient ever removed, the secrets present while they could read the
 * vault and whether each was rotated since — reconstructed from the git history alone, so it also covers vaults that
 * predate the `exposed_to` field. Needs no key: a rotation is a change of the value's ciphertext together with its
 * `rotated_at` (vaultfile keeps an unchanged value's ciphertext byte for byte); a ciphertext that changed only because
 * a removal rolled the data key is not a rotation (the same rule as `history`'s `re-encrypted`).
 */
import { basename, dirname } from "node:path";
import { catFiles, diffVersions, parseVersion } from "./history.js";
import { runGit } from "./run.js";
import type { CiphertextView } from "./vault-view.js";

export interface ExposedSecret {
  name: string;
  /** The first rotation after the removal; `null` while the removed holder may still know the value. */
  rotated: { commit: string; date: string } | null;
  /** Set when the secret was deleted from the vault after the removal (without a rotation first). */
  deleted?: { commit: string; date: string };
}

export interface RemovalExposure {
  recipient: string;
  /** The commit that removed the recipient, its author and date (ISO 8601 as git prints it). */
  commit: string;
  author: string;
  date: string;
  /** The secrets present while they were a recipient, in file order. */
  secrets: ExposedSecret[];
}

const US = "\x1f";

/** Removals oldest first, along the first-parent history of `file` (what the branch's tip went through). */
export async function exposureHistory(file: string, name?: string): Promise<RemovalExposure[]> {
  const cwd = dirname(file);
  const path = basename(file);
  const log = await runGit(["log", "--first-parent", "--reverse", `--format=%H${US}%an${US}%aI`, "--", path], { cwd });
  const commits = log
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => {
      const [commit = "", author = "", date = ""] = l.split(US);
      return { commit, author, date };
    });
  const blobs = await catFiles(
    commits.map((c) => `${c.commit}:./${path}`),
    cwd,
  );
  const removals: RemovalExposure[] = [];
  let before: CiphertextView | null = null;
  commits.forEach((c, i) => {
    const after = parseVersion(blobs[i] ?? null);
    if (after === undefined) return; // an unreadable version (e.g. a committed conflict): compare across it
    if (before && after) {
      // Rotations and deletions first: they settle what earlier removals exposed.
      for (const change of diffVersions(before, after)) {
        for (const r of removals) {
          const s = r.secrets.find((x) => x.name === change.name && x.rotated === null && !x.deleted);
          if (!s) continue;
          if (change.event === "rotated") s.rotated = { commit: c.commit, date: c.date };
          else if (change.event === "removed") s.deleted = { commit: c.commit, date: c.date };
        }
      }
      const kept = new Set(after.meta.age.map((a: { recipient: string }) => a.recipient));
      for (const [who, key] of Object.entries(before.recipients)) {
        if (who in after.recipients || kept.has(key)) continue;
        removals.push({
          recipient: who,
          commit: c.commit,
          author: c.author,
          date: c.date,
          secrets: [...before.entries.keys()].map((n) => ({ name: n, rotated: null })),
        });
      }
    }
    before = after;
  });
  if (name === undefined) return removals;
  return removals
    .map((r) => ({ ...r, secrets: r.secrets.filter((s) => s.name === name) }))
    .filter((r) => r.secrets.length > 0);
}
