/**
 * Issue 12, round 2, item 3: inputs well inside the size limit that made git's textconv (which git runs unasked on a
 * pull request) and `get` slow: 20,000 X25519 stanzas in one sops.age enc (2.9 MB: 50 s, an X25519 operation each)
 * and a flat `x: [0,0,…]` (1 MiB: 45 s and 1.1 GB in textconv; 8 MiB: over 120 s and 2.6 GB, all in the YAML
 * library's parser). Each is now refused before the costly work: 16 stanzas per enc, 200,000 YAML nodes per file.
 * The child is killed after a generous 30 s, so the old code fails this test instead of hanging the suite.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanEnv, FIXTURES, tempDir, testKey } from "../helpers.js";
import { withStanzas } from "./mutations.js";
import { BIN } from "./support.js";

function run(args: string[], cwd: string) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: cleanEnv({ VAULTFILE_AGE_KEY: testKey("alice").secret }),
    encoding: "utf8",
    timeout: 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

const base = readFileSync(join(FIXTURES, "invalid", "base.yaml"), "utf8");
const CASES = [
  {
    what: "20,000 extra stanzas in each enc",
    text: () => withStanzas(base, 20_000),
    error: "vaultfile: error: sops.age item 1 holds 20001 age stanzas, more than the limit of 16",
  },
  {
    what: "an 8 MiB flat flow list",
    text: () =>
      base.replace(
        /^required: /m,
        `x: [${Array(4 * 1024 * 1024)
          .fill("0")
          .join(",")}]\nrequired: `,
      ),
    error: /^vaultfile: error: \S*v\.yaml holds about 4,194,3\d\d YAML nodes, more than the limit of 200,000$/,
  },
];

describe("inputs that were slow inside the size limit", () => {
  it.each(CASES)(
    "$what: get and check refuse with exit 6, textconv and the merge driver answer, none hangs",
    ({ text, error }) => {
      const dir = tempDir();
      const file = text();
      for (const f of ["v.yaml", "base.yaml", "theirs.yaml"]) writeFileSync(join(dir, f), file);
      const get = run(["-f", "v.yaml", "get", "PYPI_TOKEN"], dir);
      expect(get.signal, "get was killed after 30 s").toBeNull();
      expect(get.status, get.stderr).toBe(6);
      expect(get.stdout).toBe("");
      const first = get.stderr.split("\n")[0]!;
      if (typeof error === "string") expect(first).toBe(error);
      else expect(first).toMatch(error);
      for (const args of [
        ["check", "v.yaml"],
        ["git", "textconv", "v.yaml"],
        ["git", "merge", "base.yaml", "v.yaml", "theirs.yaml", "v.yaml"],
      ]) {
        const r = run(args, dir);
        expect(r.signal, `${args.join(" ")} was killed after 30 s`).toBeNull();
        expect(r.status, `${args.join(" ")}: ${r.stderr}`).not.toBe(70);
        expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
        expect(r.stdout + r.stderr).not.toContain("pypi-CORPUS-canary");
      }
    },
    180_000,
  );
});
