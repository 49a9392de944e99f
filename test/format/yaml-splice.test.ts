import { describe, expect, it } from "vitest";
import { parseDocument, Scalar, YAMLMap, type YAMLSeq, type Document } from "yaml";
import { PARSE_OPTIONS, printOptions } from "../../src/format/yaml.js";
import { shapeOf, spliceChangedScalars } from "../../src/format/yaml-splice.js";

const HAND = `# hand-written, odd layout kept on purpose

top:   plain value     # a comment after lots of space
quoted: 'single'
block:
    nested:    "double"
    number: 42
    empty:

    list: [a, b]
    items:
      - name: one
        enc: |
          line one
          line two
tail: end
`;

function parsed(text = HAND): { doc: Document; shape: number[] } {
  const doc = parseDocument(text, PARSE_OPTIONS);
  return { doc, shape: shapeOf(doc) };
}

const splice = ({ doc, shape }: { doc: Document; shape: number[] }, text = HAND) =>
  spliceChangedScalars(doc, text, shape, printOptions(false));
const at = (doc: Document, ...path: (string | number)[]) => doc.getIn(path, true) as Scalar;

describe("splicing changed scalars into the parsed text", () => {
  it("returns the text unchanged when nothing changed", () => {
    expect(splice(parsed())).toBe(HAND);
  });

  it("replaces only the changed values' text; comments, blank lines, spacing and other styles stay", () => {
    const p = parsed();
    at(p.doc, "top").value = "new: needs quotes";
    at(p.doc, "quoted").value = "it's";
    at(p.doc, "block", "nested").value = "fresh";
    at(p.doc, "block", "items", 0, "name").value = "uno";
    const expected = HAND.replace("plain value", `"new: needs quotes"`)
      .replace("'single'", "'it''s'")
      .replace(`"double"`, `"fresh"`)
      .replace("name: one", "name: uno");
    expect(splice(p)).toBe(expected);
    // What the full print gives for the changed nodes themselves.
    const full = p.doc.toString(printOptions(false));
    for (const line of ['top: "new: needs quotes"', "quoted: 'it''s'", 'nested: "fresh"', "name: uno"])
      expect(full).toContain(line);
  });

  it("quotes a string that was parsed as a number, as the full print does", () => {
    const p = parsed();
    at(p.doc, "block", "number").value = "42";
    expect(splice(p)).toBe(HAND.replace("number: 42", 'number: "42"'));
  });

  it("applies a changed style alone", () => {
    const p = parsed();
    at(p.doc, "tail").type = Scalar.QUOTE_DOUBLE;
    expect(splice(p)).toBe(HAND.replace("tail: end", 'tail: "end"'));
  });

  it("leaves to the full print what it cannot place: moves, and additions or removals next to comments or blank lines", () => {
    const cases: [string, (doc: Document) => void][] = [
      ["added key (a blank line in that mapping)", (doc) => (doc.get("block", true) as YAMLMap).set("more", "x")],
      ["moved pair", (doc) => (doc.contents as YAMLMap).items.push((doc.contents as YAMLMap).items.shift()!)],
      ["new node in place of an old one (a comment on its line)", (doc) => doc.set("top", new Scalar("plain value"))],
      [
        "renamed key (a comment on its line)",
        (doc) => (((doc.contents as YAMLMap).items[0]!.key as Scalar).value = "peak"),
      ],
      ["flow sequence item (after a blank line)", (doc) => (at(doc, "block", "list", 0).value = "z")],
      ["value that prints on several lines (a comment on its line)", (doc) => (at(doc, "top").value = "two\nlines")],
      ["empty value (before a blank line)", (doc) => (at(doc, "block", "empty").value = "now set")],
    ];
    for (const [what, change] of cases) {
      const p = parsed();
      change(p.doc);
      expect(splice(p), what).toBeUndefined();
    }
  });

  it("splices additions, removals and pairs printed again, and keeps the rest of a hand-formatted text", () => {
    const cases: [string, (doc: Document) => void, string][] = [
      ["removed key", (doc) => doc.delete("quoted"), HAND.replace("quoted: 'single'\n", "")],
      [
        "node from another text",
        (doc) => doc.set("tail", parseDocument("x: elsewhere\n").get("x", true)),
        HAND.replace("tail: end", "tail: elsewhere"),
      ],
      [
        "block literal",
        (doc) => (at(doc, "block", "items", 0, "enc").value = "other\n"),
        HAND.replace("  enc: |\n          line one\n          line two\n", "  enc: |\n          other\n"),
      ],
      [
        "sequence item added",
        (doc) => (doc.getIn(["block", "items"], true) as YAMLSeq).add(new YAMLMap()),
        HAND.replace("tail: end", "      - {}\ntail: end"),
      ],
      ["key added at the end", (doc) => doc.set("after", "x"), `${HAND}after: x\n`],
    ];
    for (const [what, change, expected] of cases) {
      const p = parsed();
      change(p.doc);
      const out = splice(p);
      expect(out, what).toBe(expected);
      expect(parseDocument(out!, PARSE_OPTIONS).toJS(), what).toEqual(p.doc.toJS());
    }
  });
});
