/**
 * `vaultfile history`: when each secret was added, rotated, updated or removed, from the git history of the vault
 * file. Needs no key: a rotation is a change of the value's ciphertext (vaultfile keeps the ciphertext of an
 * unchanged value byte for byte), the rest is clear-text metadata.
 */
import { dirname, basename } from "node:path";
import { runGit, runGitBytes } from "./run.js";
import { readVaultView, type EntryView, type CiphertextView } from "./vault-view.js";

export type HistoryEventKind = "added" | "rotated" | "re-encrypted" | "updated" | "removed" | "merged";

export interface HistoryEvent {
  commit: string;
  author: string;
  /** Author date, ISO 8601 as git prints it. */
  date: string;
  subject: string;
  name: string;
  event: HistoryEventKind;
  /** `expires_at` after the change (`null`: no expiry or removed). */
  expiresAt: string | null;
  /** For `updated` (and a merge that updated): the metadata fields that changed. */
  fields?: string[];
  /** For `merged`: what the merge did to the entry against its first parent (ours). */
  change?: Exclude<HistoryEventKind, "merged">;
  /** For `merged`: `theirs` when the merged entry is the merged-in side's (e.g. `git resolve --theirs`), else `null`. */
  took?: "theirs" | null;
}

interface CommitRecord {
  commit: string;
  /** Parent commits as git logged them; two or more for a merge. */
  parents: string[];
  author: string;
  date: string;
  subject: string;
  /** The file's path from the repository's top in this commit, and in its parents (they differ across a rename). */
  path: string;
  parentPath: string;
}

const RS = "\x1e";
const US = "\x1f";
/** Renames followed at most (a loop guard; a vault is rarely renamed). */
const MAX_RENAMES = 50;

/**
 * Events oldest first. `name` keeps only that secret's. Merges are events where their result differs from their
 * first parent (what the merge brought in, e.g. the side `git resolve --theirs` took), and git's history
 * simplification leaves out a side the merge discarded, so the newest event of a secret always describes the
 * file at HEAD.
 */
export async function secretHistory(file: string, name?: string): Promise<HistoryEvent[]> {
  const cwd = dirname(file);
  const records = await commitRecords(
    cwd,
    (await runGit(["rev-parse", "--show-prefix"], { cwd })).trim() + basename(file),
  );
  if (records.length === 0) return [];
  const specs = records.flatMap((r) => [
    `${r.commit}:${r.path}`,
    `${r.commit}^1:${r.parentPath}`,
    `${r.commit}^2:${r.parentPath}`,
  ]);
  // A non-merge has no second parent: ask only for what exists (cat-file reports a missing one, but costs a lookup).
  const wanted = specs.filter((_, i) => i % 3 !== 2 || records[Math.floor(i / 3)]!.parents.length > 1);
  const blobs = new Map(wanted.map((spec, i) => [spec, i]));
  const texts = await catFiles(wanted, cwd);
  const blob = (spec: string) => texts[blobs.get(spec) ?? -1] ?? null;
  const events: HistoryEvent[] = [];
  for (const r of records) {
    const after = parseVersion(blob(`${r.commit}:${r.path}`));
    const before = parseVersion(blob(`${r.commit}^1:${r.parentPath}`));
    if (after === undefined || before === undefined) continue; // an unreadable version (e.g. a committed conflict)
    const common = { commit: r.commit, author: r.author, date: r.date, subject: r.subject };
    const changes = diffVersions(before, after);
    if (r.parents.length < 2) {
      events.unshift(...changes.map((c) => ({ ...common, ...c })));
      continue;
    }
    const theirs = parseVersion(blob(`${r.commit}^2:${r.parentPath}`));
    events.unshift(
      ...changes.map(
        (c): HistoryEvent => ({
          ...common,
          ...c,
          event: "merged",
          change: c.event as Exclude<HistoryEventKind, "merged">,
          took: theirs !== undefined && sameEntry(theirs, after, c.name) ? "theirs" : null,
        }),
      ),
    );
  }
  return name === undefined ? events : events.filter((e) => e.name === name);
}

/** How `history` shows an event: `rotated`, `updated (expires_at)`, `merged: took theirs`. */
export function eventLabel(e: HistoryEvent): string {
  const base =
    e.event !== "merged" ? e.event : e.took === "theirs" ? "merged: took theirs" : `merged: ${e.change ?? "changed"}`;
  return e.fields ? `${base} (${e.fields.join(", ")})` : base;
}

/**
 * The commits that changed the file, newest first, children before parents. Git's default history simplification
 * (no `--follow`, which lists merged-away commits and drops merges) keeps only the history that led to HEAD; a
 * rename is followed by hand from the commit that created the path.
 */
