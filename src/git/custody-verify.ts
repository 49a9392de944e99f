/**
 * `vaultfile history --verify`: walks the vault's git history and checks that every version was written by someone
 * who held the data key of a version before it. A version with its parent's data key must open with a valid MAC and
 * seal; a version with a new data key must carry custody links signed by the parent's key (`crypto/custody.ts`).
 * Versions the caller's key cannot open are reported, never passed silently.
 */
import { basename, dirname } from "node:path";
import { shown } from "../rules/text-safety.js";
import type { KeySearch } from "../crypto/key-search.js";
import { SopsFile } from "../sops/sops-file.js";
import { custodyHolds, type CustodyLink } from "../crypto/custody.js";
import { readCustody } from "../vault/custody.js";
import { catFiles, renamedFrom } from "./history.js";
import { sameDataKey } from "./key-change.js";
import { runGit } from "./run.js";

export type VerdictKind = "ok" | "unchanged" | "break" | "unverifiable";

export interface VersionVerdict {
  commit: string;
  author: string;
  date: string;
  kind: VerdictKind;
  /** What was checked or what is wrong, in words. */
  detail: string;
}

export interface CustodyReport {
  /** True when no version breaks the chain. */
  holds: boolean;
  versions: VersionVerdict[];
}

const US = "\x1f";

type Opened = { sf: SopsFile } | { error: string };

const VOUCHED =
  "data key replaced outside vaultfile; vouched for later by a holder of the previous one (reseal --vouch)";

interface VersionRecord {
  commit: string;
  parents: string[];
  author: string;
  date: string;
  /** The file's path from the repository's top in this commit, and in its parents (they differ across a rename). */
  path: string;
  parentPath: string;
}

/** Renames followed at most (a loop guard, as `history` has). */
const MAX_RENAMES = 50;

/**
 * The commits that changed the file, oldest first (topological, every merge parent), after `since` when given.
 * A rename is followed from the commit that created the path, as `history` does.
 */
async function versionsOf(cwd: string, topPath: string, since: string | undefined): Promise<VersionRecord[]> {
  const out: VersionRecord[] = [];
  let [rev, path] = ["HEAD", topPath];
  for (let hop = 0; hop <= MAX_RENAMES; hop++) {
    const range = since === undefined ? [rev] : [rev, `^${since}`];
    const log = await runGit(
      [
        "log",
        "--reverse",
        "--topo-order",
        "--full-history",
        `--format=%H${US}%P${US}%an${US}%aI`,
        ...range,
        "--",
        `:(top,literal)${path}`,
      ],
      { cwd },
    );
    const segment = log
      .split("\n")
      .filter((l) => l !== "")
      .map((l): VersionRecord => {
        const [commit = "", parents = "", author = "", date = ""] = l.split(US);
        return { commit, parents: parents.split(" ").filter((p) => p !== ""), author, date, path, parentPath: path };
      });
    out.unshift(...segment);
    const oldest = segment[0];
    if (oldest?.parents.length !== 1) break;
    const from = await renamedFrom(cwd, oldest.parents[0]!, oldest.commit, path);
    if (from === null) break;
    oldest.parentPath = from;
    [rev, path] = [oldest.parents[0]!, from];
  }
  return out;
}

/** The version at `since` (a key into the blobs and its text), or `null` when the file is not in that commit. */
async function trustedStart(cwd: string, since: string, path: string): Promise<{ spec: string; text: string } | null> {
  const spec = `${since}:${path}`;
  const [text] = await catFiles([spec], cwd);
  return text === null || text === undefined ? null : { spec, text };
}

