/**
 * The tamper fuzzer's added kinds, kind by kind, each with the exit code it is documented to end with (README "Exit
 * codes"): YAML tags (6), nesting past the limit (6), a second sops rule or a pattern that is not RE2 (6), a
 * pathological `encrypted_regex` or custom type pattern (5: the MAC), and objects at the lock path (8). Every
 * instance is refused without printing a value or any part of the key; the CLI is run over a few of each kind.
 * 25 instances per kind by default, 400 with SLOW=1; SEED=n replays a run.
 */
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VaultfileError } from "../../src/errors.js";
import { openVaultText, updateVault } from "../../src/io/vault-file.js";
import type { Vault } from "../../src/vault/vault.js";
import { NOW, tempDir } from "../helpers.js";
import { KIND_EXIT, mutateKind } from "./mutations.js";
import { alice, cli, cliEnv, count, makeVault, Rng, SECRETS, seedFromEnv } from "./support.js";

const opts = { identities: [alice.secret], env: {}, now: () => NOW };
/** What must never be printed: the values, and any 8 characters of the key's body. */
const KEY_BODY = alice.secret.slice("AGE-SECRET-KEY-1".length);
function leaks(text: string): string | undefined {
  for (const v of Object.values(SECRETS)) if (text.includes(v)) return `the value ${v}`;
  for (let i = 0; i + 8 <= KEY_BODY.length; i++)
    if (text.includes(KEY_BODY.slice(i, i + 8))) return "a part of the key";
  return text.includes("AGE-SECRET-KEY") ? "a key" : undefined;
}

const runs = count(25, 400);
const seed = seedFromEnv();
/** The CLI is slow to start: it runs over the first few instances of each kind. */
const CLI_RUNS = 2;

describe(`tamper fuzzing, the added kinds (seed ${seed})`, () => {
  it.each(Object.entries(KIND_EXIT))(
    `%s: ${runs} instances are refused with exit %i, no value or key in the message`,
    async (kind, exit) => {
      const rng = new Rng(seed ^ kind.length);
      const dir = tempDir();
      const original = readFileSync(await makeVault(dir), "utf8");
      for (let i = 0; i < runs; i++) {
        const m = mutateKind(kind, original, rng);
        const where = `seed ${seed}, ${kind} #${i} (${m.what})`;
        expect(m.text, where).not.toBe(original);
        const err = await openVaultText(m.text, "v.yaml", opts).then(
          () => new Error("opened"),
          (e: unknown) => e,
        );
        expect(err, where).toBeInstanceOf(VaultfileError);
        const e = err as VaultfileError;
        expect(e.exitCode, `${where}: ${e.message}`).toBe(exit);
        expect(leaks(`${e.message} ${e.hint ?? ""}`), where).toBeUndefined();
        if (i < CLI_RUNS) {
          const file = join(dir, `m${i}.yaml`);
          writeFileSync(file, m.text);
          const r = await cli(["-f", file, "status"]);
          expect(r.code, `${where}: ${r.stderr}`).toBe(exit);
          expect(r.stderr, where).toMatch(/^vaultfile: error: /);
          expect(leaks(r.stdout + r.stderr), where).toBeUndefined();
          expect(readFileSync(file, "utf8"), where).toBe(m.text);
        }
      }
    },
    600_000,
  );
});

/** What can sit at `<vault>.lock` instead of a lock file: each a one-line `ln`, `mkdir` or `mkfifo` away. */
const LOCK_OBJECTS: Record<string, (lock: string, vault: string) => void> = {
  "a dangling symlink": (lock) => symlinkSync("/nonexistent/vaultfile-lock", lock),
  "a symlink to the vault": (lock, vault) => symlinkSync(vault, lock),
  "a symlink to a folder": (lock) => symlinkSync("/", lock),
  "a folder": (lock) => mkdirSync(lock),
  "a named pipe": (lock) => execFileSync("mkfifo", [lock]),
};

const kindOf = (path: string): string => {
  const st = lstatSync(path);
  return st.isSymbolicLink()
    ? `link to ${readlinkSync(path)}`
    : st.isDirectory()
      ? "folder"
      : st.isFIFO()
        ? "fifo"
        : "file";
};

describe("tamper fuzzing, objects at the lock path", () => {
  const writes: [string, (v: Vault) => void][] = [
    ["set", (v) => v.set("NEW_ONE", "new-HARDENING-canary-0")],
    ["rm", (v) => v.remove("API_KEY")],
    ["rotate", (v) => v.rotate("PYPI_TOKEN", "pypi-HARDENING-canary-next")],
  ];

  it.each(Object.keys(LOCK_OBJECTS))(
    "%s: every write is refused at once with exit 8, naming it; nothing followed, removed or written",
    async (object) => {
      const rng = new Rng(seed ^ object.length);
      const dir = tempDir();
      const vault = await makeVault(dir);
      const before = readFileSync(vault, "utf8");
      const lock = `${vault}.lock`;
      LOCK_OBJECTS[object]!(lock, vault);
      const there = kindOf(lock);
      for (let i = 0; i < Math.min(runs, 6); i++) {
        const [op, change] = rng.pick(writes);
        const where = `seed ${seed}, ${object}, ${op}`;
        const err = await updateVault(vault, opts, change).then(
          () => new Error("written"),
          (e: unknown) => e,
        );
        expect(err, where).toBeInstanceOf(VaultfileError);
        expect((err as VaultfileError).exitCode, where).toBe(8);
        expect((err as VaultfileError).message, where).toContain(lock);
        expect(
          leaks(`${(err as VaultfileError).message} ${(err as VaultfileError).hint ?? ""}`),
          where,
        ).toBeUndefined();
        expect(readFileSync(vault, "utf8"), where).toBe(before);
        expect(kindOf(lock), where).toBe(there);
      }
      const r = await cli(["-f", vault, "rm", "API_KEY"], { env: cliEnv({ VAULTFILE_LOCK_TIMEOUT_MS: "60000" }) });
      expect(r.code, r.stderr).toBe(8);
      expect(r.stderr).toMatch(/^vaultfile: error: cannot lock .*\.lock is /);
      expect(leaks(r.stdout + r.stderr)).toBeUndefined();
      expect(readFileSync(vault, "utf8")).toBe(before);
      expect(kindOf(lock)).toBe(there);
      expect(existsSync("/nonexistent/vaultfile-lock")).toBe(false);
    },
    120_000,
  );
});
