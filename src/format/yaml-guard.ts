/**
 * The checks every YAML text passes before and right after parsing, because the file is hostile input that git
 * hands to textconv and the merge driver unasked:
 *
 * - before parsing: the size limit, a cheap count of the nodes (a flat `x: [0,0,…]` of 1 MiB took the parser 45 s),
 *   and a cheap scan for nesting deeper than the limit (a file of 200,000 `[`
 *   takes the parser seconds, 2,000 levels overflowed the reader's stack);
 * - after parsing: the exact depth, and no tags, anchors or aliases anywhere. sops never writes them, and they
 *   change what a value *is* without changing its bytes (`type: !!binary dXJs` passed the MAC and the seal, then
 *   made every write fail).
 *
 * The numbers are in `src/rules/limits.ts`.
 */
import type { Node as YamlNode } from "yaml";
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, type TreeDocument } from "./yaml-nodes.js";
import { FormatError } from "../errors.js";
import { estimateYamlNodes, fileTooLarge, MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES } from "../rules/limits.js";

/** 1-based line and column of a character offset in `text`. */
export function positionAt(offset: number, text: string): { line: number; col: number } {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    last = i;
  }
  return { line, col: offset - last };
}

/**
 * Refuses text over {@link MAX_FILE_BYTES}, text of more than {@link MAX_NODES} nodes ({@link estimateYamlNodes}:
 * the parser's time and memory grow with them), and text whose nesting surely exceeds {@link MAX_DEPTH}: the scan
 * counts open flow brackets and block indentation steps (list dashes and `? ` keys included), which is never less
 * than the parsed depth, and only overcounts for brackets inside strings and comments.
 */
export function checkTextLimits(text: string, file: string): void {
  // UTF-16 length ≤ UTF-8 bytes ≤ 3 × length: exact bytes only when it could matter.
  if (text.length * 3 > MAX_FILE_BYTES && Buffer.byteLength(text, "utf8") > MAX_FILE_BYTES) {
    throw fileTooLarge(file);
  }
  const stack: number[] = [];
  let flow = 0;
  // The line number only for the error (counting lines as they pass costs more than the scan's other work).
  const tooDeepAt = (offset: number): FormatError => tooDeep(file, { line: positionAt(offset, text).line });
  for (let start = 0; start < text.length; ) {
    // Lines that change nothing (no bracket; in block context at the indentation of the innermost level and no
    // `-`/`?` first; or blank, or a comment) are skipped natively, a run at a time.
    const same = flow > 0 ? FLOW_LINES : stack.length > 0 ? blockLines(stack[stack.length - 1]!) : undefined;
    if (same) {
      same.lastIndex = start;
      if (same.test(text)) {
        start = same.lastIndex;
        continue;
      }
    }
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    let i = start;
    while (i < end && text.charCodeAt(i) === 32) i++;
    if (i < end && text.charCodeAt(i) !== 35 && text.charCodeAt(i) !== 13) {
      if (flow === 0) {
        const indent = i - start;
        while (stack.length > 0 && stack[stack.length - 1]! >= indent) stack.pop();
        stack.push(indent);
        // `- - x`, `? ? x`, `- ? x`: each indicator opens a level of its own.
        while (
          (text.charCodeAt(i) === 45 || text.charCodeAt(i) === 63) &&
          (text.charCodeAt(i + 1) === 32 || i + 1 === end)
        ) {
          i += 2;
          while (i < end && text.charCodeAt(i) === 32) i++;
          stack.push(i - start);
        }
      }
      // Bracket by bracket (the runs between them skipped natively).
      for (; i < end; i++) {
        NO_BRACKET.lastIndex = i;
        if (NO_BRACKET.test(text)) i = NO_BRACKET.lastIndex;
        if (i >= end) break;
        const c = text.charCodeAt(i);
        if (c === 91 || c === 123) {
          if (stack.length + ++flow > MAX_DEPTH) throw tooDeepAt(start);
        } else if (flow > 0) flow--;
      }
    }
    if (stack.length + flow > MAX_DEPTH) throw tooDeepAt(start);
    start = end + 1;
  }
  // After the depth scan, which stops at the first line too deep.
  const nodes = estimateYamlNodes(text);
  if (nodes > MAX_NODES) {
    throw new FormatError(
      `${file} holds about ${nodes.toLocaleString("en-US")} YAML nodes, more than the limit of ${MAX_NODES.toLocaleString("en-US")}`,
      {
        hint: 'a vault takes about 14 per secret; see README "Limits"',
      },
    );
  }
}

