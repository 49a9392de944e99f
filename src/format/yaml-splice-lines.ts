/**
 * The line structure the splice (yaml-splice.ts) reads off the old text of a block collection: where a pair or an
 * item ends, and what a stretch of deleted pairs holds. Block YAML is laid out by indentation: the lines of a pair
 * at column `col` are its key line and the lines after it indented deeper (or, for a sequence written at the key's
 * own column, `- ` lines there). Anything this cannot read with certainty (a comment or blank line where text is
 * added or removed, tabs, `\r`) answers `undefined`, and the caller prints the whole document instead.
 */
import { Document, type Pair, YAMLMap, YAMLSeq, type ToStringOptions } from "yaml";
import { prepareForPrint } from "./yaml.js";

let printer: Document | undefined;

/** The offset where the line holding `at` starts. */
export function lineStart(source: string, at: number): number {
  return source.lastIndexOf("\n", at - 1) + 1;
}

/** The offset after the line holding `at` (after its `\n`, or the end of the text). */
function nextLine(source: string, at: number): number {
  const nl = source.indexOf("\n", at);
  return nl < 0 ? source.length : nl + 1;
}

/** The column of `at` when only spaces precede it on its line, else `undefined`. */
export function columnAlone(source: string, at: number): number | undefined {
  const start = lineStart(source, at);
  for (let i = start; i < at; i++) if (source.charCodeAt(i) !== 32) return undefined;
  return at - start;
}

type LineKind = "blank" | "comment" | "deeper" | "item" | "key" | "shallower" | "odd";

/** What the line at `at` (a line start) is to a collection whose keys or items are at column `col`. */
function kindOf(source: string, at: number, col: number): LineKind {
  let i = at;
  while (source.charCodeAt(i) === 32) i++;
  const c = source[i];
  if (c === undefined || c === "\n") return "blank";
  if (c === "\t" || c === "\r") return "odd"; // a tab or a CRLF line end: not read, every caller gives up
  if (c === "#") return "comment";
  const indent = i - at;
  if (indent > col) return "deeper";
  if (indent < col) return "shallower";
  const next = source[i + 1];
  return c === "-" && (next === " " || next === "\n" || next === undefined) ? "item" : "key";
}

/**
 * Where the pair or item whose first line holds `from` ends in the old text: after its last line (its own lines
 * are deeper than `col`, and `- ` lines at `col` for a pair, whose sequence value may be written there).
 * `undefined` when a comment at or left of `col`, or a blank line, comes before the end.
 */
export function endOf(source: string, from: number, col: number, pair: boolean): number | undefined {
  let at = nextLine(source, from);
  while (at < source.length) {
    const kind = kindOf(source, at, col);
    if (kind === "blank" || kind === "comment" || kind === "odd") return undefined;
    if (kind !== "deeper" && !(pair && kind === "item")) break;
    at = nextLine(source, at);
  }
  return at;
}

/**
 * How many pairs (`pair`) or items of a collection at column `col` the old text `[from, to)` holds, when it holds
 * only whole ones: it starts at a line start with a key (an item) line, and has no comment, blank or shallower line.
 */
export function countWhole(source: string, from: number, to: number, col: number, pair: boolean): number | undefined {
  if (from === to) return 0;
  if (from > to || (from > 0 && source[from - 1] !== "\n")) return undefined;
  let count = 0;
  for (let at = from; at < to; at = nextLine(source, at)) {
    const kind = kindOf(source, at, col);
    if (kind === "odd") return undefined;
    if (kind === (pair ? "key" : "item")) count++;
    else if (kind !== "deeper" && !(pair && kind === "item")) return undefined;
    if (at === from && count === 0) return undefined;
  }
  return count;
}

/** Whether text may be inserted at `at`: a line start that does not follow a blank line, and not the end of a text without a final line break. */
export function insertableAt(source: string, at: number): boolean {
  if (at === 0) return true;
  return source[at - 1] === "\n" && source[at - 2] !== "\n";
}

/**
 * How the full print writes `pairs` (of a block map) or `items` (of a block sequence) at column `col`: printed on
 * their own and indented. Block YAML prints the same at any indentation (the printer neither folds lines nor wraps
 * flow collections at `lineWidth: 0`), so this is the text that printing the whole document gives for them. With
 * `first: false` the first line gets no indentation (it continues a `- ` already in the text).
 */
export function printAt(
  nodes: { pairs: Pair[] } | { items: unknown[] },
  col: number,
  options: ToStringOptions,
  first = true,
): string {
  const holder = "pairs" in nodes ? new YAMLMap() : new YAMLSeq();
  holder.items = "pairs" in nodes ? nodes.pairs : (nodes.items as YAMLSeq["items"]);
  prepareForPrint(holder);
  // One document to print with (making one sets up a schema: a third of the time of a small print).
  printer ??= new Document();
  printer.contents = holder;
  const text = printer.toString(options);
  printer.contents = null;
  const pad = " ".repeat(col);
  return text
    .split("\n")
    .map((line, i) => (line === "" || (i === 0 && !first) ? line : pad + line))
    .join("\n");
}
