/** How an edit session that did not write the file ends: a note on stderr and exit code 9. */
import { ExitCode, type ExitCodeValue } from "../../errors.js";
import { note, type CliIO } from "../context.js";
import { countOf } from "../output.js";

/** Says why the vault was not written; returns the documented exit code (`edit`: nothing written). */
export function notWritten(io: CliIO, file: string, why: string): ExitCodeValue {
  note(io, "note", `${why}; ${file} was not changed`);
  return ExitCode.nothingChanged;
}

/** Lists what was saved (names only). */
export function saved(io: CliIO, file: string, changes: readonly string[]): void {
  note(io, "note", `saved ${countOf(changes.length, "change")} to ${file}`);
  for (const c of changes) io.stderr.write(`  ${c}\n`);
}
