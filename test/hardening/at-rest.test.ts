/**
 * No plaintext at rest: a whole session of commands (keygen, init, set, rotate, get, status, validate, export,
 * decrypt, edit --editor, and failing commands) with unique secret values, after which the values appear in no
 * error output and in no file — in the project folder, the home folder, the temp folder or /dev/shm — except the
 * explicit export. Key files and exports are 0600 (also when an export replaces an existing 0644 file); the
 * `edit --editor` file is 0600 in a 0700 folder outside the project, and is gone after a normal exit and after
 * SIGINT.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NOW, tempDir } from "../helpers.js";
import { BIN, cli, start, type CliResult } from "./support.js";

/** Every regular file under `root` (following no links), with its path. */
function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  for (const e of readdirSync(root, { withFileTypes: true })) {
    const p = join(root, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Files under the roots whose bytes contain any of the values. */
function filesHolding(roots: readonly string[], values: readonly string[]): string[] {
  return roots.flatMap(filesUnder).filter((f) => {
    try {
      const text = readFileSync(f, "latin1");
      return values.some((v) => text.includes(v));
    } catch {
      return false; // vanished meanwhile (another test's temp file)
    }
  });
}

const mode = (p: string): number => statSync(p).mode & 0o777;

/** A project folder with its own home and temp folder, so every file a command writes can be found. */
function workspace(): { dir: string; home: string; tmp: string; env: NodeJS.ProcessEnv } {
  const root = tempDir();
  const [dir, home, tmp] = ["project", "home", "tmp"].map((d) => join(root, d));
  for (const d of [dir!, home!, tmp!]) mkdirSync(d);
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home!, ".config"),
    TMPDIR: tmp,
    VAULTFILE_NOW: NOW.toISOString(),
    VAULTFILE_AUDIT_LOG: join(home!, "audit.log"),
  };
  return { dir: dir!, home: home!, tmp: tmp!, env };
}

/** An editor that logs the file it was given with the file's and folder's modes, then optionally waits. */
function fakeEditor(dir: string, wait: boolean): { path: string; log: string } {
  const log = join(dir, "..", "editor.log");
  const path = join(dir, "..", wait ? "slow-editor.sh" : "editor.sh");
  writeFileSync(
    path,
    `#!/bin/sh\necho "$1 $(stat -c %a "$1") $(stat -c %a "$(dirname "$1")")" >> "${log}"\n${wait ? "sleep 20\n" : ""}`,
  );
  chmodSync(path, 0o755);
  return { path, log };
}

