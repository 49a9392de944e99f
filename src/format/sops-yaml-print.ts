/**
 * Prints decrypted documents the way `sops -d` does for YAML: sops hands its tree to go-yaml v3 with an indent of 4
 * (`stores/yaml`), so this follows go-yaml v3's emitter: its choice of plain, single-quoted, double-quoted or literal
 * style for each string (a string that another type would read back as, e.g. `"2024-01-31"` or `"yes"`, is
 * quoted), Go's `%g` floats (`1.5e+10`), its indentation rules, and `---` between documents. Comments come out as
 * sops writes them: each on its own line, before the item they belong to (inline comments included).
 * Checked against the real sops in test/format/sops-yaml-print.test.ts and the real-sops property test. What a plain
 * scalar reads back as (go-yaml's resolver) is in go-yaml-resolve.ts.
 */
import { formatGoFloat } from "./values.js";
import { BASE60_FLOAT, OLD_BOOL, resolvesToString } from "./go-yaml-resolve.js";
import type { PlainList, PlainMap, PlainNode, PlainScalar } from "./plain-tree.js";

const INDENT = 4;

/** Every document, as one YAML stream (what `sops -d` prints for a YAML file). */
export function printSopsYaml(docs: readonly PlainMap[]): string {
  return docs.map((d, i) => (i > 0 ? "---\n" : "") + printDocument(d)).join("");
}

function printDocument(map: PlainMap): string {
  const lines: string[] = [];
  if (!map.items.some((i) => i.kind === "pair")) {
    for (const c of map.items) if (c.kind === "comment") lines.push("#" + c.text);
    lines.push("{}");
  } else {
    emitMap(map, 0, lines);
  }
  return lines.join("\n") + "\n";
}

/** go-yaml's indentation for a block nested under one at `indent` (outside a sequence item): the next multiple of 4. */
function deeper(indent: number): number {
  return INDENT * Math.floor((indent + INDENT) / INDENT);
}

/** Output lines; the first one pushed may go after a "- " already written (a collection inside a list item). */
class Lines {
  constructor(
    private readonly lines: string[],
    private readonly indent: number,
    private firstPrefix: string | undefined,
  ) {}
  push(line: string): void {
    if (this.firstPrefix !== undefined) {
      this.lines.push(this.firstPrefix + line.slice(this.indent));
      this.firstPrefix = undefined;
    } else {
      this.lines.push(line);
    }
  }
}

function emitMap(map: PlainMap, indent: number, lines: string[], firstPrefix?: string): void {
  const pad = " ".repeat(indent);
  const out = new Lines(lines, indent, firstPrefix);
  const push = (line: string): void => out.push(line);
  for (const item of map.items) {
    if (item.kind === "comment") {
      push(pad + "#" + item.text);
      continue;
    }
    const key = scalarText({ kind: "str", value: item.key }, true, 0);
    const v = item.value;
    // go-yaml writes a key of more than 128 characters or with a line break as a complex key (`? key`).
    if ([...item.key].length > 128 || /[\n\r\u0085\u2028\u2029]/.test(item.key)) {
      push(`${pad}? ${key}`);
      if (v.kind === "map" || v.kind === "list") {
        if (!v.items.some((i) => i.kind !== "comment")) push(`${pad}: ${v.kind === "map" ? "{}" : "[]"}`);
        else {
          push(`${pad}:`);
          if (v.kind === "map") emitMap(v, deeper(indent), lines);
          else emitList(v, deeper(indent), lines);
        }
      } else {
        const [head, ...rest] = scalarText(v, false, deeper(indent)).split("\n");
        push(`${pad}: ${head}`);
        lines.push(...rest);
      }
      continue;
    }
    if (v.kind === "map" || v.kind === "list") {
      if (!v.items.some((i) => i.kind !== "comment")) {
        for (const c of v.items) if (c.kind === "comment") push(pad + "#" + c.text);
        push(`${pad}${key}: ${v.kind === "map" ? "{}" : "[]"}`);
        continue;
      }
      push(`${pad}${key}:`);
      if (v.kind === "map") emitMap(v, deeper(indent), lines);
      else emitList(v, deeper(indent), lines);
      continue;
    }
    const text = scalarText(v, false, deeper(indent));
    const [head, ...rest] = text.split("\n");
    push(`${pad}${key}: ${head}`);
    lines.push(...rest);
  }
}

