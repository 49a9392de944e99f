/**
 * Issue 12 item 4: `sops.encrypted_regex: ^(a+)+$` and a key `aaaa…!` made `check`, `git textconv` (so `git diff`)
 * and the merge driver run for minutes (34 characters: over 120 s). With RE2 each answers at once; the child is
 * killed after a generous 30 s, so the old code fails this test instead of hanging the suite.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanEnv, tempDir, testKey } from "../helpers.js";
import { BIN } from "./support.js";

const KEY = "a".repeat(34) + "!";
const FILE = `secrets:
  X:
    ${KEY}: hi
sops:
  age: []
  lastmodified: "2026-11-24T10:00:00Z"
  mac: ENC[AES256_GCM,data:abc,iv:abc,tag:abc,type:str]
  encrypted_regex: ^(a+)+$
  version: 3.9.4
`;

function run(args: string[], cwd: string) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: cleanEnv({ VAULTFILE_AGE_KEY: testKey("alice").secret }),
    encoding: "utf8",
    timeout: 30_000,
  });
}

describe("a pathological encrypted_regex", () => {
  it("check, git textconv and git merge answer in bounded time", () => {
    const dir = tempDir();
    for (const f of ["v.yaml", "base.yaml", "theirs.yaml"]) writeFileSync(join(dir, f), FILE);
    for (const args of [
      ["check", "v.yaml"],
      ["git", "textconv", "v.yaml"],
      ["git", "merge", "base.yaml", "v.yaml", "theirs.yaml", "v.yaml"],
    ]) {
      const r = run(args, dir);
      expect(r.signal, `${args.join(" ")} was killed after 30 s`).toBeNull();
      expect(r.status, `${args.join(" ")}: ${r.stderr}`).not.toBe(70);
      expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    }
  }, 120_000);
});
