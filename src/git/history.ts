/**
 * `vaultfile history`: when each secret was added, rotated, updated or removed, from the git history of the vault
 * file. Needs no key: a rotation is a change of the value's ciphertext (vaultfile keeps the ciphertext of an
 * unchanged value byte for byte), the rest is clear-text metadata.
 */
import { dirname, basename } from "node:path";
import { runGit, runGitBytes } from "./run.js";
import { readVaultView, type EntryView, type VaultView } from "./vault-view.js";

export type HistoryEventKind = "added" | "rotated" | "re-encrypted" | "updated" | "removed";

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
  /** For `updated`: the metadata fields that changed. */
  fields?: string[];
}

interface CommitRecord {
  commit: string;
  author: string;
  date: string;
  subject: string;
  path: string;
}

const RS = "\x1e";
const US = "\x1f";

/** Events oldest first. `name` keeps only that secret's. Merge commits are skipped: their changes show on the branches. */
export async function secretHistory(file: string, name?: string): Promise<HistoryEvent[]> {
  const cwd = dirname(file);
  const log = await runGit(["log", "--no-merges", "--follow", `--format=${RS}%H${US}%an${US}%aI${US}%s`, "--name-only", "--", basename(file)], { cwd });
  const records: CommitRecord[] = [];
  for (const chunk of log.split(RS).slice(1)) {
    const [header = "", ...rest] = chunk.split("\n");
    const [commit = "", author = "", date = "", subject = ""] = header.split(US);
    const path = rest.map((l) => l.trim()).find((l) => l !== "") ?? records[records.length - 1]?.path ?? "";
    records.push({ commit, author, date, subject, path });
  }
  if (records.length === 0) return [];
  // Each commit against its first parent; across a rename the parent has the older record's path.
  const specs = records.flatMap((r, i) => [`${r.commit}:${r.path}`, `${r.commit}^:${records[i + 1]?.path ?? r.path}`]);
  const blobs = await catFiles(specs, cwd);
  const events: HistoryEvent[] = [];
  records.forEach((r, i) => {
    const after = parse(blobs[2 * i] ?? null);
    const before = parse(blobs[2 * i + 1] ?? null);
    if (after === undefined || before === undefined) return; // an unreadable version (e.g. a committed conflict)
    events.unshift(...diffVersions(before, after).map((e) => ({ commit: r.commit, author: r.author, date: r.date, subject: r.subject, ...e })));
  });
  return name === undefined ? events : events.filter((e) => e.name === name);
}

/** `undefined` when the text is not a readable vault; an empty view when the file did not exist. */
function parse(text: string | null): VaultView | null | undefined {
  if (text === null) return null;
  try {
    return readVaultView(text, "history");
  } catch {
    return undefined;
  }
}

type Change = Pick<HistoryEvent, "name" | "event" | "expiresAt" | "fields">;

/** What happened to each secret between two versions (`null`: the file did not exist). */
export function diffVersions(before: VaultView | null, after: VaultView | null): Change[] {
  const b = before?.entries ?? new Map<string, EntryView>();
  const a = after?.entries ?? new Map<string, EntryView>();
  const lostRecipient = (before?.meta.age ?? []).some((s) => !(after?.meta.age ?? []).some((t) => t.recipient === s.recipient));
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
    const fields = [...new Set([...Object.keys(old.fields), ...Object.keys(e.fields)])].filter((f) => old.fields[f] !== e.fields[f]);
    if (fields.length > 0) out.push({ name, event: "updated", expiresAt, fields });
  }
  for (const name of b.keys()) if (!a.has(name)) out.push({ name, event: "removed", expiresAt: null });
  return out;
}

/** Reads many `rev:path` blobs with one `git cat-file --batch`; `null` for each that does not exist. */
async function catFiles(specs: readonly string[], cwd: string): Promise<(string | null)[]> {
  const out = await runGitBytes(["cat-file", "--batch"], { cwd, input: specs.map((s) => `${s}\n`).join("") });
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
