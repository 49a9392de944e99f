/** Runs the built CLI (`bin/vaultfile.cjs`) in temp folders, and builds vaults for the lifecycle command tests. */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Vault } from "../../src/vault/vault.js";
import { cleanEnv, clock, NOW, ROOT, tempDir, testKey } from "../helpers.js";
import { createVault } from "../../src/io/vault-file.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const BIN = join(ROOT, "bin", "vaultfile.cjs");

/** Runs `vaultfile ARGS` with stdin closed (or `input`), never on a terminal. */
export function vf(args: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv; input?: string }): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: opts.env,
    input: opts.input ?? "",
    encoding: "utf8",
    timeout: 20_000,
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export interface Workspace {
  dir: string;
  file: string;
  env: NodeJS.ProcessEnv;
  run(args: readonly string[], opts?: { input?: string; env?: Record<string, string> }): CliResult;
  text(): string;
}

/** A temp folder with alice's TEST-ONLY key in the environment and the clock fixed at {@link NOW}. */
export function workspace(extraEnv: Record<string, string> = {}): Workspace {
  const dir = tempDir();
  const env = cleanEnv({
    VAULTFILE_AGE_KEY_FILE: testKey("alice").identityFile,
    VAULTFILE_NOW: NOW.toISOString(),
    USER: "alice",
    ...extraEnv,
  });
  const file = join(dir, ".secrets.yaml");
  return {
    dir,
    file,
    env,
    run: (args, o = {}) =>
      vf(args, { cwd: dir, env: { ...env, ...o.env }, ...(o.input !== undefined ? { input: o.input } : {}) }),
    text: () => readFileSync(file, "utf8"),
  };
}

/** Writes a vault for alice (and bob) to `file` with the library, filled by `fill`. */
export async function writeVault(file: string, fill: (v: Vault) => void, withBob = false): Promise<void> {
  const recipients: Record<string, string> = { alice: testKey("alice").recipient };
  if (withBob) recipients.bob = testKey("bob").recipient;
  const v = await createVault(file, recipients, { now: clock });
  fill(v);
  await v.save();
}

/** The removed and added lines of `git diff --no-index --unified=0` between two texts. */
export function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
  const dir = tempDir();
  const [a, b] = [join(dir, "a.yaml"), join(dir, "b.yaml")];
  writeFileSync(a, before);
  writeFileSync(b, after);
  const diff = spawnSync("git", ["diff", "--no-index", "--unified=0", "--no-color", a, b], { encoding: "utf8" }).stdout;
  const lines = diff.split("\n");
  return {
    removed: lines.filter((l) => l.startsWith("-") && !l.startsWith("---")).map((l) => l.slice(1)),
    added: lines.filter((l) => l.startsWith("+") && !l.startsWith("+++")).map((l) => l.slice(1)),
  };
}