async function commitRecords(cwd: string, path: string): Promise<CommitRecord[]> {
  const records: CommitRecord[] = [];
  let rev = "HEAD";
  for (let hop = 0; hop <= MAX_RENAMES; hop++) {
    const log = await runGit(
      ["log", "--date-order", `--format=${RS}%H${US}%P${US}%an${US}%aI${US}%s`, rev, "--", `:(top,literal)${path}`],
      { cwd },
    );
    const segment = log
      .split(RS)
      .slice(1)
      .map((chunk): CommitRecord => {
        const [commit = "", parents = "", author = "", date = "", subject = ""] = chunk.replace(/\n+$/, "").split(US);
        return { commit, parents: parents.split(" ").filter(Boolean), author, date, subject, path, parentPath: path };
      });
    records.push(...segment);
    const oldest = segment[segment.length - 1];
    if (oldest?.parents.length !== 1) break;
    const from = await renamedFrom(cwd, oldest.parents[0]!, oldest.commit, path);
    if (from === null) break;
    oldest.parentPath = from;
    path = from;
    rev = oldest.parents[0]!;
  }
  return records;
}

/** The path `path` was renamed from between `parent` and `commit`, or `null` when it was added there. */
export async function renamedFrom(cwd: string, parent: string, commit: string, path: string): Promise<string | null> {
  const out = await runGit(["diff-tree", "-r", "-M", "-z", "--name-status", "--diff-filter=R", parent, commit], {
    cwd,
  });
  const parts = out.split("\0");
  for (let i = 0; i + 2 < parts.length; i += 3) if (parts[i + 2] === path) return parts[i + 1]!;
  return null;
}

/** Whether the secret is the same in both versions (both absent, or the same ciphertext and metadata). */
function sameEntry(a: CiphertextView | null, b: CiphertextView | null, name: string): boolean {
  const x = a?.entries.get(name);
  const y = b?.entries.get(name);
  if (!x || !y) return !x && !y;
  const keys = new Set([...Object.keys(x.fields), ...Object.keys(y.fields)]);
  return x.valueText === y.valueText && [...keys].every((k) => x.fields[k] === y.fields[k]);
}

/** `undefined` when the text is not a readable vault; `null` when the file did not exist. */
export function parseVersion(text: string | null): CiphertextView | null | undefined {
  if (text === null) return null;
  try {
    return readVaultView(text, "history");
  } catch {
    return undefined;
  }
}

type Change = Pick<HistoryEvent, "name" | "event" | "expiresAt" | "fields">;

/** What happened to each secret between two versions (`null`: the file did not exist). */
export function diffVersions(before: CiphertextView | null, after: CiphertextView | null): Change[] {
  const b = before?.entries ?? new Map<string, EntryView>();
  const a = after?.entries ?? new Map<string, EntryView>();
  const lostRecipient = (before?.meta.age ?? []).some(
    (s) => !(after?.meta.age ?? []).some((t) => t.recipient === s.recipient),
  );
  const out: Change[] = [];
  for (const [name, e] of a) {
    const old = b.get(name);
    const expiresAt = e.fields.expires_at ?? null;
    if (!old) {
      out.push({ name, event: "added", expiresAt });
      continue;
    }
    if (old.valueText !== e.valueText) {
      // Removing a recipient re-encrypts every value under a new data key without rotating anything.
      const reencrypted = lostRecipient && old.fields.rotated_at === e.fields.rotated_at;
      out.push({ name, event: reencrypted ? "re-encrypted" : "rotated", expiresAt });
      continue;
    }
    const fields = [...new Set([...Object.keys(old.fields), ...Object.keys(e.fields)])].filter(
      (f) => old.fields[f] !== e.fields[f],
    );
    if (fields.length > 0) out.push({ name, event: "updated", expiresAt, fields });
  }
  for (const name of b.keys()) if (!a.has(name)) out.push({ name, event: "removed", expiresAt: null });
  return out;
}

/** Reads many `rev:path` blobs with one `git cat-file --batch`; `null` for each that does not exist. */
export async function catFiles(specs: readonly string[], cwd: string, timeoutMs?: number): Promise<(string | null)[]> {
  const out = await runGitBytes(["cat-file", "--batch"], {
    cwd,
    input: specs.map((s) => `${s}\n`).join(""),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  const result: (string | null)[] = [];
  let pos = 0;
  for (let i = 0; i < specs.length; i++) {
    const eol = out.indexOf(0x0a, pos);
    const header = out.subarray(pos, eol).toString("utf8");
    pos = eol + 1;
    const m = /^\S+ (\w+) (\d+)$/.exec(header);
    if (!m) {
      result.push(null); // "<spec> missing" (no parent, or the file did not exist there)
      continue;
    }
    const size = Number(m[2]);
    result.push(m[1] === "blob" ? out.subarray(pos, pos + size).toString("utf8") : null);
    pos += size + 1;
  }
  return result;
}