function emitList(list: PlainList, indent: number, lines: string[], firstPrefix?: string): void {
  const pad = " ".repeat(indent);
  const out = new Lines(lines, indent, firstPrefix);
  const push = (line: string): void => out.push(line);
  for (const item of list.items) {
    if (item.kind === "comment") {
      push(pad + "#" + item.text);
      continue;
    }
    if (item.kind === "map" || item.kind === "list") {
      const hasData = item.items.some((i) => i.kind !== "comment");
      if (!hasData) {
        push(`${pad}- ${item.kind === "map" ? "{}" : "[]"}`);
        continue;
      }
      // The first line of the item goes after "- "; the rest is indented by 2 (go-yaml's compact sequence items).
      const sub: string[] = [];
      if (item.kind === "map") emitMap(item, indent + 2, sub, "");
      else emitList(item, indent + 2, sub, "");
      push(pad + "- " + sub[0]!);
      lines.push(...sub.slice(1));
      continue;
    }
    const text = scalarText(item, false, indent + 2);
    const [head, ...rest] = text.split("\n");
    push(`${pad}- ${head}`);
    lines.push(...rest);
  }
}

/**
 * One scalar as go-yaml v3 prints it. A literal block's content lines are indented to `blockIndent`. `key`: printed
 * as a mapping key (no block styles there).
 */
export function scalarText(s: PlainScalar, key: boolean, blockIndent: number): string {
  switch (s.kind) {
    case "null":
      return "null";
    case "bool":
      return s.value ? "true" : "false";
    case "int":
      return s.value.toString();
    case "float":
      return goYamlFloat(s.value);
    case "time":
      return s.value;
    case "bytes":
      return stringText(Buffer.from(s.value).toString("utf8"), key, blockIndent);
    case "str":
      return stringText(s.value, key, blockIndent);
  }
}

