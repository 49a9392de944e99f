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
import type { Range, ScalarStyle } from "./yaml-nodes.js";

/** Makes the nodes of one kind of tree; the reader calls it bottom-up, each node once its children are made. */
export interface TreeBuilder<N, D> {
  scalar(value: string, range: Range, style: ScalarStyle): N;
  map(pairs: [key: N, value: N][], range: Range): N;
  seq(items: N[], range: Range, flow: boolean): N;
  /** The document of a root mapping; `comment` (the lines above the first key, without `#`) belongs to its first key. */
  document(root: N, range: Range, comment: string | undefined): D;
}

/** Plain scalars the core schema resolves to something other than a string: those are left to `yaml`. */
const NOT_A_STRING =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/;
/** A key or a flow-sequence item: a plain word. */
const WORD = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
/** A one-line plain scalar in block context that needs no care: no indicator first, no `: ` or ` #`, no edge spaces. */
const PLAIN = /^(?:[^\s\-?:,[\]{}#&*!|>'"%@`]|[-?:]\S)(?:[^\n]*[^\s:])?$/;
const KEY_LINE = /^( *)([A-Za-z0-9_][A-Za-z0-9_.-]*):(?: (.*))?$/;

class Decline extends Error {}

/** Reads `text` into `builder`'s tree if it lies in the subset, else `undefined`. */
export function readSopsYaml<N, D>(text: string, builder: TreeBuilder<N, D>): D | undefined {
  if (text.length === 0 || !text.endsWith("\n") || text.includes("\t") || text.includes("\r")) return undefined;
  try {
    return new Reader(text, builder).document();
  } catch (err) {
    if (err instanceof Decline) return undefined;
    throw err;
  }
}

/** A node made and the offset where it ends (its range's last number). */
type Made<N> = [node: N, end: number];

class Reader<N, D> {
  /** Start offset of each line; the text ends with a newline, so line i spans [starts[i], starts[i+1] - 1). */
  private readonly starts: number[] = [];
  private i = 0;

  constructor(
    private readonly text: string,
    private readonly b: TreeBuilder<N, D>,
  ) {
    for (let p = 0; p < text.length; p = text.indexOf("\n", p) + 1) this.starts.push(p);
  }

  private get count(): number {
    return this.starts.length;
  }

  private line(i: number): string {
    return this.text.slice(
      this.starts[i]!,
      this.starts[i + 1] !== undefined ? this.starts[i + 1]! - 1 : this.text.length - 1,
    );
  }

  /** Offset just past line i's newline. */
  private endOf(i: number): number {
    return this.starts[i + 1] ?? this.text.length;
  }

  private indentOf(i: number): number {
    const l = this.line(i);
    let n = 0;
    while (l.charCodeAt(n) === 32) n++;
    return n;
  }

  document(): D {
    const comments: string[] = [];
    while (this.i < this.count && this.line(this.i).startsWith("#")) comments.push(this.line(this.i++).slice(1));
    if (this.i >= this.count || this.indentOf(this.i) !== 0) throw new Decline();
    const start = this.starts[this.i]!;
    const [root, end] = this.map(0);
    if (this.i !== this.count) throw new Decline();
    return this.b.document(root, [start, end, end], comments.length > 0 ? comments.join("\n") : undefined);
  }

  /** A block mapping whose keys start at column `indent`, from the current line. */
  private map(indent: number, firstKeyAt?: number): Made<N> {
    const pairs: [N, N][] = [];
    let start = -1;
    let end = -1;
    while (this.i < this.count) {
      const lineNo = this.i;
      const lineStart = this.starts[lineNo]!;
      let l = this.line(lineNo);
      let col = indent;
      if (firstKeyAt !== undefined && pairs.length === 0) {
        // The first key of a sequence item sits after "- " on the dash's line.
        col = firstKeyAt - lineStart;
        l = " ".repeat(col) + l.slice(col);
      }
      const m = KEY_LINE.exec(l);
      if (!m || m[1]!.length !== col) {
        if (m && m[1]!.length > col) throw new Decline();
        break;
      }
      const name = m[2]!;
      if (NOT_A_STRING.test(name)) throw new Decline();
      const keyStart = lineStart + col;
      const key = this.b.scalar(name, [keyStart, keyStart + name.length, keyStart + name.length], "PLAIN");
      let value: Made<N>;
      if (m[3] === undefined) {
        this.i++;
        value = this.nested(indent);
      } else {
        value = this.inline(m[3], keyStart + name.length + 2, lineNo, col);
      }
      if (start < 0) start = keyStart;
      end = value[1];
      pairs.push([key, value[0]]);
    }
    if (start < 0) throw new Decline();
    return [this.b.map(pairs, [start, end, end]), end];
  }

  /** The block collection under `key:` (a deeper mapping, or a sequence at the key's column or deeper). */
  private nested(parentIndent: number): Made<N> {
    if (this.i >= this.count) throw new Decline();
    const indent = this.indentOf(this.i);
    const l = this.line(this.i);
    if (l.startsWith("- ", indent) && indent >= parentIndent) return this.seq(indent);
    if (indent > parentIndent) return this.map(indent);
    throw new Decline();
  }

  /** A block sequence of mappings whose dashes are at column `indent`. */
  private seq(indent: number): Made<N> {
    const items: N[] = [];
    const start = this.starts[this.i]! + indent;
    let end = start;
    while (this.i < this.count && this.indentOf(this.i) === indent && this.line(this.i).startsWith("- ", indent)) {
      const [item, itemEnd] = this.map(indent + 2, this.starts[this.i]! + indent + 2);
      end = itemEnd;
      items.push(item);
    }
    return [this.b.seq(items, [start, end, end], false), end];
  }

  /** A value on the line of a key at column `keyCol`, starting at offset `at`. */
  private inline(src: string, at: number, lineNo: number, keyCol: number): Made<N> {
    const after = this.endOf(lineNo);
    const close = at + src.length;
    if (src === "|") {
      this.i++;
      return this.literal(at, keyCol);
    }
    this.i++;
    const range: Range = [at, close, after];
    if (src.startsWith("[")) {
      if (!src.endsWith("]")) throw new Decline();
      const items: N[] = [];
      const inner = src.slice(1, -1);
      if (inner !== "") {
        let p = at + 1;
        for (const word of inner.split(", ")) {
          if (!WORD.test(word) || NOT_A_STRING.test(word)) throw new Decline();
          items.push(this.b.scalar(word, [p, p + word.length, p + word.length], "PLAIN"));
          p += word.length + 2;
        }
      }
      return [this.b.seq(items, range, true), after];
    }
    if (src.startsWith('"')) {
      if (!/^"[^"\\]*"$/.test(src)) throw new Decline();
      return [this.b.scalar(src.slice(1, -1), range, "QUOTE_DOUBLE"), after];
    }
    if (src.startsWith("'")) {
      if (!/^'(?:[^']|'')*'$/.test(src)) throw new Decline();
      return [this.b.scalar(src.slice(1, -1).replace(/''/g, "'"), range, "QUOTE_SINGLE"), after];
    }
    if (!PLAIN.test(src) || src.endsWith(":") || src.includes(": ") || src.includes(" #") || NOT_A_STRING.test(src))
      throw new Decline();
    return [this.b.scalar(src, range, "PLAIN"), after];
  }

  /** A `|` block: lines indented deeper than the key, kept with one final newline (clip chomping). */
  private literal(at: number, keyIndent: number): Made<N> {
    if (this.i >= this.count) throw new Decline();
    const indent = this.indentOf(this.i);
    if (indent <= keyIndent) throw new Decline();
    const lines: string[] = [];
    while (this.i < this.count && this.indentOf(this.i) >= indent) {
      const l = this.line(this.i);
      if (l.length === indent || l.endsWith(" ")) throw new Decline();
      lines.push(l.slice(indent));
      this.i++;
    }
    const end = this.starts[this.i] ?? this.text.length;
    return [this.b.scalar(`${lines.join("\n")}\n`, [at, end, end], "BLOCK_LITERAL"), end];
  }
}
