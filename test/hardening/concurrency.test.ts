/**
 * Concurrent edits: the lock (src/io/lock.ts) serialises read-modify-write across processes. Twenty concurrent
 * writers on different names all land; a lock left by a SIGKILLed process (or an empty one left by a crash between
 * creating and writing it) does not block; a live holder makes a writer fail after the timeout with exit 8 and the
 * holder's pid, leaving the vault untouched.
 */
import { readFileSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers.js";
import { aliceOpts, cliEnv, count, expectOk, makeVault, start, tempFilesIn, type CliResult } from "./support.js";
import { writeArgs, writerKind } from "./writers.js";
import { openVault } from "../../src/io/vault-file.js";

const HOLDER = join(import.meta.dirname, "lock-holder.mjs");

/** Starts a process that holds the vault's lock; resolves once it does. */
async function holdLock(vault: string): Promise<{ pid: number; kill(): Promise<void> }> {
  const run = start([HOLDER, vault], { env: cliEnv() });
  await new Promise<void>((resolve, reject) => {
    run.child.stdout!.on("data", (d: string) => d.includes("locked") && resolve());
    void run.done.then((r) => reject(new Error(`lock holder exited: ${r.stderr}`)));
  });
  return {
    pid: run.child.pid!,
    kill: async () => {
      run.child.kill("SIGKILL");
      await run.done;
    },
  };
}

function setConcurrently(vault: string, names: readonly string[], env = cliEnv()): Promise<CliResult[]> {
  return Promise.all(
    names.map((n) => {
      const w = writeArgs("set", vault, n, `value-of-${n}`);
      return start(w.args, { env, input: w.input }).done;
    }),
  );
}

async function namesIn(vault: string): Promise<string[]> {
  return (await openVault(vault, aliceOpts)).list();
}

describe("concurrent edits", () => {
  const writers = count(20, 40);

  it(`${writers} concurrent set processes on different names all land, with a stale lock of a killed process in the way`, async () => {
    const dir = tempDir();
    const vault = await makeVault(dir);
    const before = await namesIn(vault);
    const dead = await holdLock(vault);
    await dead.kill(); // its lock file stays behind, naming a pid that no longer runs
    expect(JSON.parse(readFileSync(`${vault}.lock`, "utf8")).pid).toBe(dead.pid);

    const names = Array.from({ length: writers }, (_, i) => `CONCURRENT_${i}`);
    // A generous timeout: twenty writers queue behind each other on a busy CI machine.
    const results = await setConcurrently(vault, names, cliEnv({ VAULTFILE_LOCK_TIMEOUT_MS: "120000" }));
    for (const [i, r] of results.entries()) {
      expectOk(r, `writer ${i}`, `value-of-${names[i]}`);
    }
    const after = await namesIn(vault);
    expect(after.slice(0, before.length)).toEqual(before);
    expect([...after.slice(before.length)].sort()).toEqual([...names].sort());
    const v = await openVault(vault, aliceOpts);
    for (const n of names) expect(v.get(n).value).toBe(`value-of-${n}`);
    expect(tempFilesIn(dir)).toEqual([]);
    console.log(`concurrency: ${writers} concurrent ${writerKind("set")} all landed`);
  }, 120_000);

  it("a live holder makes a writer give up after VAULTFILE_LOCK_TIMEOUT_MS with exit 8 and the holder's pid", async () => {
    const dir = tempDir();
    const vault = await makeVault(dir);
    const before = readFileSync(vault);
    const holder = await holdLock(vault);
    try {
      const w = writeArgs("set", vault, "BLOCKED", "blocked-value");
      const t0 = Date.now();
      const r = await start(w.args, { env: cliEnv({ VAULTFILE_LOCK_TIMEOUT_MS: "300" }), input: w.input }).done;
      const took = Date.now() - t0;
      expect(r.code).toBe(8);
      expect(r.stderr.split("\n")[0]).toMatch(
        new RegExp(
          `^vaultfile: error: ${escapeRegExp(vault)} is locked by process ${holder.pid} on ${escapeRegExp(hostname())} since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z$`,
        ),
      );
      expect(r.stderr).not.toContain("blocked-value");
      expect(took).toBeLessThan(5_000); // the 10 s default was overridden
      expect(readFileSync(vault).equals(before)).toBe(true);
    } finally {
      await holder.kill();
    }
    // Once the holder is gone, the same write goes through.
    const w = writeArgs("set", vault, "BLOCKED", "blocked-value");
    const r = await start(w.args, { env: cliEnv({ VAULTFILE_LOCK_TIMEOUT_MS: "300" }), input: w.input }).done;
    expectOk(r, "after the holder is gone", w.input);
    expect(await namesIn(vault)).toContain("BLOCKED");
  }, 60_000);

  it("an empty lock file left by a crash blocks only while it is fresh", async () => {
    const dir = tempDir();
    const vault = await makeVault(dir);
    writeFileSync(`${vault}.lock`, ""); // created, never written: the creator died in between (or is about to write)
    const w = writeArgs("set", vault, "AFTER_EMPTY_LOCK", "empty-lock-value");
    const env = cliEnv({ VAULTFILE_LOCK_TIMEOUT_MS: "200" });
    const blocked = await start(w.args, { env, input: w.input }).done;
    expect(blocked.code).toBe(8);
    expect(blocked.stderr.split("\n")[0]).toBe(
      `vaultfile: error: ${vault} is locked by another process (its lock file holds no pid yet)`,
    );

    const old = (Date.now() - 60_000) / 1000;
    utimesSync(`${vault}.lock`, old, old);
    const r = await start(w.args, { env, input: w.input }).done;
    expectOk(r, "a normal write", w.input);
    expect(await namesIn(vault)).toContain("AFTER_EMPTY_LOCK");
  }, 60_000);
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
