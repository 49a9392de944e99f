/**
 * Saving by splicing: the new file is the old text with only what changed replaced, instead of the whole document
 * printed again. For a file vaultfile wrote this is exactly what printing the whole document would give, without
 * re-printing megabytes; for a hand-formatted file only the changed parts change (comments, blank lines and spacing
 * elsewhere stay). What it splices:
 * - a scalar with a new value or style (a rotation, new metadata);
 * - in a block mapping: pairs added anywhere, pairs removed, and a pair whose value or key is new or cannot be
 *   spliced (a changed flow collection, a multi-line value) printed again on its own;
 * - in a block sequence: items added at the end (anything else prints the pair that holds the sequence again).
 * New text is what the full print gives for those nodes at that indentation (yaml-splice-lines.ts). Anything else (a
 * node moved, a comment or blank line next to an addition or removal, a schema other than the core one) returns
 * `undefined`, and the caller prints the whole document.
 *
 * A node is known to be unchanged when its value and style still match what was parsed: `yaml` (and the fast reader)
 * keep the parsed string in `source` and the offsets in `range`, and the style shows in the text at `range[0]`.
 */
import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  Pair,
  Scalar,
  type YAMLMap,
  type ToStringOptions,
  type YAMLSeq,
} from "yaml";
import { columnAlone, countWhole, endOf, insertableAt, lineStart, printAt } from "./yaml-splice-lines.js";

/**
 * Where every collection of a document starts and how big it is, in document order (`[start, size, …]`; maps 2n,
 * sequences 2n + 1). Recorded when the text is parsed: a collection found again at its place with the same size
 * had nothing added or removed.
 */
