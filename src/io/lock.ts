/**
 * A lock file beside the vault (`<vault>.lock`, created with O_EXCL) that guards read-modify-write. It records the
 * holder's pid and host; a lock whose process on this host is gone is stale and is taken over.
 */
import { closeSync, constants, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { ConflictError, ioErrorFrom } from "../errors.js";

export interface LockOptions {
  /** How long to wait for another holder, in ms (default 10 s). */
  timeoutMs?: number;
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

function readHolder(path: string): Holder | undefined {
  try {
    const h = JSON.parse(readFileSync(path, "utf8")) as Holder;
    return typeof h.pid === "number" ? h : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** Takes the lock for `target`, waiting up to the timeout. Synchronous so that it can guard sync writes too. */
export function acquireLock(target: string, opts: LockOptions = {}): Lock {
  const path = `${target}.lock`;
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let delay = 5;
  for (;;) {
    try {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
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
    const holder = readHolder(path);
    if (holder && holder.host === hostname() && !alive(holder.pid)) {
      // The holder died without releasing (SIGKILL, power loss): take over.
      try {
        unlinkSync(path);
      } catch {
        /* someone else took it over first */
      }
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder ? `process ${holder.pid} on ${holder.host} since ${holder.since}` : "another process";
      throw new ConflictError("E_LOCKED", `${target} is locked by ${who}`, {
        hint: `wait for it to finish; if no vaultfile process is running, remove ${path}`,
      });
    }
    sleep(delay);
    delay = Math.min(delay * 2, 100);
  }
}
