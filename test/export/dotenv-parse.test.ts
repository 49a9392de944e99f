import dotenv from "dotenv";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDotenv, readDotenv } from "../../src/export/dotenv-parse.js";
import { toDotenv } from "../../src/export/dotenv.js";
import { envArb, RUNS, valueArb } from "./arbitraries.js";

/** `.env`-like text: entries in every quoting, comments, blanks, `export`, CRLF, and raw troublesome text. */
const lineArb = fc.oneof(
  fc
    .tuple(
      fc.constantFrom("", "export ", "  "),
      fc.stringMatching(/^[\w.-]{1,6}$/),
      fc.constantFrom("=", " = ", ": "),
      fc.constantFrom("", "'", '"', "`"),
      valueArb,
      fc.constantFrom("", " # note", "  "),
    )
    .map(([pre, name, eq, q, v, post]) => `${pre}${name}${eq}${q}${v}${q}${post}`),
  fc.constantFrom("# comment", "", "   ", "\r"),
  valueArb,
);
const textArb = fc
  .tuple(fc.array(lineArb, { maxLength: 8 }), fc.constantFrom("\n", "\r\n"))
  .map(([lines, eol]) => lines.join(eol));

describe("parseDotenv", () => {
  it("reads any text exactly as the dotenv package does", () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const expected = dotenv.parse(text);
        expect(Object.fromEntries(parseDotenv(text))).toEqual({ ...expected });
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("reads back what export --format dotenv writes, in order", () => {
    fc.assert(
      fc.property(envArb(), (env) => {
        let text: string;
        try {
          text = toDotenv(env);
        } catch {
          return; // no exact dotenv form: covered in dotenv.test.ts
        }
        expect(parseDotenv(text)).toEqual(Object.entries(env));
      }),
      { numRuns: RUNS },
    );
  });

  it("keeps file order, the last repeat of a name winning", () => {
    expect(parseDotenv("B=1\nA='two words' # c\nexport C=\"x\\ny\"\nB=3\n")).toEqual([
      ["B", "3"],
      ["A", "two words"],
      ["C", "x\ny"],
    ]);
  });
});

describe("readDotenv notes (issue 15, item 2)", () => {
  const read = (text: string) => readDotenv(text);
  it("notes where dotenv's value is not what the line seems to say, as dotenv itself reads it", () => {
    const text = [
      "HASH=abc#def",
      "SPACED=abc #def",
      'X="say \\"hi\\""',
      'NL="a\\nb"',
      "S='it\\'s'",
      "FOO bar",
      "A=1",
      "A=2",
      "# note",
      "",
      'M="one',
      'two"',
    ].join("\n");
    const { entries, notes } = read(text);
    const parsed = dotenv.parse(text);
    expect(Object.fromEntries(entries)).toEqual({ ...parsed });
    expect(parsed.HASH).toBe("abc"); // the comment cut is dotenv's, not ours
    expect(parsed.X).toBe('say \\"hi\\"');
    expect(notes).toEqual([
      { kind: "comment", line: 1, name: "HASH" },
      { kind: "backslash", line: 3, name: "X" },
      { kind: "backslash", line: 5, name: "S" },
      { kind: "skipped", line: 6 },
      { kind: "repeated", line: 8, name: "A" },
    ]);
  });

  it("has no notes for what dotenv reads as written, CRLF and export prefixes included", () => {
    expect(
      read("A=plain\r\nexport B='single # not a comment'\r\nC=\"x\\ny\"  # comment\r\n  D = spaced  \r\nE=\n").notes,
    ).toEqual([]);
  });
});
