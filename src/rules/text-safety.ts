/**
 * Text that came from a file (names, types, descriptions, patterns, links, git author names, parts of error
 * messages) is shown to a person only through these functions: a writer without the key can put anything in a
 * vault's clear fields, and a terminal or a CI runner obeys some of it.
 *
 * - {@link shown}: control characters become visible escapes, so no text can move the cursor, recolour or retitle
 *   the terminal (ESC, CSI, OSC), overwrite a line (CR), start a new one (LF), or reorder what is read (bidi
 *   overrides, "Trojan Source").
 * - {@link workflowSafe}: under GitHub Actions the runner also obeys a line that starts with `::` (or contains
 *   `##[`, the older syntax) — `::stop-commands::`, `::error::`, `::add-mask::`: such a line is defused.
 * - {@link checkPrintable}: text that is stored (type patterns, descriptions, `rotate_at`) must not contain any
 *   of these characters in the first place.
 *
 * Backslashes are not escaped (patterns are full of them), so `\x1b` typed as four characters and an escaped ESC
 * look alike; what matters is that neither reaches the terminal as ESC.
 */
import { InvalidInputError } from "../errors.js";

/**
 * C0 controls (with TAB, LF, CR), DEL, C1 controls (U+0080–U+009F: CSI and OSC have one-character forms there),
 * the Unicode bidi controls (ALM, LRM, RLM, LRE…RLO, LRI…PDI) and the line and paragraph separators.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, "g");
const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeOne(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `text` with every control character shown as an escape (`\x1b`, `\n`, `\u202e`); other text unchanged. */
export function shown(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeOne) : text;
}

/** Whether `text` holds a character that {@link shown} would escape. */
export function hasControlCharacters(text: string): boolean {
  return UNSAFE.test(text);
}

/**
 * One line of output made safe to print under GitHub Actions: the runner reads a line as a workflow command when,
 * after leading white space, it starts with `::`, or when it contains `##[`. The first colon (or the second `#`)
 * is written as an escape, which the runner prints as it is. Lines must already be free of line breaks ({@link shown}).
 */
export function workflowSafe(line: string): string {
  let s = line.replace(/^(\s*):(?=:)/, "$1\\x3a");
  if (s.includes("##[")) s = s.replaceAll("##[", "#\\x23[");
  return s;
}

/** The colour and weight codes vaultfile's own painter writes (`cli/output.ts`); no other escape sequence. */
const OWN_STYLE = /\u001b\[(?:1|2|22|31|32|33|39)m/y;

/**
 * A line of human-readable output as it may reach a terminal or a CI log: every control character shown escaped
 * ({@link shown}) except the colour codes vaultfile itself paints with, and under GitHub Actions (`github`) a
 * line the runner would obey defused ({@link workflowSafe}). The one function at the output edge.
 */
export function safeLine(line: string, github: boolean): string {
  let s = line;
  if (UNSAFE.test(s)) {
    let outText = "";
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (c === "\u001b") {
        OWN_STYLE.lastIndex = i;
        const m = OWN_STYLE.exec(s);
        if (m) {
          outText += m[0];
          i += m[0].length - 1;
          continue;
        }
      }
      outText += UNSAFE.test(c) ? escapeOne(c) : c;
    }
    s = outText;
  }
  return github ? workflowSafe(s) : s;
}

/**
 * Throws {@link InvalidInputError} when stored text (`what`: "description", "pattern", "rotate-at") contains a
 * control character; the message names the first one as an escape and its position, never the text.
 */
export function checkPrintable(text: string, what: string): void {
  const m = UNSAFE.exec(text);
  if (!m) return;
  throw new InvalidInputError(
    "E_INPUT",
    `the ${what} contains a control character (${escapeOne(m[0])} at position ${m.index + 1})`,
    {
      hint: "control characters (escape sequences, line breaks, bidi overrides) are refused in text stored in clear; remove it",
    },
  );
}
