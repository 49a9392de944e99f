/**
 * bin/vaultfile.js keeps V8's compiled code on Node >= 22.1 (Node 20 has no compile cache: skipped there; CI runs the
 * suite on Node 24 too). Only in a folder of the user's own that nobody else can write to.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, statSync } from "node:fs";
import module from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, tempDir } from "../helpers.js";

const BIN = join(ROOT, "bin", "vaultfile.js");
const hasCache =
  typeof (module as { enableCompileCache?: unknown }).enableCompileCache === "function" && process.getuid !== undefined;

function run(tmp: string): string {
  return execFileSync(process.execPath, [BIN, "--version"], {
    env: { PATH: process.env.PATH, HOME: tmp, TMPDIR: tmp },
    encoding: "utf8",
  });
}

describe.skipIf(!hasCache)("compile cache", () => {
  it("is written to an owner-only folder of this user's", () => {
    const tmp = tempDir();
    expect(run(tmp).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const dir = join(tmp, `vaultfile-compile-cache-${process.getuid!()}`);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir).length).toBeGreaterThan(0);
  });

  it("is not used when that folder is writable by others (someone could plant code there)", () => {
    const tmp = tempDir();
    const dir = join(tmp, `vaultfile-compile-cache-${process.getuid!()}`);
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    expect(run(tmp).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
