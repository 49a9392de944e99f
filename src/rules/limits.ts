/**
 * The size limits every reader of a vault or sops file checks before doing any work: the file is hostile input
 * (a pull request from someone without the key), and git runs textconv and the merge driver on it unasked, so each
 * of them must answer in bounded time and memory. README "Limits" and SECURITY.md list the same numbers.
 */
import { FormatError } from "../errors.js";

/** The largest file read (64 MiB): ten thousand secrets of 1 KiB are about 4 MiB. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** The deepest nesting of mappings and lists in a file (a vault needs 4; sops files rarely more than 10). */
export const MAX_DEPTH = 100;
/**
 * The most YAML nodes (scalars, mappings, lists) in a file, as {@link estimateYamlNodes} counts them before any
 * parsing: the YAML library spends tens of microseconds and hundreds of bytes on each (a 1 MiB `x: [0,0,…]` of
 * 520,000 nodes took git textconv 45 s and 1.1 GB). A vault takes about 14 per secret: ten thousand secrets are
 * about 140,000.
 */
export const MAX_NODES = 200_000;
/** The largest value a secret may hold (1 MiB): a vault lives in git and is read and decrypted whole on every open. */
export const MAX_VALUE_BYTES = 1024 * 1024;
/**
 * The most recipient stanzas in one `sops.age` item's `enc` (an age file). sops writes one per item, and age files
 * made by hand for sops rarely hold more than a few; each stanza tried costs a public-key operation.
 */
export const MAX_AGE_STANZAS = 16;
/** The longest secret, recipient or type name: an environment variable name, not a paragraph. */
export const MAX_NAME_LENGTH = 256;
/** The longest regular expression read from a file or given on the command line (custom type patterns). */
export const MAX_PATTERN_LENGTH = 4096;
/** The longest one-line text stored in clear (a description, a type's rotate_at link). */
export const MAX_TEXT_LENGTH = 4096;
/** The longest duration (`--expires-in`, `--rotate-every`): a hundred years. */
export const MAX_DURATION_DAYS = 36_525;
/** The largest `--warn-days`: also a hundred years. */
export const MAX_WARN_DAYS = 36_525;

/** `1 MiB`, `64 MiB`, `512 bytes`: a size for messages. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/**
 * An estimate, never far below the truth, of the YAML nodes in `text`, in one pass without parsing: each content
 * line (not blank, not a comment) counts one, plus one per `- ` or `? ` indicator and per `: ` (a key and its
 * value); inside a flow collection (a `[` or `{` where a value starts, not the one in `ENC[…]`), one per `,` and
 * `:`, two per opening bracket (the collection and its first item), quoted text skipped. Lines of a block scalar (`|`) count one each, an overcount.
 *
 * It runs on every file read, as cold code: the runs of characters that cannot change the count (most of a line
 * once its first node is counted) are skipped by native regular expressions rather than looked at one by one.
 */
