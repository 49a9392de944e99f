/**
 * The version of a vault file that came before a given one, for `git textconv`, which git runs on one version at a
 * time (a temp file named `XXXXXX_<basename>`, or the work-tree file) without saying which commit it is from. The
 * version's blob id finds the commit that introduced it (`git log --find-object`), whose raw diff names the blob it
 * replaced; a version in no commit (the work tree, the index) comes after HEAD's. Bounded (each git call is stopped
 * after a few seconds) and never throws: git runs textconv unasked, on files from anyone who can push.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, isAbsolute, relative, resolve } from "node:path";
import { catFiles } from "./history.js";
import { tryGit, type GitOptions } from "./run.js";

/** Each git call of the lookup is stopped after this long. */
const TIMEOUT_MS = 5000;
const NO_BLOB = /^0+$/;

/**
 * The text of the version before `file`'s (as git passed it to textconv, from `cwd`: the repository's top),
 * `null` when there is none (the file was added), `undefined` when it cannot be told (not in a repository, a
 * timeout, several tracked files of that name).
 */
export async function parentVersion(file: string, cwd: string): Promise<string | null | undefined> {
  try {
    return await lookUp(file, cwd);
  } catch {
    return undefined;
  }
}

async function lookUp(file: string, cwd: string): Promise<string | null | undefined> {
  const env = { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0" };
  const git = (args: string[], input?: string) => tryGit(args, { cwd, env, timeoutMs: TIMEOUT_MS, ...(input === undefined ? {} : { input }) } satisfies GitOptions);
  // One call for the top and HEAD's id, whose length says the object format (SHA-1 or SHA-256) to hash the blob in.
  const [top, head] = ((await git(["rev-parse", "--show-toplevel", "HEAD"])) ?? "").split("\n");
  if (!top || !head) return undefined;
  const absolute = resolve(cwd, file);
  const rel = relative(top, absolute);
  const inTree = rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
  // git's temp files are `XXXXXX_<basename>`: the path in the repository is one of those ending in that name.
  const name = basename(file).replace(/^[A-Za-z0-9]{6}_(?=.)/, "");
  const pathspec = inTree ? `:(top,literal)${rel}` : `:(top,glob)**/${name.replace(/[*?[\]\\]/g, "\\$&")}`;
  const blob = blobId(readFileSync(absolute), head.length === 64 ? "sha256" : "sha1");
  const log = await git(["log", "--raw", "--no-abbrev", "--no-renames", "--diff-merges=first-parent", "--format=%x1e", `--find-object=${blob}`, "HEAD", "--", pathspec]);
  if (log === null) return undefined;
  for (const chunk of log.split("\x1e")) {
    for (const line of chunk.split("\n")) {
      // :100644 100644 <old> <new> M<TAB>path
      const m = /^:\d+ \d+ ([0-9a-f]+) ([0-9a-f]+) \w+\t/.exec(line);
      if (m?.[2] !== blob) continue;
      if (NO_BLOB.test(m[1]!)) return null; // the commit added the file
      return (await catFiles([m[1]!], cwd, TIMEOUT_MS))[0] ?? undefined;
    }
  }
  // In no commit: the work tree's or the index's version, which comes after HEAD's.
  const paths = (await git(["ls-files", "-z", "--full-name", "--", pathspec]))?.split("\0").filter((p) => p !== "");
  if (paths?.length !== 1) return paths?.length === 0 ? null : undefined;
  return (await catFiles([`HEAD:${paths[0]!}`], cwd, TIMEOUT_MS))[0] ?? null;
}

/** The id git gives a blob of these bytes (`git hash-object --no-filters`), without running git. */
export function blobId(bytes: Uint8Array, algorithm: "sha1" | "sha256"): string {
  return createHash(algorithm).update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}
