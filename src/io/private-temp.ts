/**
 * Private temp directories for plaintext that a program must read from a file (the `edit --editor` buffer, the
 * files `exec --as-file` hands to a command): a fresh directory only its owner can enter (0700), preferably in
 * memory (`/dev/shm`, never written to disk), files created exclusively with mode 0600, all removed when the
 * caller is done, on errors, and when the process exits. A SIGKILL leaves the directory behind: its name carries
 * the pid, so the next run of the same kind removes directories whose process is gone.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ioErrorFrom } from "../errors.js";
import { writeFileExclusive } from "./atomic.js";
import { processAlive } from "./lock.js";

/** Memory-backed on Linux: the plaintext never reaches a disk. */
const SHM = "/dev/shm";

export interface PrivateDir {
  /** The private directory (0700). */
  readonly dir: string;
  /** Creates `name` in the directory, exclusively, mode 0600, holding `text`; returns its path. */
  write(name: string, text: string): string;
  /** Removes the directory and everything in it; safe to call more than once. */
  remove(): void;
}

/** Where private directories are made: `/dev/shm` when it is a writable directory, else the system temp folder. */
export function privateTempBase(prefix: string): string {
  try {
    if (statSync(SHM).isDirectory()) {
      // mkdtemp is the real test of writability; do it once here so a read-only /dev/shm falls back cleanly.
      rmSync(mkdtempSync(join(SHM, prefix)), { recursive: true, force: true });
      return SHM;
    }
  } catch {
    // No /dev/shm (macOS, containers without it) or not writable: use the temp folder.
  }
  return tmpdir();
}

/**
 * Removes `<base>/<prefix><pid>-*` directories of this user whose process no longer exists (killed with SIGKILL,
 * power loss): they hold plaintext. Returns how many.
 */
export function sweepLeftovers(base: string, prefix: string): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return 0;
  }
  const uid = process.getuid?.();
  const re = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(\\d+)-`);
  for (const name of names) {
    const m = re.exec(name);
    if (!m || processAlive(Number(m[1]))) continue;
    const dir = join(base, name);
    try {
      if (uid !== undefined && statSync(dir).uid !== uid) continue;
      rmSync(dir, { recursive: true, force: true });
      removed++;
    } catch {
      // Gone already, or not ours to remove.
    }
  }
  return removed;
}

/**
 * Sweeps leftovers, then creates `<base>/<prefix><pid>-XXXXXX`, removed again when the process exits even if the
 * caller never reaches {@link PrivateDir.remove}.
 */
export function createPrivateDir(prefix: string, base = privateTempBase(prefix)): PrivateDir {
  sweepLeftovers(base, prefix);
  let dir: string;
  try {
    dir = mkdtempSync(join(base, `${prefix}${process.pid}-`)); // mode 0700
  } catch (err) {
    throw ioErrorFrom(err, "create a private temp directory in", base);
  }
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    process.removeListener("exit", remove);
    rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", remove);
  return {
    dir,
    write: (name, text) => {
      const file = join(dir, name);
      writeFileExclusive(file, text, 0o600);
      return file;
    },
    remove,
  };
}
