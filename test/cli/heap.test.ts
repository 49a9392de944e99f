/**
 * The CLI keeps V8's new space at its starting size (cli/heap.ts): otherwise a big vault's trees make V8 grow it to
 * 32–64 MiB a semi-space, which stays resident. Seen from outside: a preload module that, when the process exits,
 * allocates long-lived objects (as opening a big vault does) and reports the new space's size.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { cleanEnv, ROOT, tempDir, testKey } from "../helpers.js";

const BIN = join(ROOT, "bin", "vaultfile.js");
const MiB = 1024 * 1024;

/** At exit: some 70 MiB of objects that survive every scavenge, then the new space's size on stderr. */
const PRESSURE = `
import v8 from "node:v8";
process.on("exit", () => {
  const keep = [];
  for (let i = 0; i < 600000; i++) keep.push({ a: i, b: "x" + i, c: [i] });
  const ns = v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
  process.stderr.write("new_space=" + ns.space_size + "\\n");
});
`;

/** The new space's size after the pressure, in a node running `args` (`VAULT`: a copy of the example vault). */
function newSpaceAfter(args: string[], input = ""): number {
  const dir = tempDir();
  const preload = join(dir, "pressure.mjs");
  writeFileSync(preload, PRESSURE);
  const vault = join(dir, "vault.yaml");
  copyFileSync(join(ROOT, ".secrets.example.yaml"), vault);
  const cmd = args.map((a) => (a === "VAULT" ? vault : a));
  const result = spawnSync(process.execPath, ["--import", pathToFileURL(preload).href, ...cmd], {
    env: cleanEnv({ VAULTFILE_NOW: "2026-11-24T10:00:00Z" }),
    input,
    encoding: "utf8",
  });
  expect(result.status, result.stderr).toBe(0);
  const m = /new_space=(\d+)/.exec(result.stderr);
  expect(m, result.stderr).not.toBeNull();
  return Number(m![1]);
}

describe("the CLI's young generation", () => {
  const id = ["--identity", testKey("alice").identityFile];

  it("grows under that pressure in a plain node (the check is not blind)", () => {
    expect(newSpaceAfter(["-e", "0"])).toBeGreaterThan(16 * MiB);
  });

  it("stays small in a command that reads the vault and in one that changes it", () => {
    expect(newSpaceAfter([BIN, "export", "--format", "dotenv", "-f", "VAULT", ...id])).toBeLessThanOrEqual(8 * MiB);
    const rotate = [BIN, "rotate", "DOCKER_USERNAME", "--stdin", "-f", "VAULT", ...id];
    expect(newSpaceAfter(rotate, "new-name\n")).toBeLessThanOrEqual(8 * MiB);
  });
});