export function estimateYamlNodes(text: string): number {
  let nodes = 1; // the document's root
  let flow = 0;
  let quote = 0;
  let valueStart = true;
  let lineCounted = false;
  const n = text.length;
  /** Counts the whole lines from `at` on that have one of the common shapes below; returns where they end. */
  const lines = (at: number): number => {
    for (;;) {
      KEY_LINE.lastIndex = at;
      if (KEY_LINE.test(text)) {
        nodes += 2;
      } else {
        ITEM_KEY_LINE.lastIndex = at;
        if (ITEM_KEY_LINE.test(text)) {
          nodes += 3;
        } else {
          TEXT_LINE.lastIndex = at;
          if (!TEXT_LINE.test(text)) return at;
          nodes += 1;
          at = TEXT_LINE.lastIndex;
          continue;
        }
        at = ITEM_KEY_LINE.lastIndex;
        continue;
      }
      at = KEY_LINE.lastIndex;
    }
  };
  for (let i = lines(0); i < n; i++) {
    let c = text.charCodeAt(i);
    if (quote !== 0) {
      if (quote === 39) {
        // '…': nothing is special up to the closing quote.
        const close = text.indexOf("'", i);
        if (close < 0) break;
        i = close;
        quote = 0;
        continue;
      }
      DOUBLE_QUOTED.lastIndex = i;
      if (DOUBLE_QUOTED.test(text)) i = DOUBLE_QUOTED.lastIndex;
      if (i >= n) break;
      c = text.charCodeAt(i);
      if (c === 92)
        i++; // \x inside "…"
      else quote = 0; // the closing "
      continue;
    }
    if (c === 10) {
      valueStart = true;
      lineCounted = false;
      if (flow === 0) i = lines(i + 1) - 1;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) continue;
    if (c === 35 && valueStart) {
      // A comment: skip to the end of the line.
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? n : nl - 1;
      continue;
    }
    const next = text.charCodeAt(i + 1);
    const spaceNext = next === 32 || next === 10 || next === 13 || Number.isNaN(next);
    if (!lineCounted && flow === 0) nodes++; // the line's first node
    lineCounted = true;
    if ((c === 91 || c === 123) && (valueStart || flow > 0)) {
      flow++;
      nodes += 2; // the collection and its first item (or none: `[]` counts one too many)
      valueStart = true;
    } else if ((c === 93 || c === 125) && flow > 0) {
      flow--;
      valueStart = false;
    } else if (c === 44 && flow > 0) {
      nodes++;
      valueStart = true;
    } else if ((c === 34 || c === 39) && (valueStart || flow > 0)) {
      quote = c;
      valueStart = false;
    } else if (c === 58 && (spaceNext || flow > 0)) {
      nodes++;
      valueStart = true;
    } else if ((c === 45 || c === 63) && spaceNext && valueStart) {
      nodes++;
      valueStart = true;
    } else {
      valueStart = false;
      // Nothing up to the next character that can count (a newline, a `:`, and in flow its brackets, commas and
      // quotes) changes the count: `#`, `-`, `?`, quotes and brackets count only where a value starts.
      const skip = flow === 0 ? BLOCK_RUN : FLOW_RUN;
      skip.lastIndex = i + 1;
      if (skip.test(text)) i = skip.lastIndex - 1;
    }
  }
  return nodes;
}

/*
 * Whole lines, outside flow collections, whose count is known from their shape: a line's first node, one per `: `
 * (or `:` at the end), one per `- `. A value or text starts with a character that counts nothing where a value
 * starts (no quote, bracket, `#`, `-`, `?` or `:`), and holds no `:` followed by a space or the end of the line.
 */
/** `key: value`, `key: "text"`, `key:`: the line and its key. */
const KEY_LINE = / *[^\s:"'[{#?-][^\n:]*:(?:\n| +(?:"[^"\\\n]*" *|[^\s:"'[{#?-](?:[^\n:]|:(?![ \r\n]))*)?\n)/y;
/** `- key: value`: the line, its dash and its key. */
const ITEM_KEY_LINE = / *- +[^\s:"'[{#?-][^\n:]*:(?:\n| +(?:"[^"\\\n]*" *|[^\s:"'[{#?-](?:[^\n:]|:(?![ \r\n]))*)?\n)/y;
/** A line of text (a line of a `|` block, a plain scalar): the line. */
const TEXT_LINE = / *[^\s:"'[{#?-](?:[^\n:]|:(?![ \r\n]))*\n/y;
/** Characters inside `"…"` up to a closing quote or a backslash. */
const DOUBLE_QUOTED = /[^"\\]+/y;
/** Outside flow collections, after a line's first node: characters that cannot add a node. */
const BLOCK_RUN = /[^\n:]+/y;
/** Inside a flow collection, after a node: characters that cannot add a node or change the nesting. */
const FLOW_RUN = /[^\n:,[\]{}"']+/y;

/** The error for a file over {@link MAX_FILE_BYTES} (exit 6), raised before it is read or parsed. */
export function fileTooLarge(file: string): FormatError {
  return new FormatError(`${file} is larger than the limit of ${formatBytes(MAX_FILE_BYTES)}`, {
    hint: 'a vault holds secrets, not files; see README "Limits"',
  });
}
