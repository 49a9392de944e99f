import { createRequire } from "node:module";
import dotenv from "dotenv";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { dotenvValue, toDotenv } from "../../src/export/dotenv.js";
import { envArb, errorOf, RUNS, valueArb } from "./arbitraries.js";

// dotenvx is CommonJS without types; its parse takes the text and the environment to expand against.
const dotenvx = createRequire(import.meta.url)("@dotenvx/dotenvx") as {
  parse(src: string, opts: { processEnv: Record<string, string> }): Record<string, string>;
};

/** The environment as each reader parses it. */
const readers: Record<string, (text: string) => Record<string, string>> = {
  dotenv: (t) => dotenv.parse(t),
  "dotenv (fast parser)": (t) => dotenv.parse(t, { fast: true }),
  dotenvx: (t) => dotenvx.parse(t, { processEnv: {} }),
};

/** Only the values with no exact dotenv form may fail, and only with the documented error. */
function writeOrRefuse(env: Record<string, string>): string | undefined {
  try {
    return toDotenv(env);
  } catch (err) {
    expect((err as Error).message).toMatch(/^cannot write \w+ in dotenv format exactly: its value has /);
    expect(Object.values(env).some((v) => dotenvValue(v) === undefined)).toBe(true);
    return undefined;
  }
}

describe("dotenv export", () => {
  for (const [reader, parse] of Object.entries(readers)) {
    it(`${reader} reads every value back exactly`, () => {
      let written = 0;
      fc.assert(
        fc.property(envArb(), (env) => {
          const text = writeOrRefuse(env);
          if (text === undefined) return;
          written++;
          expect(parse(text)).toEqual(env);
        }),
        { numRuns: RUNS },
      );
      expect(written).toBeGreaterThan(RUNS / 2);
    });
  }

  it("writes every value that has no single quote, carriage return or trailing backslash", () => {
    fc.assert(
      fc.property(valueArb, (v) => {
        fc.pre(!v.includes("'") && !v.includes("\r") && !v.endsWith("\\"));
        expect(dotenvValue(v)).toBeDefined();
      }),
      { numRuns: RUNS },
    );
  });

  it("picks the plainest form that holds the value", () => {
    expect(toDotenv({ A: "pypi-AgEIcHlwaS5vcmc", B: "" })).toBe("A=pypi-AgEIcHlwaS5vcmc\nB=''\n");
    expect(dotenvValue("two words")).toBe("'two words'");
    expect(dotenvValue("line 1\nline 2")).toBe("'line 1\nline 2'");
    expect(dotenvValue("it's")).toBe(`"it's"`);
    expect(dotenvValue("it's\nhere\r")).toBe(`"it's\\nhere\\r"`);
    expect(dotenvValue(`it's "x"`)).toBe('`it\'s "x"`');
    expect(dotenvValue(`it's "x" \`y\``)).toBe(`it's "x" \`y\``);
  });

  it("refuses a value no quoting holds, naming the secret and not the value", () => {
    const err = errorOf(() => toDotenv({ OK: "fine", TOKEN: `it's "x" \`y\`\nsecret-part` }));
    expect(err.message).toBe(
      "cannot write TOKEN in dotenv format exactly: its value has a ' character, a \" character, a ` character, a line break, which no dotenv quoting holds",
    );
    expect(err.message).not.toContain("secret-part");
    expect((err as { hint?: string }).hint).toMatch(/--format shell or --format json/);
  });

  it("names only the obstacles the value has, each once", () => {
    expect(errorOf(() => toDotenv({ PW: "it's $ecret" })).message).toBe(
      "cannot write PW in dotenv format exactly: its value has a ' character, a $ sign (dotenvx would expand it), which no dotenv quoting holds",
    );
    expect(errorOf(() => toDotenv({ PW: 'it\'s "#1" `x`' })).message).toBe(
      "cannot write PW in dotenv format exactly: its value has a ' character, a \" character, a ` character, a # character, which no dotenv quoting holds",
    );
  });

  it("refuses names that are not environment variables instead of renaming them", () => {
    expect(() => toDotenv({ "db.host": "x" })).toThrow(
      /cannot export "db.host": not a valid environment variable name/,
    );
  });
});
