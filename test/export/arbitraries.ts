/** Generators for export round trips: names that are valid environment variables, values full of trouble. */
import fc from "fast-check";

/** Property runs: cheap by default, thorough with SLOW=1. */
export const RUNS = process.env.SLOW ? 3000 : 100;

/** Pieces that break naive quoting: every quote, `$` forms, escapes, line breaks, blanks, unicode. */
const TROUBLE = [
  "'",
  '"',
  "`",
  "$",
  "\\",
  "\n",
  "\r",
  "\r\n",
  "=",
  "#",
  " ",
  "  ",
  "\t",
  "é",
  "☃",
  "😀",
  "\u2028",
  "\u00a0",
  "\ufeff",
  "${HOME}",
  "$(id)",
  "$HOME",
  "\\n",
  "\\r",
  "\\t",
  "\\$",
  "\\'",
  "export ",
  "A=",
  "<<",
  "EOF",
  "%",
  "%0A",
  "::",
  "*",
  "!",
];

/** A value made of troublesome pieces and random unicode text (well-formed, no NUL: an environment cannot hold it). */
export const valueArb: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(fc.constantFrom(...TROUBLE), fc.string({ unit: "binary", maxLength: 4 }), fc.string({ maxLength: 8 })),
    { maxLength: 12 },
  )
  .map((parts) => parts.join("").replaceAll("\0", ""));

/** Environment variable names, with `prefix` to keep clear of a shell's own variables (PATH, IFS, PS1…). */
export const nameArb = (prefix = ""): fc.Arbitrary<string> =>
  fc
    .stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/)
    .map((n) => prefix + n)
    .filter((n) => n !== "__proto__");

/** An ordered record of up to `max` secrets. */
export const envArb = (prefix = "", max = 6): fc.Arbitrary<Record<string, string>> =>
  fc
    .uniqueArray(fc.tuple(nameArb(prefix), valueArb), { selector: ([n]) => n, maxLength: max })
    .map((pairs) => Object.fromEntries(pairs));

/** The error `fn` throws (fails the test when it does not throw). */
export function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error("expected an error");
}