describe("no plaintext at rest", () => {
  it("a whole session leaves the values only in the vault (encrypted) and the explicit export", async () => {
    const w = workspace();
    const values = ["FIRST", "ROTATED", "OTHER", "MULTI\nLINE"].map(
      (k) => `atrest-${k}-${randomBytes(8).toString("hex")}`,
    );
    const [first, rotated, other, multi] = values as [string, string, string, string];
    const keyFile = join(w.home, "key.txt");
    const env = { ...w.env, VAULTFILE_AGE_KEY_FILE: keyFile };
    const run = async (args: string[], input?: string): Promise<CliResult> => {
      const r = await cli(args, { cwd: w.dir, env, input });
      for (const v of values) expect(r.stderr, `${args.join(" ")}: a value in stderr`).not.toContain(v);
      return r;
    };
    const ok = async (args: string[], input?: string): Promise<CliResult> => {
      const r = await run(args, input);
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      return r;
    };

    await ok(["keygen", "-o", keyFile]);
    expect(mode(keyFile)).toBe(0o600);
    await ok(["init", "--name", "alice"]);
    await ok(["set", "PYPI_TOKEN", "--stdin", "--expires-in", "90d"], first);
    await ok(["set", "MULTI", "--stdin"], multi);
    await ok(["rotate", "PYPI_TOKEN", "--stdin"], rotated);
    expect((await ok(["get", "PYPI_TOKEN"])).stdout).toContain(rotated); // asked for: on stdout only
    for (const args of [["status"], ["validate"], ["export", "--format", "json"], ["decrypt", ".secrets.yaml"]])
      await ok(args);
    // Failures must not echo what they were given or what they read.
    for (const [args, input] of [
      [["set", "bad-name", "--stdin"], other],
      [["set", "NEW", "--stdin", "--expires-at", "2020-01-01"], other],
      [["get", "PYPI_TOKN"]],
      [["rotate", "NOPE", "--stdin"], other],
      [["export", "--only", "NOPE"]],
    ] as [string[], string?][]) {
      const r = await run(args, input);
      expect(r.code, args.join(" ")).not.toBe(0);
      expect(r.stdout + r.stderr).not.toContain(other);
    }

    // An export replacing a world-readable file leaves it 0600.
    const exported = join(w.dir, ".env");
    writeFileSync(exported, "OLD=1\n");
    chmodSync(exported, 0o644);
    await ok(["export", "-o", exported]);
    expect(mode(exported)).toBe(0o600);
    expect(readFileSync(exported, "utf8")).toContain(rotated);

    // edit --editor without a change: its file is private and gone afterwards.
    const ed = fakeEditor(w.dir, false);
    const r = await cli(["edit", "--editor"], { cwd: w.dir, env: { ...env, EDITOR: ed.path, VISUAL: ed.path } });
    expect(r.code, r.stderr).toBe(9);
    const [tempFile, fileMode, dirMode] = readFileSync(ed.log, "utf8").trim().split(" ") as [string, string, string];
    expect([fileMode, dirMode]).toEqual(["600", "700"]);
    expect(tempFile.startsWith(w.dir)).toBe(false);
    expect(existsSync(tempFile)).toBe(false);

    const holding = filesHolding([w.dir, w.home, w.tmp, "/dev/shm"], values).map((f) => f.replace(w.dir, "$PROJECT"));
    expect(holding).toEqual(["$PROJECT/.env"]);
    // The old values are gone from the vault's history too: nothing of the first value survives a rotation.
    expect(readFileSync(join(w.dir, ".secrets.yaml"), "utf8")).not.toContain(first);
  }, 120_000);

  it("Ctrl-C (SIGINT to the process group) while the editor runs: the plaintext file is removed, the vault unchanged", async () => {
    const w = workspace();
    const value = `atrest-SIGINT-${randomBytes(8).toString("hex")}`;
    const keyFile = join(w.home, "key.txt");
    const env = { ...w.env, VAULTFILE_AGE_KEY_FILE: keyFile };
    for (const [args, input] of [
      [["keygen", "-o", keyFile]],
      [["init", "--name", "alice"]],
      [["set", "TOKEN", "--stdin"], value],
    ] as [string[], string?][]) {
      const r = await cli(args, { cwd: w.dir, env, input });
      expect(r.code, r.stderr).toBe(0);
    }
    const vault = join(w.dir, ".secrets.yaml");
    const before = readFileSync(vault, "utf8");
    const ed = fakeEditor(w.dir, true);
    const run = start([BIN, "edit", "--editor"], {
      cwd: w.dir,
      env: { ...env, EDITOR: ed.path, VISUAL: ed.path },
      detached: true,
    });
    const deadline = Date.now() + 15_000;
    while (!existsSync(ed.log) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    const tempFile = readFileSync(ed.log, "utf8").trim().split(" ")[0]!;
    expect(existsSync(tempFile)).toBe(true);
    // Ctrl-C on a terminal signals the whole foreground process group: vaultfile and the editor.
    const t0 = Date.now();
    process.kill(-run.child.pid!, "SIGINT");
    const r = await run.done;
    expect(Date.now() - t0).toBeLessThan(10_000); // it did not wait for the editor's 20 s
    expect(r.code).not.toBe(0);
    expect(r.stderr).not.toContain(value);
    expect(existsSync(tempFile)).toBe(false);
    expect(readFileSync(vault, "utf8")).toBe(before);
    expect(filesHolding([w.dir, w.home, w.tmp, "/dev/shm"], [value])).toEqual([]);
  }, 60_000);
});
