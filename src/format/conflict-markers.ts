/**
 * Merge conflicts left in a vault file's text, found before any YAML parsing: git's own markers (a merge made
 * without vaultfile's merge driver, e.g. in a clone that never ran `vaultfile git setup`) and the comment block
 * vaultfile's merge driver writes above the entries it could not merge. Pure text rules.
 */
import { ConflictError } from "../errors.js";

/** The first line of the report the merge driver writes on top of a file it could not fully merge. */
export const CONFLICT_MARKER = "vaultfile: MERGE CONFLICT";

/** A git conflict marker line: `<<<<<<< ours`, `||||||| base` (diff3), `=======`, `>>>>>>> theirs`. */
const GIT_MARKER = /^(?:<{7}|\|{7}|={7}|>{7})(?: |\r?$)/m;

/** The 1-based line of the first git conflict marker, or `undefined` when there is none. */
export function gitConflictMarkerLine(text: string): number | undefined {
  const m = GIT_MARKER.exec(text);
  if (!m) return undefined;
  let line = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < m.index; i = text.indexOf("\n", i + 1)) line++;
  return line;
}

/**
 * Throws a {@link ConflictError} (exit 8) naming the line when the text holds git conflict markers: YAML parsing
 * would only say "invalid YAML", which sends people to fix syntax by hand.
 */
export function refuseGitConflictMarkers(text: string, file: string): void {
  const line = gitConflictMarkerLine(text);
  if (line === undefined) return;
  throw new ConflictError(
    "E_CONFLICT",
    `${file} holds git merge-conflict markers (line ${line}): it was merged without vaultfile's merge driver`,
    {
      hint: `run \`vaultfile git setup\`, then \`vaultfile git resolve ${file}\` (while git still reports the merge as unfinished)`,
    },
  );
}

/** Whether the text still holds the merge driver's conflict report (the file is a valid vault, our side kept). */
export function hasConflictReport(text: string): boolean {
  return text.includes(CONFLICT_MARKER);
}
