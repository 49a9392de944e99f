/**
 * The `yaml` side of a sops file: parse text into a comment- and order-preserving `yaml` Document (the fast reader
 * building `yaml`'s nodes when it accepts the text, else `parseDocument`), and print a document back the way sops and
 * vaultfile write it. Reading a tree of either kind (metadata, walk, positions) is yaml-tree.ts, which needs no
 * `yaml`; it is re-exported here. No cryptography here.
 */
import {
  Document,
  isMap,
  isScalar,
  isSeq,
  Pair,
  parseAllDocuments,
  parseDocument,
  Scalar,
  YAMLMap,
  YAMLSeq,
  type ToStringOptions,
} from "yaml";
import { FormatError } from "../errors.js";
import { refuseGitConflictMarkers } from "./conflict-markers.js";
import { readSopsYaml, type TreeBuilder } from "./yaml-fast.js";
import { checkNodes, checkTextLimits, positionAt, tooDeep } from "./yaml-guard.js";
import { checkUniqueKeys, lineOf } from "./yaml-tree.js";

export * from "./yaml-tree.js";

/**
 * `uniqueKeys` is off because yaml checks it with a linear scan per key (quadratic: 1.4 s for 10,000 secrets);
 * {@link checkUniqueKeys} does the same check with a set.
 */
export const PARSE_OPTIONS = { intAsBigInt: true, uniqueKeys: false, prettyErrors: false, strict: true } as const;

type YamlNode = Scalar | YAMLMap | YAMLSeq;

/** The fast reader's `yaml` nodes: the values, styles, ranges and comments `parseDocument` gives for the same text. */
function yamlBuilder(options: object): TreeBuilder<YamlNode, Document.Parsed> {
  return {
    scalar: (value, start, end, after, style) => {
      const s = new Scalar(value);
      s.range = [start, end, after];
      (s as Scalar & { source: string }).source = value;
      s.type = Scalar[style];
      return s;
    },
    map: (keys, values, start, end) => {
      const m = new YAMLMap();
      for (let i = 0; i < keys.length; i++) m.items.push(new Pair(keys[i], values[i]));
      m.range = [start, end, end];
      return m;
    },
    seq: (items, start, end, after, flow) => {
      const q = new YAMLSeq();
      if (flow) q.flow = true;
      q.items = items;
      q.range = [start, end, after];
      return q;
    },
    document: (root, start, end, comment) => {
      if (comment !== undefined) ((root as YAMLMap).items[0]!.key as Scalar).commentBefore = comment;
      const doc = new Document(undefined, options) as Document.Parsed;
      doc.contents = root as Document.Parsed["contents"];
      doc.range = [start, end, end];
      return doc;
    },
  };
}

/** Parses `text` into `yaml`'s nodes if it lies in the fast reader's subset, else `undefined`. */
export function parseSopsYamlFast(text: string, options: object): Document.Parsed | undefined {
  return readSopsYaml(text, yamlBuilder(options));
}

/**
 * Parses YAML text. Syntax errors, duplicate keys, non-mapping roots, tags, anchors, aliases and text over the
 * limits (`src/rules/limits.ts`) become a {@link FormatError} with the position.
 */
export function parseYaml(text: string, file: string): Document.Parsed {
  checkTextLimits(text, file);
  refuseGitConflictMarkers(text, file);
  let doc: Document.Parsed;
  try {
    // The fast reader builds the same nodes for the YAML sops and vaultfile write, and declines everything else.
    doc = parseSopsYamlFast(text, PARSE_OPTIONS) ?? parseDocument(text, PARSE_OPTIONS);
  } catch (err) {
    // The depth scan bounds nesting; a stack overflow that still happens is the same problem.
    if (err instanceof RangeError) throw tooDeep(file);
    throw err;
  }
  checkParsed(doc, text, file);
  return doc;
}