/** Verifies the versions of `file` reachable from HEAD (after `since` when given), oldest first. */
export async function verifyCustody(file: string, keys: KeySearch, since?: string): Promise<CustodyReport> {
  const cwd = dirname(file);
  const name = basename(file);
  const topPath = (await runGit(["rev-parse", "--show-prefix"], { cwd })).trim() + name;
  const commits = await versionsOf(cwd, topPath, since);
  // Blobs by `REV:PATH` (PATH from the top), each read once.
  const here = (c: VersionRecord) => `${c.commit}:${c.path}`;
  const before = (c: VersionRecord) => c.parents.map((p) => `${p}:${c.parentPath}`);
  const specs = [...new Set(commits.flatMap((c) => [here(c), ...before(c)]))];
  const blobs = new Map<string, string | null>();
  const texts = await catFiles(specs, cwd);
  for (const [i, spec] of specs.entries()) blobs.set(spec, texts[i] ?? null);
  const opened = new Map<string, Opened>();
  const open = async (spec: string): Promise<Opened | null> => {
    const text = blobs.get(spec) ?? null;
    if (text === null) return null;
    let o = opened.get(spec);
    if (!o) {
      try {
        o = { sf: await SopsFile.open(text, `${name} at ${spec.slice(0, 8)}`, keys) };
      } catch (err) {
        o = { error: err instanceof Error ? err.message : String(err) };
      }
      opened.set(spec, o);
    }
    return o;
  };

  // A re-key made outside vaultfile (`sops rotate`) that a holder of the parent's key vouched for afterwards
  // (`reseal --vouch`): the newest version carries a link from the parent's key to this version's.
  let newest: CustodyLink[] | undefined;
  const vouchedLater = async (parents: readonly { sf: SopsFile }[], sf: SopsFile): Promise<boolean> => {
    if (newest === undefined) {
      const last = commits.length > 0 ? await open(here(commits[commits.length - 1]!)) : null;
      newest = last && "sf" in last ? readCustody(last.sf.doc.contents) : [];
    }
    const links = newest;
    return parents.some((p) => !sameDataKey(p.sf, sf) && links.some((l) => custodyHolds(p.sf, sf, [l])));
  };
  /** The version before the latest deletion of the file reachable from `parents` (a key into `blobs`), if any. */
  const beforeDeletion = async (parents: readonly string[], path: string): Promise<string | null> => {
    for (const parent of parents) {
      const deletion = (
        await runGit(["rev-list", "-1", "--full-history", parent, "--", `:(top,literal)${path}`], { cwd })
      ).trim();
      if (deletion === "") continue;
      const specsBefore = [`${deletion}^1:${path}`, `${deletion}^2:${path}`];
      const texts = await catFiles(specsBefore, cwd);
      const found = texts.findIndex((t) => t !== null);
      if (found === -1) continue;
      blobs.set(specsBefore[found]!, texts[found]!);
      return specsBefore[found]!;
    }
    return null;
  };
  // The trusted start: under `--since REV` the version at REV (no version after it is a first version), else none
  // until the walk's first root. A later root (an unrelated history merged in) is checked against the last key seen.
  const start = since === undefined ? null : await trustedStart(cwd, since, commits[0]?.parentPath ?? topPath);
  if (start !== null) blobs.set(start.spec, start.text);
  let lastSeen: Opened | null = start === null ? null : await open(start.spec);
  let rootSeen = start !== null;
  const versions: VersionVerdict[] = [];
  let openedOnce = false;
  for (const c of commits) {
    const verdict = (kind: VerdictKind, detail: string) =>
      versions.push({ commit: c.commit, author: shown(c.author), date: c.date, kind, detail });
    const text = blobs.get(here(c)) ?? null;
    if (text === null) {
      // git listed this commit for the path: a deletion when a parent has the file, else the lookup went wrong.
      if (before(c).some((p) => (blobs.get(p) ?? null) !== null)) verdict("unchanged", "the file was deleted");
      else verdict("break", "no version of the file in this commit or its parents: cannot verify it");
      continue;
    }
    if (before(c).some((p) => blobs.get(p) === text)) {
      verdict("unchanged", "same file as a parent");
      continue;
    }
    const self = await open(here(c));
    let parents = await Promise.all(before(c).map(open));
    let first = false;
    let otherRoot = false;
    if (parents.every((p) => p === null)) {
      // Re-created: deleted in an earlier commit. It is checked against the version before the deletion, or
      // deleting the vault in one commit and writing a forged one in the next would pass as a "first version".
      const previous = c.parents.length > 0 ? await beforeDeletion(c.parents, c.parentPath) : null;
      if (previous !== null) parents = [await open(previous)];
      else if (!rootSeen) first = rootSeen = true;
      else [otherRoot, parents] = [true, lastSeen === null ? [] : [lastSeen]];
    }
    const readable = parents.filter((p): p is { sf: SopsFile } => p !== null && "sf" in p);
    if (!self || "error" in self) {
      const why = self && "error" in self ? self.error : "unreadable";
      // A version your key cannot open after one it could (an earlier one, or this one's parent: the base of a
      // `--since` walk) is a break: a forger may re-key for recipients of their own choosing.
      const couldOpen = openedOnce || readable.length > 0;
      if (/no identity|none of|not a recipient|no age identity|decrypt the data key/i.test(why) && !couldOpen)
        verdict("unverifiable", "not verifiable with your key");
      else
        verdict(
          "break",
          couldOpen && /no identity|none of|data key/i.test(why)
            ? "your key no longer opens this version"
            : `does not open: ${why}`,
        );
      continue;
    }
    openedOnce = true;
    lastSeen = self;
    if (self.sf.sealState !== "valid") {
      if (await vouchedLater(readable, self.sf)) verdict("ok", VOUCHED);
      else verdict("break", "seal stale: edited outside vaultfile (plain sops or by hand)");
      continue;
    }
    if (first) {
      verdict("ok", "first version: MAC and seal verified");
      continue;
    }
    if (readable.length === 0) {
      // A recipient added later opens a version whose parent it cannot; a second root has no parent at all.
      if (otherRoot)
        verdict(
          "break",
          "a second root of the file's history (an unrelated history merged in) that no version before it vouches for",
        );
      else verdict("unverifiable", "the parent version is not verifiable with your key");
      continue;
    }
    if (readable.some((p) => sameDataKey(p.sf, self.sf))) {
      verdict("ok", "same data key: MAC and seal verified");
      continue;
    }
    const links = readCustody(self.sf.doc.contents);
    if (readable.some((p) => self.sf.custodyFrom(p.sf, links)))
      verdict("ok", "data key replaced by a holder of the previous one (proof ok)");
    else if (await vouchedLater(readable, self.sf)) verdict("ok", VOUCHED);
    else
      verdict(
        "break",
        otherRoot
          ? "data key replaced without proof (a second root of the file's history: an unrelated history merged in)"
          : "data key replaced without proof",
      );
  }
  return { holds: !versions.some((v) => v.kind === "break"), versions };
}
