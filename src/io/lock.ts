/**
 * A lock file beside the vault (`<vault>.lock`, created with O_EXCL) that guards read-modify-write. It records the
 * holder's pid and host; a lock whose process on this host is gone is stale and is taken over. A lock file that
 * holds no readable record (its creator died between creating and writing it) is stale once it is older than
 * {@link UNREADABLE_LOCK_STALE_MS}.
 */
import {
  closeSync,
  constants,
  lstatSync,
  openSync,
  readFileSync,
  readlinkSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from "node:fs";
import { hostname } from "node:os";
import { ConflictError, ioErrorFrom } from "../errors.js";

export interface LockOptions {
  /** How long to wait for another holder, in ms (default: `$VAULTFILE_LOCK_TIMEOUT_MS`, else 10 s). */
  timeoutMs?: number;
}

/** The default wait for a held lock. */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

/**
 * A lock file without a readable holder record is taken over once it is this old. A live process writes its record
 * microseconds after creating the file, so only a crash in between leaves one behind for long.
 */
export const UNREADABLE_LOCK_STALE_MS = 5_000;

/** The wait from `$VAULTFILE_LOCK_TIMEOUT_MS` (whole ms, ≥ 0), else the default; garbage falls back to the default. */
export function lockTimeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.VAULTFILE_LOCK_TIMEOUT_MS;
  return v !== undefined && /^\d+$/.test(v.trim()) ? Number(v) : DEFAULT_LOCK_TIMEOUT_MS;
}

export interface Lock {
  path: string;
  release(): void;
}

interface Holder {
  pid: number;
  host: string;
  since: string;
}

/**
 * What the lock file holds right now: its raw text (`undefined` when it is gone) and the parsed record, if valid.
 * `unreadable`: it is there but cannot be read (another user's lock).
 */
function readLockFile(path: string): { raw: string | undefined; holder: Holder | undefined; unreadable?: true } {
  let raw: string;
  try {
    raw = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "EACCES" || code === "EPERM"
      ? { raw: undefined, holder: undefined, unreadable: true }
      : { raw: undefined, holder: undefined };
  }
  try {
    const h = JSON.parse(raw) as Holder | null;
    return { raw, holder: h !== null && typeof h === "object" && Number.isInteger(h.pid) && h.pid > 0 ? h : undefined };
  } catch {
    return { raw, holder: undefined };
  }
}

function olderThan(path: string, ms: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > ms;
  } catch {
    return false;
  }
}

/**
 * Removes a stale lock file, but only if it still holds `observed`: two waiters that both saw the same stale lock
 * must not both delete, or the second would delete the lock the first has just taken. A short-lived guard file
 * (O_EXCL) makes the check-and-delete atomic among vaultfile processes.
 */
function removeStale(path: string, observed: string): boolean {
  const guard = `${path}.takeover`;
  let fd: number;
  try {
    fd = openSync(guard, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch {
    // Someone else is taking over; a guard left by a crash is removed after a while.
    if (olderThan(guard, UNREADABLE_LOCK_STALE_MS)) tryUnlink(guard);
    return false;
  }
  try {
    const now = readLockFile(path);
    // An unreadable record must still be old: a new holder may be between creating and writing its file.
    if (now.raw !== observed || (now.holder === undefined && !olderThan(path, UNREADABLE_LOCK_STALE_MS))) return false;
    tryUnlink(path);
    return true;
  } finally {
    closeSync(fd);
    tryUnlink(guard);
  }
}

function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    /* already gone */
  }
}

/** True when a process with this pid exists on this machine (signal 0 probes without signalling). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * What is at the lock path when it is not a regular file (a committed symlink, a folder, a FIFO), for the error
 * that refuses it at once: no vaultfile process made it, and waiting would not make it go away. `undefined` for
 * a regular file or nothing.
 */
function notALockFile(path: string): string | undefined {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch {
    return undefined;
  }
  if (st.isFile()) return undefined;
  if (st.isSymbolicLink()) {
    let to = "";
    try {
      to = ` to ${readlinkSync(path)}`;
    } catch {
      /* gone meanwhile */
    }
    return `a symbolic link${to}`;
  }
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a named pipe";
  if (st.isSocket()) return "a socket";
  return "a device";
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** Takes the lock for `target`, waiting up to the timeout. Synchronous so that it can guard sync writes too. */
export function acquireLock(target: string, opts: LockOptions = {}): Lock {
  const path = `${target}.lock`;
  const deadline = Date.now() + (opts.timeoutMs ?? lockTimeoutFromEnv());
  let delay = 5;
  for (;;) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
      } catch (err) {
        // A full disk: do not leave an empty lock file behind to block the next run.
        closeSync(fd);
        tryUnlink(path);
        throw err;
      }
      closeSync(fd);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        process.removeListener("exit", release);
        try {
          unlinkSync(path);
        } catch {
          /* already gone */
        }
      };
      process.once("exit", release);
      return { path, release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw ioErrorFrom(err, "create lock file", path);
    }
    const odd = notALockFile(path);
    if (odd !== undefined) {
      throw new ConflictError("E_LOCKED", `cannot lock ${target}: ${path} is ${odd}, not a lock file`, {
        hint: `vaultfile never makes one; look at it, and remove it if it does not belong there (rm ${path})`,
      });
    }
    const { raw, holder, unreadable } = readLockFile(path);
    // The holder died without releasing (SIGKILL, power loss), or died before writing its record: take over.
    const stale =
      raw !== undefined &&
      (holder ? holder.host === hostname() && !processAlive(holder.pid) : olderThan(path, UNREADABLE_LOCK_STALE_MS));
    if (stale && removeStale(path, raw)) continue;
    if (Date.now() >= deadline) {
      const who = unreadable
        ? `another user (${path} cannot be read: permission denied)`
        : holder
          ? `process ${holder.pid} on ${holder.host} since ${holder.since}`
          : "another process (its lock file holds no pid yet)";
      throw new ConflictError("E_LOCKED", `${target} is locked by ${who}`, {
        hint: `wait for it to finish; if no vaultfile process is running, remove ${path}`,
      });
    }
    // Released meanwhile: try again soon; else wait with backoff. Every branch sleeps and meets the deadline.
    sleep(raw === undefined && !unreadable ? 1 : Math.min(delay, Math.max(1, deadline - Date.now())));
    if (raw !== undefined || unreadable) delay = Math.min(delay * 2, 100);
  }
}
