/**
 * The splice against arbitrary YAML, not only vaults: random trees (maps, sequences, strings that need quoting,
 * numbers, booleans, nulls) printed as vaultfile prints them or re-laid out by hand (flow maps, single quotes, the
 * other sequence indentation), then random scalars given new strings and styles. Whenever the splice answers, its
 * text must read back as the changed document, and equal the full print for a file vaultfile printed.
 */
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { expect, it } from "vitest";
import { Document, isScalar, parseDocument, Scalar, visit, type YAMLMap, type YAMLSeq } from "yaml";
import { PARSE_OPTIONS, printOptions, printYaml } from "../../src/format/yaml.js";
import { shapeOf, spliceChangedScalars } from "../../src/format/yaml-splice.js";
import { TRICKY_STRINGS } from "../tricky-strings.js";

const str = fc.oneof(fc.constantFrom(...TRICKY_STRINGS), fc.string({ maxLength: 12 }));
const leaf = fc.oneof(str, fc.integer(), fc.boolean(), fc.constant(null));
const style = fc.constantFrom(undefined, Scalar.PLAIN, Scalar.QUOTE_DOUBLE, Scalar.QUOTE_SINGLE, Scalar.BLOCK_LITERAL);
const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/);
const tree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("map"), tie("seq")),
  map: fc.dictionary(key, tie("node"), { maxKeys: 4 }),
  seq: fc.array(tie("node"), { maxLength: 3 }),
})).map;

it("splices only what reads back as the changed document (and, for vaultfile's own print, is the full print)", () => {
  let used = 0;
  fc.assert(
    fc.property(
      tree,
      fc.boolean(),
      fc.array(fc.tuple(fc.nat(), str, style), { maxLength: 4 }),
      fc.option(fc.nat(), { nil: undefined }),
      (t, indentSeq, edits, hand) => {
        let text = printYaml(new Document({ root: t }), indentSeq);
        if (hand !== undefined) {
          const d = parseDocument(text, PARSE_OPTIONS);
          let n = hand;
          visit(d, {
            Map(_, m) {
              if (n++ % 4 === 0) m.flow = true;
            },
            Scalar(_, s) {
              if (typeof s.value === "string" && !s.value.includes("\n") && n++ % 3 === 0) s.type = Scalar.QUOTE_SINGLE;
            },
          });
          text = d.toString({ lineWidth: 0, indentSeq: !indentSeq });
        }
        const doc = parseDocument(text, PARSE_OPTIONS);
        expect(doc.errors).toEqual([]);
        const shape = shapeOf(doc);
        const scalars: Scalar[] = [];
        visit(doc, {
          Pair(_, p) {
            if (isScalar(p.value)) scalars.push(p.value);
          },
          Seq(_, seq) {
            for (const item of seq.items) if (isScalar(item)) scalars.push(item);
          },
        });
        if (scalars.length === 0) return;
        for (const [i, value, type] of edits) {
          const s = scalars[i % scalars.length]!;
          s.value = value;
          s.type = type;
        }
        const spliced = spliceChangedScalars(doc, text, shape, printOptions(indentSeq));
        if (spliced === undefined) return;
        used++;
        const back = parseDocument(spliced, PARSE_OPTIONS);
        expect(back.errors).toEqual([]);
        const full = printYaml(doc, indentSeq);
        if (hand === undefined) expect(spliced).toBe(full);
        // A pair printed again is printed as the full print does, with its limits (yaml writes " " as a literal
        // block that reads back as ""): the splice is held to reading back only where the full print does.
        if (isDeepStrictEqual(parseDocument(full, PARSE_OPTIONS).toJS(), doc.toJS()))
          expect(back.toJS()).toEqual(doc.toJS());
      },
    ),
    { numRuns: Number(process.env.SPLICE_RUNS ?? 1500) },
  );
  // The splice answered often enough for the property to mean something.
  expect(used).toBeGreaterThan(150);
});

it("splices added, removed and replaced pairs and appended items exactly as the full print writes them", () => {
  let used = 0;
  const edit = fc.tuple(fc.constantFrom("delete", "add", "replace", "push", "clear"), fc.nat(), key, tree);
  fc.assert(
    fc.property(tree, fc.boolean(), fc.array(edit, { minLength: 1, maxLength: 4 }), (t, indentSeq, edits) => {
      const text = printYaml(new Document({ root: t }), indentSeq);
      const doc = parseDocument(text, PARSE_OPTIONS);
      const shape = shapeOf(doc);
      const maps: YAMLMap[] = [];
      const seqs: YAMLSeq[] = [];
      visit(doc, { Map: (_, m) => void maps.push(m), Seq: (_, s) => void seqs.push(s) });
      for (const [kind, i, k, value] of edits) {
        const m = maps[i % maps.length]!;
        const s = seqs.length ? seqs[i % seqs.length]! : undefined;
        if (kind === "delete" && m.items.length) m.items.splice(i % m.items.length, 1);
        else if (kind === "add" && !m.has(k)) m.items.splice(i % (m.items.length + 1), 0, doc.createPair(k, value));
        else if (kind === "replace" && m.items.length) m.items[i % m.items.length]!.value = doc.createNode(value);
        else if (kind === "push" && s) s.items.push(doc.createNode(value));
        else if (kind === "clear" && s) s.items = [doc.createNode(value)];
      }
      const spliced = spliceChangedScalars(doc, text, shape, printOptions(indentSeq));
      if (spliced === undefined) return;
      used++;
      expect(spliced).toBe(printYaml(doc, indentSeq));
    }),
    { numRuns: Number(process.env.SPLICE_RUNS ?? 1500) },
  );
  expect(used).toBeGreaterThan(300);
});