/** Characters up to the next bracket or the end of the line. */
const NO_BRACKET = /[^\n[\]{}]+/y;
/** Blank lines and comments (also a line whose first character is a carriage return): the depth scan skips them. */
const SKIPPED = " *[#\\r][^\\n]*\\n| *\\n";
/** Inside a flow collection: lines without brackets. */
const FLOW_LINES = new RegExp(`(?:[^\\n[\\]{}]*\\n|${SKIPPED})+`, "y");
const BLOCK_LINES: RegExp[] = [];
/** In block context: lines at `indent` that open no level (no `-`/`?` first, no bracket). */
function blockLines(indent: number): RegExp | undefined {
  if (indent > 64) return undefined;
  BLOCK_LINES[indent] ??= new RegExp(`(?: {${indent}}[^ \\n\\r#?\\-][^\\n[\\]{}]*\\n|${SKIPPED})+`, "y");
  return BLOCK_LINES[indent];
}

/** The error for nesting deeper than {@link MAX_DEPTH}. */
export function tooDeep(file: string, at: { line?: number; column?: number } = {}): FormatError {
  return new FormatError(`${file} nests mappings and lists more than ${MAX_DEPTH} levels deep`, {
    ...at,
    hint: 'a vault needs 4 levels; see README "Limits"',
  });
}

/**
 * Walks the parsed document without recursion and refuses nesting deeper than {@link MAX_DEPTH}, and any tag,
 * anchor or alias, with its line and column.
 */
export function checkNodes(doc: TreeDocument, file: string, text: string): void {
  const where = (node: YamlNode): { line?: number; column?: number } => {
    const start = node.range?.[0];
    if (start === undefined) return {};
    const { line, col } = positionAt(start, text);
    return { line, column: col };
  };
  const todo: [unknown, number][] = [[doc.contents, 1]];
  while (todo.length > 0) {
    const [node, depth] = todo.pop()!;
    if (node === null || node === undefined || (!isScalar(node) && !isCollection(node) && !isAlias(node))) continue;
    const n = node as YamlNode;
    if (isAlias(n))
      throw new FormatError(`YAML aliases are not allowed in ${file} (*${n.source})`, {
        ...where(n),
        hint: "sops never writes anchors or aliases; write the value out in full",
      });
    if (n.anchor)
      throw new FormatError(`YAML anchors are not allowed in ${file} (&${n.anchor})`, {
        ...where(n),
        hint: "sops never writes anchors or aliases; write the value out in full",
      });
    if (n.tag)
      throw new FormatError(`YAML tags are not allowed in ${file} (${n.tag.replace(/^tag:yaml\.org,2002:/, "!!")})`, {
        ...where(n),
        hint: "sops never writes tags; remove it so the value is a plain string",
      });
    if (depth > MAX_DEPTH) throw tooDeep(file, where(n));
    // Pushed in reverse, so that the first problem in document order is the one reported.
    if (isMap(n)) {
      for (let i = n.items.length - 1; i >= 0; i--) {
        const pair = n.items[i];
        if (isPair(pair)) todo.push([pair.value, depth + 1], [pair.key, depth + 1]);
      }
    } else if (isSeq(n)) {
      for (let i = n.items.length - 1; i >= 0; i--) todo.push([n.items[i], depth + 1]);
    }
  }
}
