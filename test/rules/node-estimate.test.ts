import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument, visit } from "yaml";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { estimateYamlNodes } from "../../src/rules/limits.js";
import { FIXTURES } from "../helpers.js";
import { sampleVaultText } from "../vault/make.js";

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

/**
 * The estimate as first written, one character at a time: the skipping version must give the same count for every
 * text (the limit's verdict and its message carry the number).
 */
function charByChar(text: string): number {
  let nodes = 1;
  let flow = 0;
  let quote = 0;
  let valueStart = true;
  let lineCounted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === 92 && quote === 34) i++;
      else if (c === quote) quote = 0;
      continue;
    }
    if (c === 10) {
      valueStart = true;
      lineCounted = false;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) continue;
    if (c === 35 && valueStart) {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl - 1;
      continue;
    }
    const next = text.charCodeAt(i + 1);
    const spaceNext = next === 32 || next === 10 || next === 13 || Number.isNaN(next);
    if (!lineCounted && flow === 0) nodes++;
    lineCounted = true;
    if ((c === 91 || c === 123) && (valueStart || flow > 0)) {
      flow++;
      nodes += 2;
      valueStart = true;
    } else if ((c === 93 || c === 125) && flow > 0) {
      flow--;
      valueStart = false;
    } else if (c === 44 && flow > 0) {
      nodes++;
      valueStart = true;
    } else if ((c === 34 || c === 39) && (valueStart || flow > 0)) {
      quote = c;
      valueStart = false;
    } else if (c === 58 && (spaceNext || flow > 0)) {
      nodes++;
      valueStart = true;
    } else if ((c === 45 || c === 63) && spaceNext && valueStart) {
      nodes++;
      valueStart = true;
    } else {
      valueStart = false;
    }
  }
  return nodes;
}

describe("the estimate skips what cannot count, and counts as one character at a time would", () => {
  it("on random text made of the characters that matter", () => {
    const alphabet = [
      ..."\n\n  \t\r\"'\\#[]{},:-?ax",
      ...["ENC[", ": ", "- ", "'it''s'", '"a\\"b"', "\u2028", "\u00a0"],
      // Pieces of the line shapes counted whole.
      ...[
        "\nkey: ",
        "\n  key: value\n",
        "\n- key: ",
        '\n  k: "t"\n',
        "\n    YWdl+/=\n",
        "a:b",
        "\n-x\n",
        "\n|\n",
        '\nk: "a\\"\n',
      ],
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 120 }), (parts) => {
        const text = parts.join("");
        expect(estimateYamlNodes(text)).toBe(charByChar(text));
      }),
      { numRuns: 3000 },
    );
  });

  it("on every fixture and a generated vault", async () => {
    const files = readdirSync(join(FIXTURES, "invalid")).filter((f) => f.endsWith(".yaml"));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = readFileSync(join(FIXTURES, "invalid", f), "utf8");
      expect(estimateYamlNodes(text), f).toBe(charByChar(text));
    }
    const vault = await sampleVaultText();
    expect(estimateYamlNodes(vault)).toBe(charByChar(vault));
  });
});
