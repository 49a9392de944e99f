/**
 * The plaintext file `edit --editor` hands to the editor: one file in a private temp directory (see
 * `io/private-temp.ts`: 0700, in `/dev/shm` when possible, the file 0600), removed when the edit ends, on an error,
 * or when the process exits early; a directory left by a killed edit is removed by the next one.
 */
import { readFileSync } from "node:fs";
import { ioErrorFrom } from "../../errors.js";
import { createPrivateDir, privateTempBase as baseFor, sweepLeftovers as sweep } from "../../io/private-temp.js";

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

export const privateTempBase = (): string => baseFor(EDIT_DIR_PREFIX);
export const sweepLeftovers = (base: string): number => sweep(base, EDIT_DIR_PREFIX);

/** Creates `<base>/vaultfile-edit-<pid>-XXXXXX/<fileName>` holding `text`. */
export function createPrivateTemp(fileName: string, text: string, base = privateTempBase()): PrivateTemp {
  const d = createPrivateDir(EDIT_DIR_PREFIX, base);
  let file: string;
  try {
    file = d.write(fileName, text);
  } catch (err) {
    d.remove();
    throw err;
  }
  return {
    dir: d.dir,
    file,
    read: () => {
      try {
        return readFileSync(file, "utf8");
      } catch (err) {
        throw ioErrorFrom(err, "read the edited file", file);
      }
    },
    remove: d.remove,
  };
}
