import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { shellQuote, toShell } from "../../src/export/shell.js";
import { tempDir } from "../helpers.js";
import { envArb, errorOf, RUNS } from "./arbitraries.js";

const SHELLS = ["/bin/bash", "/bin/dash"].filter((s) => existsSync(s));

/** Sources `text` in `shell`, then prints each variable NUL-terminated: the environment as the shell sees it. */
function sourceIn(shell: string, file: string, text: string, names: string[]): Record<string, string> {
  writeFileSync(file, text);
  const script = `. "$1" && printf '%s\\0' ${names.map((n) => `"$${n}"`).join(" ")}`;
  const outBuf = execFileSync(shell, ["-c", names.length ? script : `. "$1"`, "sh", file], {
    env: { PATH: process.env.PATH, LC_ALL: "C" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const values = outBuf.toString("utf8").split("\0").slice(0, names.length);
  return Object.fromEntries(names.map((n, i) => [n, values[i]!]));
}

describe("shell export", () => {
  it("has both shells to test with", () => {
    expect(SHELLS).toContain("/bin/bash");
    expect(SHELLS).toContain("/bin/dash");
  });

  for (const shell of SHELLS) {
    it(`${shell} sources the output and sees every value exactly`, () => {
      const file = join(tempDir(), "env.sh");
      fc.assert(
        fc.property(envArb("VF_"), (env) => {
          expect(sourceIn(shell, file, toShell(env), Object.keys(env))).toEqual(env);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it("exports the variables to child processes, not only to the shell", () => {
    const file = join(tempDir(), "env.sh");
    writeFileSync(file, toShell({ VF_A: "it's $HOME `id`\nline 2" }));
    const out = execFileSync(
      "/bin/sh",
      ["-c", `. "$1" && node -e 'process.stdout.write(process.env.VF_A)'`, "sh", file],
      { env: { PATH: process.env.PATH }, stdio: ["ignore", "pipe", "pipe"] },
    );
    expect(out.toString()).toBe("it's $HOME `id`\nline 2");
  });

  it("writes a single quote as close, escaped quote, reopen", () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(toShell({ A: "x", B: "" })).toBe("export A='x'\nexport B=''\n");
  });

  it("refuses a NUL character and bad names, naming the secret only", () => {
    expect(() => toShell({ TOKEN: "abc\0def" })).toThrow(
      /cannot export TOKEN as shell: its value contains a NUL character/,
    );
    expect(errorOf(() => toShell({ TOKEN: "abc\0def" })).message).not.toContain("abc");
    expect(() => toShell({ "1BAD": "v" })).toThrow(/not a valid environment variable name/);
  });
});