/**
 * Parses every document of a YAML stream (`---` between them; sops writes one `sops` block into each), with the
 * checks of {@link parseYaml} on each. An empty document is an empty mapping, as sops reads it.
 */
export function parseYamlDocuments(text: string, file: string): Document.Parsed[] {
  checkTextLimits(text, file);
  refuseGitConflictMarkers(text, file);
  let docs: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(text, PARSE_OPTIONS);
    docs = Array.isArray(parsed) ? parsed : [parsed as unknown as Document.Parsed];
  } catch (err) {
    if (err instanceof RangeError) throw tooDeep(file);
    throw err;
  }
  for (const doc of docs) checkParsed(doc, text, file);
  return docs;
}

function checkParsed(doc: Document.Parsed, text: string, file: string): void {
  const first = doc.errors[0];
  if (first) {
    // `linePos` is only filled in with prettyErrors; the offset always is.
    const pos = first.linePos?.[0] ?? positionAt(first.pos[0], text);
    const what = first.code === "DUPLICATE_KEY" ? "duplicate key" : "invalid YAML";
    throw new FormatError(`${what} in ${file}`, {
      line: pos.line,
      column: pos.col,
      hint:
        first.code === "DUPLICATE_KEY" ? "each name may appear once in a mapping" : "fix the syntax near that position",
      cause: first,
    });
  }
  checkNodes(doc, file, text);
  checkUniqueKeys(doc, file, text);
  if (doc.contents !== null && !isMap(doc.contents)) {
    throw new FormatError(`${file} is not a YAML mapping`, {
      hint: "a sops file is a mapping with a `sops` key at the top level",
      ...lineOf(doc.contents, text),
    });
  }
}

/**
 * Prints a document as vaultfile writes it: no line folding (an ENC[] string stays on one line), sequences in the
 * style the file already uses (sops writes `key:\n- item`).
 */
export function printYaml(doc: Document, indentSeq: boolean): string {
  prepareForPrint(doc.contents);
  return doc.toString(printOptions(indentSeq));
}

/**
 * Adjusts the styles that yaml would print in a way that does not read back as the same document:
 * - a string of only spaces, tabs and line breaks (" \n", "\n \n") becomes a `|+` block whose blank lines read back
 *   shorter (yaml 2.9 guesses the indentation from them): a description like that made the saved file fail its own
 *   MAC. Such strings are printed double-quoted.
 * - an empty block collection (all secrets removed) prints as `secrets:\n  {}`, which reads back as a flow one and
 *   then prints as `secrets: {}`; it is printed as flow at once, so that the file is what the next full print gives.
 */
export function prepareForPrint(node: unknown): void {
  if (isScalar(node)) {
    if (isBlankLines(node.value)) node.type = Scalar.QUOTE_DOUBLE;
  } else if (isMap(node)) {
    if (node.items.length === 0) node.flow = true;
    for (const p of node.items) {
      prepareForPrint(p.key);
      // A plain string set without a node (`map.set("k", " \n")`) gets one, to carry the style.
      if (isBlankLines(p.value)) p.value = doubleQuoted(p.value);
      else prepareForPrint(p.value);
    }
  } else if (isSeq(node)) {
    if (node.items.length === 0) node.flow = true;
    node.items = node.items.map((item) => {
      if (isBlankLines(item)) return doubleQuoted(item);
      prepareForPrint(item);
      return item;
    });
  }
}

function isBlankLines(v: unknown): v is string {
  return typeof v === "string" && v.includes("\n") && /^[ \t\n]*$/.test(v);
}

/** A string scalar written in double quotes (timestamps, strings YAML would otherwise read differently). */
export function doubleQuoted(v: string): Scalar {
  const s = new Scalar(v);
  s.type = Scalar.QUOTE_DOUBLE;
  return s;
}

/** The `toString` options of {@link printYaml}. */
export function printOptions(indentSeq: boolean): ToStringOptions {
  return { lineWidth: 0, minContentWidth: 0, indentSeq, flowCollectionPadding: false };
}
