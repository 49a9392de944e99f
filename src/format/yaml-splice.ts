/**
 * Saving by splicing: when the only changes to a parsed document are new values (or quoting) of existing scalars,
 * the new file is the old text with just those scalars' text replaced. For a file vaultfile wrote this is exactly
 * what printing the whole document would give, without re-printing megabytes; for a hand-formatted file only the
 * changed values change (comments, blank lines and spacing stay). Anything else (a node added, removed, moved or
 * replaced, a changed key, a value in a flow collection, one that would print over several lines, a schema other
 * than the core one) returns `undefined`, and the caller prints the whole document.
 *
 * A node is known to be unchanged when its value and style still match what was parsed: `yaml` (and the fast reader)
 * keep the parsed string in `source` and the offsets in `range`, and the style shows in the text at `range[0]`.
 */
import { Document, isMap, isScalar, isSeq, Pair, Scalar, YAMLMap, type ToStringOptions } from "yaml";

/**
 * The sizes of every collection of a document in document order (maps 2n, sequences 2n + 1). Recorded when the text
 * is parsed: the same shape later, with every node still at its own place in the text, means that nothing was
 * added, removed or moved.
 */
export function shapeOf(doc: Document): number[] {
  const sizes: number[] = [];
  const visit = (node: unknown): void => {
    if (isMap(node)) {
      sizes.push(2 * node.items.length);
      for (const p of node.items) visit(p.value);
    } else if (isSeq(node)) {
      sizes.push(2 * node.items.length + 1);
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
 * `source` (the text `doc` was parsed from, whose collections had the sizes `shape`) with the text of each changed
 * scalar replaced by the way `doc.toString(options)` prints that scalar, or `undefined` when the changes are not
 * only such scalars.
 */
export function spliceChangedScalars(
  doc: Document,
  source: string,
  shape: readonly number[],
  options: ToStringOptions,
): string | undefined {
  if (doc.schema.name !== "core") return undefined;
  const edits: Edit[] = [];
  let shapeAt = 0;
  let last = -1;

  const scalar = (node: Scalar, inBlockMapValue: boolean): boolean => {
    const r = node.range;
    // Every node was parsed from `source`, and document order is text order: nothing moved, nothing new.
    if (!r || r[0] <= last || r[1] > source.length) return false;
    last = r[0];
    const state = compare(node, source, doc);
    if (state === "same") return true;
    if (state === "unknown" || !inBlockMapValue || node.tag || node.anchor) return false;
    // An empty value (`key:`) has no text to replace; a multi-line one has an indentation to keep.
    if (r[0] === r[1] || source.slice(r[0], r[1]).includes("\n")) return false;
    const text = printAlone(node, options);
    if (text === undefined) return false;
    edits.push({ start: r[0], end: r[1], text });
    return true;
  };

  const visit = (node: unknown, inBlockMapValue: boolean): boolean => {
    if (isScalar(node)) return scalar(node, inBlockMapValue);
    if (isMap(node)) {
      if (!node.range || shape[shapeAt++] !== 2 * node.items.length) return false;
      for (const p of node.items) {
        // A key that changed prints in a key's context: leave that to the full print.
        if (!isScalar(p.key) || !scalar(p.key, false)) return false;
        if (!visit(p.value, !node.flow)) return false;
      }
      return true;
    }
    if (isSeq(node)) {
      if (!node.range || shape[shapeAt++] !== 2 * node.items.length + 1) return false;
      for (const item of node.items) if (!visit(item, false)) return false;
      return true;
    }
    return false;
  };

  if (!visit(doc.contents, false) || shapeAt !== shape.length) return undefined;
  let out = "";
  let at = 0;
  for (const e of edits) {
    out += source.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + source.slice(at);
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
  const map = new YAMLMap();
  map.items.push(new Pair(new Scalar("k"), copy));
  const text = new Document(map).toString(options);
  if (!text.startsWith("k: ") || text.indexOf("\n") !== text.length - 1) return undefined;
  return text.slice(3, -1);
}
