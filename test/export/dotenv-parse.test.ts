import dotenv from "dotenv";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDotenv } from "../../src/export/dotenv-parse.js";
import { toDotenv } from "../../src/export/dotenv.js";
import { envArb, RUNS, valueArb } from "./arbitraries.js";

/** `.env`-like text: entries in every quoting, comments, blanks, `export`, CRLF, and raw troublesome text. */
const lineArb = fc.oneof(
  fc.tuple(fc.constantFrom("", "export ", "  "), fc.stringMatching(/^[\w.-]{1,6}$/), fc.constantFrom("=", " = ", ": "), fc.constantFrom("", "'", '"', "`"), valueArb, fc.constantFrom("", " # note", "  "))
    .map(([pre, name, eq, q, v, post]) => `${pre}${name}${eq}${q}${v}${q}${post}`),
  fc.constantFrom("# comment", "", "   ", "\r"),
  valueArb,
);
const textArb = fc.tuple(fc.array(lineArb, { maxLength: 8 }), fc.constantFrom("\n", "\r\n")).map(([lines, eol]) => lines.join(eol));

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
    expect(parseDotenv("B=1\nA='two words' # c\nexport C=\"x\\ny\"\nB=3\n")).toEqual([["B", "3"], ["A", "two words"], ["C", "x\ny"]]);
  });
});
