import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument, visit } from "yaml";
import { describe, expect, it } from "vitest";
import { estimateYamlNodes } from "../../src/rules/limits.js";
import { FIXTURES } from "../helpers.js";

/** The nodes the YAML library builds (scalars, maps, seqs; not pairs). */
function realNodes(text: string): number {
  let n = 0;
  const doc = parseDocument(text, { uniqueKeys: false });
  visit(doc, { Scalar: () => void n++, Map: () => void n++, Seq: () => void n++ });
  return n;
}

describe("the node estimate checked before parsing", () => {
  it.each([
    ["flow list", "x: [0,0,0,0]\n"],
    ["flow map", "x: {a: 1, b: [2, 3], c: {}}\n"],
    ["block list", "x:\n- 0\n- 1\n- - 2\n  - 3\n"],
    ["block map", "a: b\nc:\n  d: e\n  f: 'g: h, i'\n"],
    ["quoted commas in flow", 'x: ["a,b,c", \'d,e\', "f\\"g,h"]\n'],
    ["a multi-line flow", "x: [\n  0,\n  1,\n  2\n]\n"],
  ])("is never below the real count and close to it: %s", (_what, text) => {
    const real = realNodes(text);
    const est = estimateYamlNodes(text);
    expect(est).toBeGreaterThanOrEqual(real);
    expect(est).toBeLessThanOrEqual(real * 2 + 2);
  });

  it("counts a vault about as the parser does (ENC[…] brackets and armor are no flow)", () => {
    for (const f of ["base.yaml", "many-stanzas.yaml"]) {
      const text = readFileSync(join(FIXTURES, "invalid", f), "utf8");
      const real = realNodes(text);
      const est = estimateYamlNodes(text);
      expect(est, f).toBeGreaterThanOrEqual(real);
      expect(est, f).toBeLessThan(real * 1.5 + 20);
    }
  });

  it("counts 1 MiB of `x: [0,0,…]` as the half million nodes it is", () => {
    const text = `secrets: {}\nx: [${Array(524_288).fill("0").join(",")}]\n`;
    expect(estimateYamlNodes(text)).toBeGreaterThanOrEqual(524_288);
    expect(estimateYamlNodes(text)).toBeLessThan(524_288 + 10);
  });
});
