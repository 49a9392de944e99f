/**
 * The plaintext file `edit --editor` hands to the editor. It holds every value in clear, so it lives in a fresh
 * directory only its owner can enter (0700), is created exclusively with mode 0600, preferably in memory
 * (`/dev/shm`, never written to disk), and is removed when the edit ends: normally, on an error, or when the
 * process exits early.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ioErrorFrom } from "../../errors.js";
import { writeFileExclusive } from "../../io/atomic.js";
import { processAlive } from "../../io/lock.js";

/** Memory-backed on Linux: the plaintext never reaches a disk. */
const SHM = "/dev/shm";
/** Prefix of the private directories, so a leftover from a crash (SIGKILL) can be recognised and removed. */
export const EDIT_DIR_PREFIX = "vaultfile-edit-";

export interface PrivateTemp {
  /** The private directory (0700). */
  readonly dir: string;
  /** The file inside it (0600). */
  readonly file: string;
  read(): string;
  /** Removes the file and its directory; safe to call more than once. */
  remove(): void;
}

/** Where private directories are made: `/dev/shm` when it is a writable directory, else the system temp folder. */
export function privateTempBase(): string {
  try {
    if (statSync(SHM).isDirectory()) {
      // mkdtemp is the real test of writability; do it once here so a read-only /dev/shm falls back cleanly.
      const probe = mkdtempSync(join(SHM, EDIT_DIR_PREFIX));
      rmSync(probe, { recursive: true, force: true });
      return SHM;
    }
  } catch {
    // No /dev/shm (macOS, containers without it) or not writable: use the temp folder.
  }
  return tmpdir();
}

/**
 * Removes private directories left by an edit whose process no longer exists (killed with SIGKILL, power loss):
 * they hold plaintext. Only directories of this user whose recorded pid is gone are touched. Returns how many.
 */
export function sweepLeftovers(base: string): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return 0;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const m = new RegExp(`^${EDIT_DIR_PREFIX}(\\d+)-`).exec(name);
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
 * Creates `<base>/vaultfile-edit-<pid>-XXXXXX/<fileName>` holding `text`. The directory is removed again when the
 * process exits, even if the caller never reaches {@link PrivateTemp.remove}.
 */
export function createPrivateTemp(fileName: string, text: string, base = privateTempBase()): PrivateTemp {
  sweepLeftovers(base);
  let dir: string;
  try {
    // The pid in the name lets a later run recognise a leftover whose process died (SIGKILL) and remove it.
    dir = mkdtempSync(join(base, `${EDIT_DIR_PREFIX}${process.pid}-`)); // mode 0700
  } catch (err) {
    throw ioErrorFrom(err, "create a private temp directory in", base);
  }
  const file = join(dir, fileName);
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    process.removeListener("exit", remove);
    rmSync(dir, { recursive: true, force: true });
  };
  process.on("exit", remove);
  try {
    writeFileExclusive(file, text, 0o600);
  } catch (err) {
    remove();
    throw err;
  }
  return {
    dir,
    file,
    read: () => {
      try {
        return readFileSync(file, "utf8");
      } catch (err) {
        throw ioErrorFrom(err, "read the edited file", file);
      }
    },
    remove,
  };
}
