/**
 * The version of a vault file that came before a given one, for `git textconv`, which git runs on one version at a
 * time (a temp file named `XXXXXX_<basename>`, or the work-tree file) without saying which commit it is from. The
 * version's blob id finds the commit that introduced it (`git log --find-object`), whose raw diff names the blob it
 * replaced (or, when it added the file, the one before the path's latest deletion); a version in no commit (the work
 * tree, the index) comes after HEAD's. git names only the basename, so a version found at several paths or commits
 * with different versions before them is unknown, never "nothing changed": a copy of a forged file committed
 * elsewhere must not hide its marker. Bounded (each git call is stopped after a few seconds) and never throws: git
 * runs textconv unasked, on files from anyone who can push.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, isAbsolute, relative, resolve } from "node:path";
import { NotFoundError } from "../errors.js";
import { catFiles } from "./history.js";
import { tryGit, type GitOptions } from "./run.js";

/** Each git call of the lookup is stopped after this long. */
const TIMEOUT_MS = 5000;
const NO_BLOB = /^0+$/;

/** The version before cannot be told, and why (shown to the reviewer as `data_key: unknown (…)`). */
export interface UnknownParent {
  unknown: string;
}
/** The text of the version before, `null` when there is none (the file was added where it never was), or unknown. */
export type ParentVersion = string | null | UnknownParent;

const NO_ANSWER: UnknownParent = { unknown: "git did not answer" };
const AMBIGUOUS: UnknownParent = {
  unknown: "this version is at several paths or commits with different versions before it",
};

/** The version before `file`'s (as git passed it to textconv, from `cwd`: the repository's top). */
export async function parentVersion(file: string, cwd: string): Promise<ParentVersion> {
  try {
    return await lookUp(file, cwd);
  } catch (err) {
    // git's "not a git repository" comes back from `tryGit` as a NotFoundError, not as `null`.
    return { unknown: err instanceof NotFoundError ? "not in a git repository" : "the lookup failed" };
  }
}

type Git = (args: string[]) => Promise<string | null>;

async function lookUp(file: string, cwd: string): Promise<ParentVersion> {
  const env = { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0" };
  const git: Git = (args) => tryGit(args, { cwd, env, timeoutMs: TIMEOUT_MS } satisfies GitOptions);
  // One call for the top and HEAD's id, whose length says the object format (SHA-1 or SHA-256) to hash the blob in.
  const [top, head] = ((await git(["rev-parse", "--show-toplevel", "HEAD"])) ?? "").split("\n");
  if (!top) return (await git(["rev-parse", "--show-toplevel"])) === null ? NO_ANSWER : null; // no commit yet
  if (!head) return NO_ANSWER;
  const absolute = resolve(cwd, file);
  const rel = relative(top, absolute);
  const inTree = rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
  // git's temp files are `XXXXXX_<basename>`: the path in the repository is one of those ending in that name.
  const name = basename(file).replace(/^[A-Za-z0-9]{6}_(?=.)/, "");
  const pathspec = inTree ? `:(top,literal)${rel}` : `:(top,glob)**/${name.replace(/[*?[\]\\]/g, "\\$&")}`;
  const blob = blobId(readFileSync(absolute), head.length === 64 ? "sha256" : "sha1");
  const log = await git([
    "log",
    "--raw",
    "--no-abbrev",
    "--no-renames",
    "--diff-merges=first-parent",
    "--format=%x1e%H",
    `--find-object=${blob}`,
    "HEAD",
    "--",
    pathspec,
  ]);
  if (log === null) return NO_ANSWER;
  // Every commit that introduced this blob (at any path of that name): the blob each replaced.
  const before = new Set<string | null>();
  for (const chunk of log.split("\x1e")) {
    const [commit = "", ...lines] = chunk.split("\n");
    for (const line of lines) {
      // :100644 100644 <old> <new> M<TAB>path
      const m = /^:\d+ \d+ ([0-9a-f]+) ([0-9a-f]+) \w+\t(.*)$/.exec(line);
      if (m?.[2] !== blob) continue;
      const old = NO_BLOB.test(m[1]!) ? await versionAt(git, `${commit}^`, m[3]!) : m[1]!;
      if (typeof old === "object" && old !== null) return old;
      before.add(old);
    }
  }
  if (before.size > 1) return AMBIGUOUS;
  if (before.size === 0) {
    // In no commit: the work tree's or the index's version, which comes after HEAD's.
    const paths = (await git(["ls-files", "-z", "--full-name", "--", pathspec]))?.split("\0").filter((p) => p !== "");
    if (paths === undefined) return NO_ANSWER;
    if (paths.length !== 1) return paths.length === 0 ? null : { unknown: `several tracked files are named ${name}` };
    const at = await versionAt(git, "HEAD", paths[0]!);
    if (typeof at === "object" && at !== null) return at;
    before.add(at);
  }
  const [id] = [...before];
  if (id === null || id === undefined) return null;
  return (await catFiles([id], cwd))[0] ?? NO_ANSWER;
}

/**
 * The blob id of `path` at `rev`, else (deleted) of the version before its latest deletion reachable from `rev`, as
 * `history --verify` compares a re-created vault; `null` when the path never had a version there.
 */
async function versionAt(git: Git, rev: string, path: string): Promise<string | null | UnknownParent> {
  const id = async (spec: string) => (await git(["rev-parse", "--verify", "-q", spec]))?.trim() ?? null;
  const here = await id(`${rev}:${path}`);
  if (here !== null) return here;
  if ((await id(`${rev}^{commit}`)) === null) return null; // `C^` of a root commit: nothing before
  const deletion = (await git(["rev-list", "-1", "--full-history", rev, "--", `:(top,literal)${path}`]))?.trim();
  if (deletion === undefined) return NO_ANSWER;
  if (deletion === "") return null;
  return (await id(`${deletion}^1:${path}`)) ?? (await id(`${deletion}^2:${path}`)) ?? NO_ANSWER;
}

/** The id git gives a blob of these bytes (`git hash-object --no-filters`), without running git. */
export function blobId(bytes: Uint8Array, algorithm: "sha1" | "sha256"): string {
  return createHash(algorithm).update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}
