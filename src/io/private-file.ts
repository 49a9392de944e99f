/**
 * Files that hold plaintext secrets (exports): never readable by others, not even for a moment. A new file is
 * created 0600; an existing one is replaced by a 0600 file (temp file created exclusively with 0600 in the same
 * folder, then renamed over it: crash-safe), so a `.env` that was 0644 comes out 0600. A symlink is refused (a
 * committed `.env -> docs/CHANGELOG.md` would receive every secret) unless the caller asks to follow it: then the
 * file it points to is replaced and the link stays.
 */
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  lstatSync,
  openSync,
  readlinkSync,
  readSync,
  realpathSync,
  statSync,
} from "node:fs";
import { ConflictError, ioErrorFrom } from "../errors.js";
import { writeFileAtomic } from "./atomic.js";
import { writeAll } from "./atomic.js";

export const PRIVATE_MODE = 0o600;

export interface PrivateWrite {
  /** The mode the file had before, when it existed. */
  previousMode: number | undefined;
}

export interface PrivateFileOptions {
  /** Write through a symlink at `target` to the file it points to (`--follow-symlinks`); else a symlink is refused. */
  followSymlink?: boolean | undefined;
}

/**
 * Throws {@link ConflictError} (exit 8) when `target` is a symbolic link and the caller did not ask to follow it;
 * returns the path that will be written: `target`, or the file the link points to.
 */
export function privateTarget(target: string, opts: PrivateFileOptions = {}): string {
  const st = lstatSync(target, { throwIfNoEntry: false });
  if (!st?.isSymbolicLink()) return target;
  if (opts.followSymlink !== true) {
    let to = "";
    try {
      to = ` (to ${readlinkSync(target)})`;
    } catch {
      /* gone meanwhile */
    }
    throw new ConflictError("E_EXISTS", `refusing to write secrets through ${target}: it is a symbolic link${to}`, {
      hint: "a link can point anywhere, a tracked file included; pass --follow-symlinks to write to the file it points to, or remove the link",
    });
  }
  try {
    return realpathSync(target);
  } catch (err) {
    // A dangling link: its target will be created.
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return target;
    throw ioErrorFrom(err, "write", target);
  }
}

/** Replaces (or creates) `target` with `data`, mode 0600, atomically. Throws {@link ConflictError} for a symlink unless followed. */
export function writePrivateFile(target: string, data: string, opts: PrivateFileOptions = {}): PrivateWrite {
  privateTarget(target, opts);
  let real = target;
  let previousMode: number | undefined;
  try {
    real = realpathSync(target);
    previousMode = statSync(real).mode & 0o7777;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw ioErrorFrom(err, "write", target);
  }
  writeFileAtomic(real, data, { mode: PRIVATE_MODE, forceMode: true });
  return { previousMode };
}

/**
 * Appends `data` to `target`, creating it 0600 if needed; an existing file keeps its mode (e.g. the runner's
 * `$GITHUB_ENV`, which belongs to the runner) and its mode is returned so the caller can warn when others can read
 * it. A newline is added first when the file does not end with one, so `data` starts on its own line.
 */
export function appendPrivateFile(target: string, data: string, opts: PrivateFileOptions = {}): { mode: number } {
  privateTarget(target, opts);
  let fd: number | undefined;
  try {
    // O_NOFOLLOW: a link put there after the check is refused too (ELOOP).
    const noFollow = opts.followSymlink === true ? 0 : constants.O_NOFOLLOW;
    fd = openSync(target, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | noFollow, PRIVATE_MODE);
    const st = fstatSync(fd);
    const size = st.size;
    let prefix = "";
    if (size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = "\n";
    }
    writeAll(fd, Buffer.from(prefix + data, "utf8"));
    fsyncSync(fd);
    return { mode: st.mode & 0o7777 };
  } catch (err) {
    throw ioErrorFrom(err, "append to", target);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
