/** How an edit session that did not write the file ends: a note on stderr and exit code 9. */
import { constants } from "node:os";
import { ExitCode } from "../../errors.js";
import { note, type CliIO } from "../context.js";
import { countOf } from "../output.js";

/**
 * Says why the vault was not written; returns the documented exit code: 9 (`edit`: nothing written), or for an
 * interrupt 128 + the signal's number, as shells report it (130 for Ctrl-C, 143 for SIGTERM).
 */
export function notWritten(io: CliIO, file: string, why: string, interrupt?: NodeJS.Signals): number {
  note(io, "note", `${why}; ${file} was not changed`);
  return interrupt === undefined
    ? ExitCode.nothingChanged
    : interrupt === "SIGINT"
      ? ExitCode.interrupted
      : 128 + (constants.signals[interrupt] ?? 0);
}

/** Lists what was saved (names only). */
export function saved(io: CliIO, file: string, changes: readonly string[]): void {
  note(io, "note", `saved ${countOf(changes.length, "change")} to ${file}`);
  for (const c of changes) io.stderr.write(`  ${c}\n`);
}
