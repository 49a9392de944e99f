/**
 * `.env` text that the `dotenv` package's parsers (its default regex parser and its `fast` one) and dotenvx read
 * back byte for byte, multi-line values included. Each value gets the first form that holds it exactly:
 *
 * 1. bare (`NAME=value`) for plain tokens: letters, digits and `_ . / : @ % + , = ~ -`;
 * 2. single quotes: taken literally by every reader (no escapes, no `$` expansion), newlines kept as they are;
 * 3. double quotes, with newlines written `\n` and carriage returns `\r` (the only escapes dotenv knows);
 * 4. backticks: literal, like single quotes;
 * 5. bare, for a one-line value that no quote can hold.
 *
 * The readers' rules that decide which form fits (dotenv 16–18, dotenvx 1–2):
 * - A quoted value ends at the first unescaped closing quote that is followed only by blanks or a `#` comment; a
 *   `\` right before the quote makes it "escaped" and the reader looks further, so a quoted value must not contain
 *   its quote character nor end with a backslash.
 * - Every carriage return in the file becomes a newline before parsing, so `\r` survives only as the escape in
 *   double quotes.
 * - In double quotes, `\n` and `\r` (backslash + letter) become line breaks wherever they appear (dotenvx also
 *   turns `\t` into a tab), so a value with those two-character sequences cannot be double-quoted.
 * - dotenvx expands `$NAME`, `${NAME}` and `$(command)` outside single quotes and turns `\$` into `$`, so a value
 *   with `$` must be single-quoted.
 * - A bare value ends at `#` or the end of the line and is trimmed; one that starts with a quote is read as quoted.
 *
 * A value none of these hold (e.g. one with `'`, `"` and a backtick and a line break) is refused with an error
 * naming the secret, never showing the value.
 */
import { InvalidInputError } from "../errors.js";
import { checkedEntries } from "./env-names.js";

/** Values written without quotes because every dotenv reader (and a person) reads them the same. */
const PLAIN_TOKEN = /^[A-Za-z0-9_./:@%+,=~-]+$/;
/** Line breaks, as dotenv's regex parser sees them (U+2028/2029 too): a bare value must not hold one. */
const LINE_BREAK = /[\n\r\u2028\u2029]/;
/** The one wording of the `$` obstacle, so that the error names it once whichever forms it rules out. */
const DOLLAR = "a $ sign (dotenvx would expand it)";

type Quote = "'" | '"' | "`";

/** Why the quote `q` cannot hold `value`, or `undefined` when it can. */
function quoteObstacle(value: string, q: Quote): string | undefined {
  if (value.includes(q)) return `a ${q} character`;
  if (value.endsWith("\\")) return "a trailing backslash";
  if (q === '"') {
    if (/\\[nrt]/.test(value)) return "a backslash followed by n, r or t";
  } else if (value.includes("\r")) {
    return "a carriage return";
  }
  if (q !== "'" && value.includes("$")) return DOLLAR;
  return undefined;
}

/** Why `value` cannot be written bare, or `undefined` when it can. */
function bareObstacle(value: string): string | undefined {
  if (value === "") return "it is empty";
  if (LINE_BREAK.test(value)) return "a line break";
  if (value.includes("#")) return "a # character";
  if (value.includes("$")) return DOLLAR;
  if (/^\s|\s$/.test(value)) return "leading or trailing blanks";
  if (/^['"`]/.test(value)) return "a leading quote";
  return undefined;
}

/** `value` in the first form that every reader reads back exactly, or `undefined` if none does. */
export function dotenvValue(value: string): string | undefined {
  if (PLAIN_TOKEN.test(value)) return value;
  if (quoteObstacle(value, "'") === undefined) return `'${value}'`;
  if (quoteObstacle(value, '"') === undefined) return `"${value.replaceAll("\n", "\\n").replaceAll("\r", "\\r")}"`;
  if (quoteObstacle(value, "`") === undefined) return `\`${value}\``;
  if (bareObstacle(value) === undefined) return value;
  return undefined;
}

/** One `NAME=value` line (a quoted value may span lines). */
export function dotenvLine(name: string, value: string): string {
  const written = dotenvValue(value);
  if (written === undefined) {
    const reasons = [
      ...new Set((["'", '"', "`"] as const).map((q) => quoteObstacle(value, q)).concat(bareObstacle(value))),
    ].filter(Boolean);
    throw new InvalidInputError(
      "E_VALUE",
      `cannot write ${name} in dotenv format exactly: its value has ${reasons.join(", ")}, which no dotenv quoting holds`,
      {
        hint: "use --format shell or --format json, or `vaultfile exec -- CMD` to pass it without a file",
      },
    );
  }
  return `${name}=${written}\n`;
}

/** The whole environment as `.env` text, in order. */
export function toDotenv(env: Readonly<Record<string, string>>): string {
  return checkedEntries(env, "dotenv")
    .map(([name, value]) => dotenvLine(name, value))
    .join("");
}
