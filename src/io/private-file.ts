/**
 * Files that hold plaintext secrets (exports): never readable by others, not even for a moment. A new file is
 * created 0600; an existing one is replaced by a 0600 file (temp file created exclusively with 0600 in the same
 * folder, then renamed over it: crash-safe), so a `.env` that was 0644 comes out 0600. A symlink is followed: the
 * file it points to is replaced and the link stays.
 */
import { closeSync, constants, fstatSync, fsyncSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { ioErrorFrom } from "../errors.js";
import { writeFileAtomic } from "./atomic.js";
import { writeAll } from "./atomic.js";

export const PRIVATE_MODE = 0o600;

export interface PrivateWrite {
  /** The mode the file had before, when it existed. */
  previousMode: number | undefined;
}

/** Replaces (or creates) `target` with `data`, mode 0600, atomically. */
export function writePrivateFile(target: string, data: string): PrivateWrite {
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
export function appendPrivateFile(target: string, data: string): { mode: number } {
  let fd: number | undefined;
  try {
    fd = openSync(target, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, PRIVATE_MODE);
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