/** `strconv.FormatFloat(v, 'g', -1, 64)` with go-yaml's names for the infinities and NaN. */
export function goYamlFloat(v: number): string {
  if (Number.isNaN(v)) return ".nan";
  if (v === Infinity) return ".inf";
  if (v === -Infinity) return "-.inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const [mant, expText] = Math.abs(v).toExponential().split("e") as [string, string];
  const exp = Number(expText);
  const sign = v < 0 ? "-" : "";
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${sign}${mant}e${exp < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`;
  }
  return formatGoFloat(v);
}

type Style = "plain" | "single" | "double" | "literal";

function stringText(s: string, key: boolean, blockIndent: number): string {
  let style: Style = s.includes("\n") ? "literal" : canBePlain(s) ? "plain" : "double";
  const a = analyze(s);
  if (key && a.multiline) style = "double";
  if (style === "plain" && (!a.blockPlainAllowed || (s === "" && key))) style = "single";
  if (style === "single" && !a.singleQuotedAllowed) style = "double";
  if (style === "literal" && (!a.blockAllowed || key)) style = "double";
  switch (style) {
    case "plain":
      return s;
    case "single":
      // go-yaml breaks the line at U+2028/U+2029 as at any break and indents what follows.
      return (
        "'" +
        s.replace(/'/g, "''").replace(/([\u2028\u2029])(?=[^\u2028\u2029])/g, "$1" + " ".repeat(blockIndent)) +
        "'"
      );
    case "double":
      return doubleQuoted(s);
    case "literal":
      return literal(s, blockIndent);
  }
}

/**
 * go-yaml's `canUsePlain`: the string reads back as a string (not a null, bool, number, timestamp or merge key)
 * and is not one of YAML 1.1's booleans or base-60 floats.
 */
function canBePlain(s: string): boolean {
  if (OLD_BOOL.has(s) || BASE60_FLOAT.test(s)) return false;
  return resolvesToString(s);
}

interface Analysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

const isBreakChar = (c: string): boolean =>
  c === "\n" || c === "\r" || c === "\u0085" || c === "\u2028" || c === "\u2029";

/** go-yaml's `is_printable`: which characters it writes as they are (4-byte UTF-8, i.e. beyond U+FFFF, is not). */
function isPrintable(cp: number): boolean {
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
}

/** go-yaml's `yaml_emitter_analyze_scalar`, for block context. */
function analyze(s: string): Analysis {
  if (s === "") return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  let blockIndicators = s.startsWith("---") || s.startsWith("...");
  let lineBreaks = false;
  let special = false;
  let tabs = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWhitespace = true;
  const chars = [...s];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const next = chars[i + 1];
    const followedByWhitespace = next === undefined || next === " " || next === "\t" || isBreakChar(next);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(c)) blockIndicators = true;
      else if ((c === "?" || c === ":" || c === "-") && followedByWhitespace) blockIndicators = true;
    } else if (c === ":" && followedByWhitespace) {
      blockIndicators = true;
    } else if (c === "#" && precededByWhitespace) {
      blockIndicators = true;
    }
    if (c === "\t") tabs = true;
    else if (!isPrintable(c.codePointAt(0)!)) special = true;
    const last = i === chars.length - 1;
    if (c === " ") {
      if (i === 0) leadingSpace = true;
      if (last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreakChar(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (last) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = c === " " || c === "\t" || isBreakChar(c) || c === "\0";
  }
  let blockPlainAllowed = true;
  let singleQuotedAllowed = true;
  let blockAllowed = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) blockPlainAllowed = false;
  if (trailingSpace) blockAllowed = false;
  if (breakSpace) blockPlainAllowed = singleQuotedAllowed = false;
  if (spaceBreak || tabs || special) blockPlainAllowed = singleQuotedAllowed = false;
  if (spaceBreak || special) blockAllowed = false;
  if (lineBreaks) blockPlainAllowed = false;
  if (blockIndicators) blockPlainAllowed = false;
  return { multiline: lineBreaks, blockPlainAllowed, singleQuotedAllowed, blockAllowed };
}

const ESCAPES: Record<number, string> = {
  0: "0",
  7: "a",
  8: "b",
  9: "t",
  10: "n",
  11: "v",
  12: "f",
  13: "r",
  27: "e",
  34: '"',
  92: "\\",
  133: "N",
  8232: "L",
  8233: "P",
};

/** go-yaml's double-quoted style: escapes for non-printable characters, quotes, backslashes and line breaks. */
function doubleQuoted(s: string): string {
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (!isPrintable(cp) || cp === 0xfeff || isBreakChar(c) || c === '"' || c === "\\") {
      const e = ESCAPES[cp];
      if (e !== undefined) out += "\\" + e;
      else if (cp <= 0xff) out += "\\x" + cp.toString(16).toUpperCase().padStart(2, "0");
      else if (cp <= 0xffff) out += "\\u" + cp.toString(16).toUpperCase().padStart(4, "0");
      else out += "\\U" + cp.toString(16).toUpperCase().padStart(8, "0");
    } else {
      out += c;
    }
  }
  return out + '"';
}

/** go-yaml's literal style: `|`, an indentation hint when the text starts with a space or break, chomping. */
function literal(s: string, indent: number): string {
  let head = "|";
  if (s[0] === " " || s[0] === "\n") head += String(INDENT);
  if (!s.endsWith("\n")) head += "-";
  else if (s.length === 1 || s.endsWith("\n\n")) head += "+";
  const body = s.endsWith("\n") ? s.slice(0, -1) : s;
  const pad = " ".repeat(indent);
  return [head, ...body.split("\n").map((l) => (l === "" ? "" : pad + l))].join("\n");
}

export type { PlainList, PlainMap, PlainNode };
