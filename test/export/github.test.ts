import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeCommandData, maskLines, toGithub } from "../../src/export/github.js";
import { envArb, RUNS } from "./arbitraries.js";

/**
 * `$GITHUB_ENV` as the Actions runner reads it (actions/runner, SetEnvFileCommand on Linux): lines end at `\n`;
 * `NAME=value` sets a one-line value; `NAME<<DELIM` takes the following lines up to one that equals DELIM exactly,
 * the value being the text between, without the newline before the delimiter line.
 */
function parseGithubEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  let index = 0;
  const readLine = (): { line: string; newline: boolean } | undefined => {
    if (index >= text.length) return undefined;
    const lf = text.indexOf("\n", index);
    const start = index;
    if (lf < 0) {
      index = text.length;
      return { line: text.slice(start), newline: false };
    }
    index = lf + 1;
    return { line: text.slice(start, lf), newline: true };
  };
  for (let l = readLine(); l !== undefined; l = readLine()) {
    if (l.line === "") continue;
    const eq = l.line.indexOf("=");
    const heredoc = l.line.indexOf("<<");
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      env[l.line.slice(0, eq)] = l.line.slice(eq + 1);
      continue;
    }
    if (heredoc <= 0) throw new Error(`invalid line ${JSON.stringify(l.line)}`);
    const [name, delimiter] = [l.line.slice(0, heredoc), l.line.slice(heredoc + 2)];
    if (delimiter === "") throw new Error("empty delimiter");
    const start = index;
    let end = start;
    for (let v = readLine(); ; v = readLine()) {
      if (v === undefined) throw new Error(`matching delimiter not found '${delimiter}'`);
      if (v.line === delimiter) break;
      if (!v.newline) throw new Error("EOF marker missing new line");
      end = index - 1;
    }
    env[name] = text.slice(start, end);
  }
  return env;
}

const unescapeCommandData = (s: string): string =>
  s.replaceAll("%0D", "\r").replaceAll("%0A", "\n").replaceAll("%25", "%");

describe("github export", () => {
  it("the runner's $GITHUB_ENV rules read every value back exactly", () => {
    fc.assert(
      fc.property(envArb(), (env) => {
        const text = toGithub(env).env;
        expect(parseGithubEnv(text)).toEqual(env);
        // Appended after another step's line, it still reads the same.
        expect(parseGithubEnv(`OTHER=1\n${text}`)).toEqual({ OTHER: "1", ...env });
      }),
      { numRuns: RUNS },
    );
  });

  it("masks every non-blank line of every value, escaped as one command line each", () => {
    fc.assert(
      fc.property(envArb(), (env) => {
        const masks = toGithub(env).masks;
        const lines = masks === "" ? [] : masks.slice(0, -1).split("\n");
        for (const line of lines) expect(line).toMatch(/^::add-mask::[^\r]+$/);
        const masked = new Set(lines.map((l) => unescapeCommandData(l.slice("::add-mask::".length))));
        for (const value of Object.values(env)) {
          for (const piece of value.split(/\r\n|\n|\r/))
            if (piece.trim() !== "") expect(masked).toContain(piece.trim());
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("uses a fresh random delimiter per value, and another one when it occurs in the value", () => {
    const { env } = toGithub({ A: "x", B: "y" });
    const delimiters = [...env.matchAll(/^[AB]<<(.+)$/gm)].map((m) => m[1]);
    expect(delimiters).toHaveLength(2);
    expect(delimiters[0]).toMatch(/^VAULTFILE_EOF_[0-9a-f]{32}$/);
    expect(delimiters[0]).not.toBe(delimiters[1]);

    const offered = ["EOF", "EOF2"];
    const out = toGithub({ A: "line\nEOF\nmore" }, { delimiter: () => offered.shift()! });
    expect(out.env).toBe("A<<EOF2\nline\nEOF\nmore\nEOF2\n");
    expect(parseGithubEnv(out.env)).toEqual({ A: "line\nEOF\nmore" });
  });

  it("writes masks one per line of a multi-line value", () => {
    expect(toGithub({ KEY: "-----BEGIN-----\n  abc%\r\n\n-----END-----\n" }).masks).toBe(
      "::add-mask::-----BEGIN-----\n::add-mask::abc%25\n::add-mask::-----END-----\n",
    );
    expect(maskLines(" \n\t")).toEqual([]);
    expect(escapeCommandData("a%b\r\nc")).toBe("a%25b%0D%0Ac");
  });

  it("refuses a NUL character and bad names", () => {
    expect(() => toGithub({ A: "\0" })).toThrow(/cannot export A as github: its value contains a NUL character/);
    expect(() => toGithub({ "A-B": "x" })).toThrow(/not a valid environment variable name/);
  });
});
