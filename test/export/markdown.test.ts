import fc from "fast-check";
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { markdownCell, toMarkdownTable } from "../../src/export/markdown.js";
import type { ReportRow } from "../../src/export/report.js";
import { RUNS, valueArb } from "./arbitraries.js";

/** GFM as GitHub renders it, HTML allowed: so any HTML that got through would show up as html tokens. */
const md = new MarkdownIt({ html: true });

/** The table's body rows as the renderer sees them: each cell's plain text, and every token type inside it. */
function parseTable(text: string): { header: string[]; rows: string[][]; inlineTypes: Set<string> } {
  const tokens = md.parse(text, {});
  const inlineTypes = new Set<string>();
  const rows: string[][] = [];
  let row: string[] | undefined;
  for (const t of tokens) {
    if (t.type === "tr_open") rows.push((row = []));
    if (t.type === "inline" && row) {
      for (const c of t.children ?? []) inlineTypes.add(c.type);
      row.push((t.children ?? []).map((c) => c.content).join(""));
    }
  }
  expect(tokens.filter((t) => t.type === "table_open")).toHaveLength(1);
  return { header: rows[0]!, rows: rows.slice(1), inlineTypes };
}

const row = (over: Partial<ReportRow>): ReportRow => ({
  name: "PYPI_TOKEN",
  type: "pypi",
  expiresAt: "2027-06-01T00:00:00Z",
  daysUntilExpiry: 187,
  status: "ok",
  ...over,
});

describe("markdown report", () => {
  it("renders one row per secret with name, type, expires, days left, status and where to rotate", () => {
    const text = toMarkdownTable([
      row({
        name: "NPM_TOKEN",
        type: "npm",
        expiresAt: "2026-11-01T00:00:00Z",
        daysUntilExpiry: -25,
        status: "expired",
        rotateAt: "https://www.npmjs.com/settings/<user>/tokens (Generate New Token)",
      }),
      row({
        name: "DOCKER_PASSWORD",
        type: "docker",
        expiresAt: "2026-12-19T14:30:00Z",
        daysUntilExpiry: 1,
        status: "expiring",
      }),
      row({ name: "GITHUB_TOKEN", type: null, expiresAt: null, daysUntilExpiry: null, status: "missing" }),
      row({ name: "DOCKER_USERNAME", type: "docker", expiresAt: null, daysUntilExpiry: null, status: "ok" }),
    ]);
    const { header, rows, inlineTypes } = parseTable(text);
    expect(header).toEqual(["Name", "Type", "Expires", "Days left", "Status", "Where to rotate"]);
    expect(rows).toEqual([
      [
        "NPM_TOKEN",
        "npm",
        "2026-11-01",
        "-25",
        "EXPIRED",
        "https://www.npmjs.com/settings/<user>/tokens (Generate New Token)",
      ],
      ["DOCKER_PASSWORD", "docker", "2026-12-19", "1", "EXPIRING in 1 day", ""],
      ["GITHUB_TOKEN", "-", "-", "-", "MISSING", ""],
      ["DOCKER_USERNAME", "docker", "never", "-", "OK", ""],
    ]);
    expect([...inlineTypes].filter((t) => t !== "text" && t !== "text_special")).toEqual([]);
  });

  it("escapes hostile metadata: pipes, backticks, HTML, emphasis, links and newlines stay literal text in their cell", () => {
    const hostile =
      "a|b `code` <img src=x onerror=alert(1)> *em* _u_ ~~s~~ [l](http://x) ![i](y) &amp; \\| line\nbreak\r\nend";
    const { rows, inlineTypes } = parseTable(
      toMarkdownTable([row({ type: hostile, rotateAt: hostile, status: "due" })]),
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveLength(6);
    expect(rows[0]![1]).toBe(hostile.replace(/\r\n|\n/g, " "));
    expect(rows[0]![5]).toBe(hostile.replace(/\r\n|\n/g, " "));
    expect([...inlineTypes].filter((t) => t !== "text" && t !== "text_special")).toEqual([]);
  });

  it("any cell text renders as itself (line breaks as spaces, ends trimmed), never as markup", () => {
    fc.assert(
      fc.property(valueArb, (text) => {
        const { rows, inlineTypes } = parseTable(toMarkdownTable([row({ type: text, rotateAt: text })]));
        const expected = text.replace(/\r\n|[\u0000-\u001f\u007f\u2028\u2029]/g, " ").trim();
        expect(rows[0]).toHaveLength(6);
        expect(rows[0]![1]!.trim()).toBe(expected);
        expect([...inlineTypes].filter((t) => t !== "text" && t !== "text_special" && t !== "softbreak")).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  it("says so when there are no secrets, with an escaped title", () => {
    expect(toMarkdownTable([], { title: "deploy/.secrets.yaml" })).toBe(
      "### deploy/.secrets.yaml\n\nNo secrets yet.\n",
    );
    expect(markdownCell("a_b|c")).toBe("a\\_b\\|c");
  });
});
