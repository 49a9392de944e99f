/**
 * The one reader of the YAML that sops and vaultfile write: block mappings, block sequences of mappings, flow
 * sequences of names, plain / quoted strings on one line, `|` literal blocks (the age armor), and a comment above the
 * first key. It builds a tree through a {@link TreeBuilder}: `yaml`'s own nodes (`yamlBuilder` in yaml.ts: the same
 * values, styles and ranges as `parseDocument` with `PARSE_OPTIONS`, for files that are changed or printed), or the
 * light nodes of yaml-nodes.ts (read-only commands, without loading `yaml`). 10,000 secrets: ~0.1 s instead of ~1.5 s.
 *
 * Anything outside that subset (other comments, blank lines, tabs, anchors, tags, escapes, plain scalars that the
 * core schema would read as numbers, booleans or null, …) returns `undefined`, and the caller uses `parseDocument`,
 * which then also reports any error. test/format/yaml-fast.test.ts checks node-for-node identity with `yaml`, and
 * test/vault/read-only.test.ts that both trees read the same.
 */
import { MAX_DEPTH } from "../rules/limits.js";
import type { ScalarStyle } from "./yaml-nodes.js";

/**
 * Makes the nodes of one kind of tree; the reader calls it bottom-up, each node once its children are made. Ranges
 * come as offsets (`yaml`'s `[start, valueEnd, nodeEnd]`), so that a tree that does not keep them as arrays makes none.
 */
export interface TreeBuilder<N, D> {
  scalar(value: string, start: number, end: number, after: number, style: ScalarStyle): N;
  /** A mapping of `keys[i]: values[i]`. */
  map(keys: N[], values: N[], start: number, end: number): N;
  seq(items: N[], start: number, end: number, after: number, flow: boolean): N;
  /** The document of a root mapping; `comment` (the lines above the first key, without `#`) belongs to its first key. */
  document(root: N, start: number, end: number, comment: string | undefined): D;
}

