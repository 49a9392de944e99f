/**
 * Crash-safe file replacement: write a temp file in the same folder, fsync it, rename it over the target, fsync
 * the folder. A reader sees the old file or the new one, never a mix. The target's mode is kept exactly (the umask
 * does not apply to it), a read-only one's included: the rename replaces it, as the folder allows; so is its owner
 * and group, where the writer may set them (root may).
 */
import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join } from "node:path";
import { ioErrorFrom } from "../errors.js";

export interface AtomicWriteOptions {
  /** Mode for a new file; an existing file keeps its own. */
  mode?: number;
  /** Fail if the target exists (O_EXCL semantics for the final name). */
  exclusive?: boolean;
  /** Give the file `mode` even when it exists (files with plaintext secrets: never looser than asked). */
  forceMode?: boolean;
}

/** Prefix of vaultfile's temp files, so stale ones from a crash can be recognised. */
export const TEMP_PREFIX = ".vaultfile-tmp-";

export function tempPathFor(target: string): string {
  return join(dirname(target), `${TEMP_PREFIX}${basename(target)}.${randomBytes(6).toString("hex")}`);
}

/** Temp files of a target older than this are leftovers of a crash (a save takes milliseconds). */
export const STALE_TEMP_MS = 60_000;

/**
 * Deletes `target`'s temp files left behind by a crashed save (killed between creating the temp file and the
 * rename). Only files named like {@link tempPathFor}'s and older than {@link STALE_TEMP_MS}, so a save still in
 * flight is never touched. Best effort: failures are ignored, readers never look at temp files anyway.
 */
export function removeStaleTemps(target: string, now = Date.now()): void {
  const dir = dirname(target);
  const prefix = `${TEMP_PREFIX}${basename(target)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !/^[0-9a-f]{12}$/.test(name.slice(prefix.length))) continue;
    const path = join(dir, name);
    try {
      if (now - statSync(path).mtimeMs > STALE_TEMP_MS) unlinkSync(path);
    } catch {
      /* gone already, or not ours to remove */
    }
  }
}

/** What {@link writeFileAtomic} replaced. */
export interface AtomicWrite {
  /** The mode the target had before (`undefined`: it was created), e.g. to say that a read-only file was replaced. */
  previousMode: number | undefined;
}

export function writeFileAtomic(target: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): AtomicWrite {
  let mode = opts.mode ?? 0o644;
  let previousMode: number | undefined;
  let owner: { uid: number; gid: number } | undefined;
  try {
    const st = statSync(target);
    if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    if (opts.exclusive) throw Object.assign(new Error("exists"), { code: "EEXIST" });
    previousMode = st.mode & 0o7777;
    owner = { uid: st.uid, gid: st.gid };
    if (!opts.forceMode) mode = previousMode;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== "ENOENT") throw ioErrorFrom(err, "write", target);
  }
  const tmp = tempPathFor(target);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    // The umask narrowed `mode` (a 0664 vault would come out 0644): the replacement gets exactly the old mode.
    if (previousMode !== undefined) fchmodSync(fd, mode);
    if (owner && (owner.uid !== process.getuid?.() || owner.gid !== process.getgid?.())) {
      try {
        // `sudo vaultfile set` must not leave a user's vault owned by root. Only root (or a member of the group, for
        // the group) may; otherwise the file is the writer's, as any editor's save would leave it.
        fchownSync(fd, owner.uid, owner.gid);
      } catch {
        /* not allowed: keep the writer's */
      }
    }
    writeAll(fd, typeof data === "string" ? Buffer.from(data, "utf8") : data);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, target);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* it may not exist */
    }
    throw ioErrorFrom(err, "write", target);
  }
  fsyncDir(dirname(target));
  removeStaleTemps(target);
  return { previousMode };
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself has happened.
  }
}

/**
 * Creates a file that must not exist yet, with `mode` (0600 for keys and plaintext), and writes all of `data`. A write
 * that fails (disk full) removes the file again: a truncated key or edit file must not stay behind, and would make
 * the next attempt fail with "exists".
 */
export function writeFileExclusive(target: string, data: string, mode = 0o600): void {
  let fd: number;
  try {
    fd = openSync(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  } catch (err) {
    throw ioErrorFrom(err, "create", target);
  }
  try {
    writeAll(fd, Buffer.from(data, "utf8"));
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    try {
      unlinkSync(target);
    } catch {
      /* already gone */
    }
    throw ioErrorFrom(err, "write", target);
  }
  closeSync(fd);
}

/** `writeSync` may write less than asked; loops until every byte is written. */
export function writeAll(fd: number, buf: Uint8Array): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}