export function shapeOf(doc: Document): number[] {
  const sizes: number[] = [];
  const visit = (node: unknown): void => {
    if (isMap(node)) {
      sizes.push(node.range?.[0] ?? -1, 2 * node.items.length);
      for (const p of node.items) visit(p.value);
    } else if (isSeq(node)) {
      sizes.push(node.range?.[0] ?? -1, 2 * node.items.length + 1);
      for (const item of node.items) visit(item);
    }
  };
  visit(doc.contents);
  return sizes;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/**
 * `source` (the text `doc` was parsed from, whose collections had the shape `shape`) with what changed replaced by
 * what `doc.toString(options)` prints for it, or `undefined` when the changes are not of the kinds above.
 */
export function spliceChangedScalars(
  doc: Document,
  source: string,
  shape: readonly number[],
  options: ToStringOptions,
): string | undefined {
  if (doc.schema.name !== "core") return undefined;
  const s = new Splice(doc, source, shape, options);
  if (!s.visit(doc.contents, false)) return undefined;
  let out = "";
  let at = 0;
  for (const e of s.edits) {
    out += source.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + source.slice(at);
}

class Splice {
  readonly edits: Edit[] = [];
  /** Start of the last old node passed: document order is text order. */
  private last = -1;
  private shapeAt = 0;
  private lf: boolean | undefined;

  constructor(
    private readonly doc: Document,
    private readonly source: string,
    private readonly shape: readonly number[],
    private readonly options: ToStringOptions,
  ) {}

  visit(node: unknown, inBlockMapValue: boolean): boolean {
    if (isScalar(node)) return this.scalar(node, inBlockMapValue);
    if (isMap(node)) return node.flow ? this.flow(node) : this.map(node);
    if (isSeq(node)) return node.flow ? this.flow(node) : this.seq(node);
    return false;
  }

  private scalar(node: Scalar, inBlockMapValue: boolean): boolean {
    const r = node.range;
    const source = this.source;
    // Every node was parsed from `source`, and document order is text order: nothing moved, nothing new.
    if (!r || r[0] <= this.last || r[1] > source.length) return false;
    this.last = r[0];
    const state = compare(node, source, this.doc);
    if (state === "same") return true;
    if (state === "unknown" || !inBlockMapValue || node.tag || node.anchor) return false;
    // An empty value (`key:`) has no text to replace; a multi-line one has an indentation to keep.
    if (r[0] === r[1] || source.slice(r[0], r[1]).includes("\n")) return false;
    const text = printAlone(node, this.options);
    if (text === undefined) return false;
    this.edits.push({ start: r[0], end: r[1], text });
    return true;
  }

  /** Whether lines end in `\n` alone: adding, removing or printing again is done only then (the printer writes `\n`). */
  private lfOnly(): boolean {
    this.lf ??= !this.source.includes("\r");
    return this.lf;
  }

  /** The size `node` had when parsed, if it is an old collection at its place. */
  private sizeOf(node: YAMLMap | YAMLSeq): number | undefined {
    const start = node.range?.[0];
    if (start === undefined || start <= this.last) return undefined;
    // Collections before this one that were not visited were inside removed or re-printed text.
    while (this.shapeAt < this.shape.length && this.shape[this.shapeAt]! < start) this.shapeAt += 2;
    if (this.shape[this.shapeAt] !== start) return undefined;
    this.shapeAt += 2;
    return this.shape[this.shapeAt - 1];
  }

  /** A flow collection: its scalars may change, nothing else. */
  private flow(node: YAMLMap | YAMLSeq): boolean {
    const size = this.sizeOf(node);
    if (isMap(node)) {
      if (size !== 2 * node.items.length) return false;
      for (const p of node.items)
        if (!isScalar(p.key) || !this.scalar(p.key, false) || !this.visit(p.value, false)) return false;
      return true;
    }
    if (size !== 2 * node.items.length + 1) return false;
    for (const item of node.items) if (!this.visit(item, false)) return false;
    return true;
  }

  /** A block mapping: its old pairs in order, new ones anywhere, removed ones cut out. */
  private map(node: YAMLMap): boolean {
    const size = this.sizeOf(node);
    if (size === undefined || node.items.length === 0) return false;
    const source = this.source;
    const [start, , end] = node.range!;
    const col = start - lineStart(source, start);
    // The first key may follow a `- ` (a mapping in a sequence): nothing can be added or removed before it then.
    let pos = columnAlone(source, start) === col ? lineStart(source, start) : start;
    const isOld = (p: Pair): boolean => {
      const r = isScalar(p.key) ? p.key.range : undefined;
      return r != null && r[0] >= start && r[0] < end;
    };
    // Nothing added or removed here: the text between pairs (comments, blank lines) stays as it is.
    const same = node.items.length === size / 2 && node.items.every(isOld);
    if (!same && !this.lfOnly()) return false;
    let pending: Pair[] = [];
    let kept = 0;
    let removed = 0;
    // The text between the end of the last old pair and `to` holds removed pairs only; new pairs go there.
    const fill = (to: number): boolean => {
      if (same || (pos === to && pending.length === 0)) return true;
      const n = countWhole(source, pos, to, col, true);
      if (n === undefined || !insertableAt(source, pos)) return false;
      removed += n;
      const text = pending.length ? printAt({ pairs: pending }, col, this.options) : "";
      this.edits.push({ start: pos, end: to, text });
      pending = [];
      return true;
    };
    for (const p of node.items as Pair[]) {
      if (!isOld(p)) {
        pending.push(p);
        continue;
      }
      const key = p.key as Scalar & { range: [number, number, number] };
      const alone = columnAlone(source, key.range[0]) === col;
      // A key after `- ` (the first of a mapping in a sequence) or `? ` has no line of its own.
      const from = alone ? lineStart(source, key.range[0]) : key.range[0] === start ? start : undefined;
      if (!same && (from === undefined || from < pos || !fill(from))) return false;
      kept++;
      const mark = this.edits.length;
      const last = this.last;
      if (this.scalar(key, false) && this.visit(p.value, true)) {
        // Where the pair's text ends matters only when something is added or removed after it.
        const valueEnd = same ? pos : this.endOfValue(p);
        if (valueEnd !== undefined) {
          pos = valueEnd;
          continue;
        }
      }
      // Print this pair again on its own, in place of its old text.
      this.edits.length = mark;
      const to = endOf(source, key.range[0], col, true);
      if (from === undefined || to === undefined || to > end || !this.lfOnly() || !this.reprintable(p, from, to))
        return false;
      this.last = Math.max(this.last, last, to - 1);
      this.edits.push({ start: from, end: to, text: printAt({ pairs: [p] }, col, this.options, alone) });
      pos = to;
    }
    return fill(end) && (same || kept + removed === size / 2);
  }

  /** Where an old pair's text ends (after its value's last line), or `undefined` when that is not clear. */
  private endOfValue(p: Pair): number | undefined {
    const end = (p.value as { range?: number[] } | null)?.range?.[2];
    if (end === undefined || (end < this.source.length && this.source[end - 1] !== "\n")) return undefined;
    return end;
  }

  /** Whether an old pair may be printed again on its own in place of `[from, to)`: no comments to lose or double. */
  private reprintable(p: Pair, from: number, to: number): boolean {
    const key = p.key as Scalar;
    if (key.commentBefore || key.spaceBefore || key.comment) return false;
    return !this.source.slice(from, to).includes("#");
  }

  /** A block sequence: its old items in order, new ones only at the end. */
  private seq(node: YAMLSeq): boolean {
    const size = this.sizeOf(node);
    if (size === undefined) return false;
    const old = (size - 1) / 2;
    if (node.items.length < old) return false;
    for (let i = 0; i < old; i++) if (!this.visit(node.items[i], false)) return false;
    if (node.items.length === old) return true;
    const source = this.source;
    const end = node.range![2];
    const col = columnAlone(source, node.range![0]);
    if (col === undefined || !insertableAt(source, end) || !this.lfOnly()) return false;
    this.edits.push({ start: end, end, text: printAt({ items: node.items.slice(old) }, col, this.options) });
    return true;
  }
}

/**
 * Whether a parsed scalar still holds what was parsed ("same"), was given a new value or style ("changed"), or
 * cannot be told (a non-string value that does not print as its source, a node whose text is not at its range):
 * "unknown".
 */
function compare(node: Scalar, source: string, doc: Document): "same" | "changed" | "unknown" {
  const r = node.range!;
  const parsed = (node as Scalar & { source?: string }).source;
  if (typeof parsed !== "string") return "unknown";
  const style = styleAt(source, r[0]);
  if (!textMatches(node, style, parsed, source)) return "unknown";
  const v = node.value;
  if (typeof v === "string") {
    if (node.type !== style || v !== parsed) return "changed";
    // A plain "42" that was parsed as a number and set to the string "42" must now be printed quoted.
    return style === Scalar.PLAIN && resolvesToNonString(v, doc) ? "changed" : "same";
  }
  if (v === null) return /^(?:~|null|Null|NULL)?$/.test(parsed) && node.type === style ? "same" : "unknown";
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean")
    return String(v) === parsed && node.type === style ? "same" : "unknown";
  return "unknown";
}

/** The style of the scalar whose text starts at `at`. */
function styleAt(source: string, at: number): Scalar.Type {
  switch (source[at]) {
    case '"':
      return Scalar.QUOTE_DOUBLE;
    case "'":
      return Scalar.QUOTE_SINGLE;
    case "|":
      return Scalar.BLOCK_LITERAL;
    case ">":
      return Scalar.BLOCK_FOLDED;
    default:
      return Scalar.PLAIN;
  }
}

/** Checks that the node's text really is at its range in `source` (not a node parsed from another text). */
function textMatches(node: Scalar, style: Scalar.Type, parsed: string, source: string): boolean {
  const [start, end] = node.range!;
  if (style === Scalar.PLAIN) return end - start === parsed.length && source.startsWith(parsed, start);
  if (style === Scalar.QUOTE_DOUBLE || style === Scalar.QUOTE_SINGLE)
    return end - start >= 2 && source[end - 1] === source[start];
  return true;
}

/** Whether the core schema reads the plain text `v` as something other than a string (as yaml's printer checks). */
function resolvesToNonString(v: string, doc: Document): boolean {
  // What the core schema reads as null, a boolean or a number starts so (cheap filter before yaml's own tests).
  if (!/^(?:$|[-+.~0-9]|(?:[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE)$)/.test(v)) return false;
  const tags = (doc.schema as unknown as { tags: { default?: boolean; tag: string; test?: RegExp }[] }).tags;
  return tags.some((t) => t.default === true && t.tag !== "tag:yaml.org,2002:str" && t.test?.test(v) === true);
}

/** How `doc.toString(options)` prints `node` as the value of a block mapping: one line, or `undefined`. */
function printAlone(node: Scalar, options: ToStringOptions): string | undefined {
  const copy = new Scalar(node.value);
  copy.type = node.type;
  if (node.format !== undefined) copy.format = node.format;
  if (node.minFractionDigits !== undefined) copy.minFractionDigits = node.minFractionDigits;
  const text = printAt({ pairs: [new Pair(new Scalar("k"), copy)] }, 0, options);
  if (!text.startsWith("k: ") || text.indexOf("\n") !== text.length - 1) return undefined;
  return text.slice(3, -1);
}