/** Plain scalars the core schema resolves to something other than a string: those are left to `yaml`. */
const NOT_A_STRING =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;
/** A key or a flow-sequence item: a plain word. */
const WORD = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
/** A one-line plain scalar in block context that needs no care: no indicator first, no `: ` or ` #`, no edge spaces. */
const PLAIN = /^(?:[^\s\-?:,[\]{}#&*!|>'"%@`]|[-?:]\S)(?:[^\n]*[^\s:])?$/;
/**
 * The rest of a key line from the key on, matched in place (sticky) rather than on a copy of the line: the key, and
 * after `: ` its value up to the line's end (`.` stops at U+2028/U+2029 too, so such a line is not a key line).
 */
const KEY_REST = /([A-Za-z0-9_][A-Za-z0-9_.-]*):(?: (.*))?\n/y;

class Decline extends Error {}

/**
 * Reads `text` into `builder`'s tree if it lies in the subset, else `undefined`. A tree it returns nests at most
 * {@link MAX_DEPTH} levels (deeper ones are declined, for `yaml`'s path to refuse), and has no tags, anchors or
 * aliases, which the subset does not hold.
 */
export function readSopsYaml<N, D>(text: string, builder: TreeBuilder<N, D>): D | undefined {
  if (text.length === 0 || !text.endsWith("\n") || text.includes("\t") || text.includes("\r")) return undefined;
  try {
    return new Reader(text, builder).document();
  } catch (err) {
    if (err instanceof Decline) return undefined;
    throw err;
  }
}

/**
 * The reader works on offsets into the text (line starts, sticky regular expressions) and copies out only the
 * strings that become values: it runs cold on every read of a file.
 */
class Reader<N, D> {
  /** Start offset of each line; the text ends with a newline, so line i spans [starts[i], starts[i+1] - 1). */
  private readonly starts: number[] = [];
  private i = 0;
  /** Where the node made last ends (its range's last number). */
  private end = 0;

  constructor(
    private readonly text: string,
    private readonly b: TreeBuilder<N, D>,
  ) {
    for (let p = 0; p < text.length; p = text.indexOf("\n", p) + 1) this.starts.push(p);
  }

  private get count(): number {
    return this.starts.length;
  }

  /** Offset of line i's newline. */
  private newlineOf(i: number): number {
    return this.endOf(i) - 1;
  }

  /** Offset just past line i's newline. */
  private endOf(i: number): number {
    return this.starts[i + 1] ?? this.text.length;
  }

  /** The spaces from offset `at` on. */
  private spacesAt(at: number): number {
    let n = 0;
    while (this.text.charCodeAt(at + n) === 32) n++;
    return n;
  }

  private indentOf(i: number): number {
    return this.spacesAt(this.starts[i]!);
  }

  document(): D {
    const comments: string[] = [];
    while (this.i < this.count && this.text.charCodeAt(this.starts[this.i]!) === 35)
      comments.push(this.text.slice(this.starts[this.i]! + 1, this.newlineOf(this.i++)));
    if (this.i >= this.count || this.indentOf(this.i) !== 0) throw new Decline();
    const start = this.starts[this.i]!;
    const root = this.map(0, undefined, 1);
    if (this.i !== this.count) throw new Decline();
    return this.b.document(root, start, this.end, comments.length > 0 ? comments.join("\n") : undefined);
  }

  /** A block mapping at nesting `depth` whose keys start at column `indent`, from the current line. */
  private map(indent: number, firstKeyAt: number | undefined, depth: number): N {
    // Its keys and values are one level deeper (as yaml-guard.ts's checkNodes counts).
    if (depth >= MAX_DEPTH) throw new Decline();
    const text = this.text;
    const keys: N[] = [];
    const values: N[] = [];
    let start = -1;
    while (this.i < this.count) {
      const lineNo = this.i;
      const lineStart = this.starts[lineNo]!;
      // The first key of a sequence item sits after "- " on the dash's line: that is its column.
      const from = firstKeyAt !== undefined && keys.length === 0 ? firstKeyAt : lineStart;
      const col = firstKeyAt !== undefined && keys.length === 0 ? firstKeyAt - lineStart : indent;
      const keyStart = from + this.spacesAt(from);
      KEY_REST.lastIndex = keyStart;
      const m = KEY_REST.exec(text);
      if (!m || keyStart - lineStart !== col) {
        if (m && keyStart - lineStart > col) throw new Decline();
        break;
      }
      const name = m[1]!;
      if (NOT_A_STRING.test(name)) throw new Decline();
      keys.push(this.b.scalar(name, keyStart, keyStart + name.length, keyStart + name.length, "PLAIN"));
      if (m[2] === undefined) {
        this.i++;
        values.push(this.nested(indent, depth + 1));
      } else {
        values.push(this.inline(m[2], keyStart + name.length + 2, lineNo, col, depth + 1));
      }
      if (start < 0) start = keyStart;
    }
    if (start < 0) throw new Decline();
    return this.b.map(keys, values, start, this.end);
  }

  /** The block collection under `key:` (a deeper mapping, or a sequence at the key's column or deeper). */
  private nested(parentIndent: number, depth: number): N {
    if (this.i >= this.count) throw new Decline();
    const indent = this.indentOf(this.i);
    if (this.text.startsWith("- ", this.starts[this.i]! + indent) && indent >= parentIndent)
      return this.seq(indent, depth);
    if (indent > parentIndent) return this.map(indent, undefined, depth);
    throw new Decline();
  }

  /** A block sequence of mappings at nesting `depth` whose dashes are at column `indent`. */
  private seq(indent: number, depth: number): N {
    const items: N[] = [];
    const start = this.starts[this.i]! + indent;
    while (
      this.i < this.count &&
      this.indentOf(this.i) === indent &&
      this.text.startsWith("- ", this.starts[this.i]! + indent)
    ) {
      items.push(this.map(indent + 2, this.starts[this.i]! + indent + 2, depth + 1));
    }
    return this.b.seq(items, start, this.end, this.end, false);
  }

  /** A value at nesting `depth` on the line of a key at column `keyCol`, starting at offset `at`. */
  private inline(src: string, at: number, lineNo: number, keyCol: number, depth: number): N {
    const after = this.endOf(lineNo);
    const close = at + src.length;
    if (src === "|") {
      this.i++;
      return this.literal(at, keyCol);
    }
    this.i++;
    this.end = after;
    if (src.startsWith("[")) {
      if (!src.endsWith("]")) throw new Decline();
      const items: N[] = [];
      const inner = src.slice(1, -1);
      if (inner !== "") {
        if (depth >= MAX_DEPTH) throw new Decline();
        let p = at + 1;
        for (const word of inner.split(", ")) {
          if (!WORD.test(word) || NOT_A_STRING.test(word)) throw new Decline();
          items.push(this.b.scalar(word, p, p + word.length, p + word.length, "PLAIN"));
          p += word.length + 2;
        }
      }
      return this.b.seq(items, at, close, after, true);
    }
    if (src.startsWith('"')) {
      if (!/^"[^"\\]*"$/.test(src)) throw new Decline();
      return this.b.scalar(src.slice(1, -1), at, close, after, "QUOTE_DOUBLE");
    }
    if (src.startsWith("'")) {
      if (!/^'(?:[^']|'')*'$/.test(src)) throw new Decline();
      return this.b.scalar(src.slice(1, -1).replace(/''/g, "'"), at, close, after, "QUOTE_SINGLE");
    }
    if (!PLAIN.test(src) || src.endsWith(":") || src.includes(": ") || src.includes(" #") || NOT_A_STRING.test(src))
      throw new Decline();
    return this.b.scalar(src, at, close, after, "PLAIN");
  }

  /** A `|` block: lines indented deeper than the key, kept with one final newline (clip chomping). */
  private literal(at: number, keyIndent: number): N {
    if (this.i >= this.count) throw new Decline();
    const indent = this.indentOf(this.i);
    if (indent <= keyIndent) throw new Decline();
    const text = this.text;
    const lines: string[] = [];
    while (this.i < this.count && this.indentOf(this.i) >= indent) {
      const s = this.starts[this.i]!;
      const e = this.newlineOf(this.i);
      if (e - s === indent || text.charCodeAt(e - 1) === 32) throw new Decline();
      lines.push(text.slice(s + indent, e));
      this.i++;
    }
    const end = this.starts[this.i] ?? this.text.length;
    this.end = end;
    return this.b.scalar(`${lines.join("\n")}\n`, at, end, end, "BLOCK_LITERAL");
  }
}
