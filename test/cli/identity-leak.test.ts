/**
 * Issue 12 item 1: a mistyped key is never printed. Every single-character substitution of a test key, at several
 * positions, fed through every place a key comes from, to the commands CI runs: the error is exit 4 with
 * `invalid age identity in <source> (line N): …`, and no 8-character run of the key appears in any output.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { makeVault } from "./edit/vaults.js";
import { runCli, type Run } from "./edit/cli-io.js";
import { testKey } from "../helpers.js";

const BECH32_UPPER = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
// The bech32 characters plus a few a hand slips into: not in the set (B I O 1), lower case, punctuation.
const SUBSTITUTES = [...BECH32_UPPER, "B", "I", "O", "1", "a", "-"];

/** Every 8-character run of `key` that holds key data (not only the public `AGE-SECRET-KEY-1` prefix): none may be printed. */
function runsOf(key: string): string[] {
  const out: string[] = [];
  const firstData = key.lastIndexOf("1") + 1;
  for (let i = Math.max(0, firstData - 7); i + 8 <= key.length; i++) out.push(key.slice(i, i + 8));
  return out;
}

function leaked(run: Run, key: string): string | undefined {
  const text = run.stdout + run.stderr;
  return runsOf(key).find((r) => text.includes(r));
}

/** Substitutions at the first data character, inside the data, the last data character and the checksum. */
function substitutions(key: string): string[] {
  const sep = key.lastIndexOf("1");
  const positions = [sep + 1, sep + 13, key.length - 7, key.length - 3, key.length - 1];
  const out: string[] = [];
  for (const p of positions) {
    for (const c of SUBSTITUTES) if (c !== key[p]) out.push(key.slice(0, p) + c + key.slice(p + 1));
  }
  return out;
}

type Source = { name: string; where: (key: string, dir: string) => { args: string[]; env: Record<string, string>; label: string } };

const SOURCES: Source[] = [
  {
    name: "-i FILE",
    where: (key, dir) => {
      const f = join(dir, "typo.agekey");
      writeFileSync(f, `# created: 2026-11-24\n# public key: age1…\n${key}\n`);
      return { args: ["-i", f], env: {}, label: `${f} (line 3)` };
    },
  },
  { name: "$VAULTFILE_AGE_KEY", where: (key) => ({ args: [], env: { VAULTFILE_AGE_KEY: key }, label: "$VAULTFILE_AGE_KEY (line 1)" }) },
  { name: "$SOPS_AGE_KEY", where: (key) => ({ args: [], env: { SOPS_AGE_KEY: key }, label: "$SOPS_AGE_KEY (line 1)" }) },
  {
    name: "the default key file",
    where: (key, dir) => {
      const config = join(dir, "config");
      mkdirSync(join(config, "sops", "age"), { recursive: true });
      const f = join(config, "sops", "age", "keys.txt");
      writeFileSync(f, `${key}\n`);
      return { args: [], env: { XDG_CONFIG_HOME: config }, label: `${f} (line 1)` };
    },
  },
];

const COMMANDS = [["status"], ["validate"], ["export", "--format", "dotenv"]];

describe("a mistyped identity is never printed", () => {
  let vault: { dir: string; file: string };
  beforeEach(async () => {
    vault = await makeVault();
  });

  for (const kind of ["alice", "pq-dana"] as const) {
    it(`${kind}: every substitution, every source, every command: exit 4, the source and line, no part of the key`, async () => {
      const key = testKey(kind).secret;
      const typos = substitutions(key);
      expect(typos.length).toBeGreaterThan(150);
      let i = 0;
      for (const typo of typos) {
        // Each typo through one source and one command in turn, so that every pair is covered many times over.
        const source = SOURCES[i % SOURCES.length]!;
        const command = COMMANDS[Math.floor(i / SOURCES.length) % COMMANDS.length]!;
        i++;
        const { args, env, label } = source.where(typo, vault.dir);
        const run = await runCli([...args, "-f", vault.file, ...command], { cwd: vault.dir, tty: false, env });
        const context = `${source.name} ${command[0]} ${typo.length}`;
        expect(leaked(run, typo), context).toBeUndefined();
        expect(leaked(run, key), context).toBeUndefined();
        expect(run.code, `${context}: ${run.stderr}`).toBe(4);
        expect(run.stderr, context).toMatch(new RegExp(`^vaultfile: error: invalid age identity in ${escapeRegExp(label)}: `));
        expect(run.stdout, context).toBe("");
      }
    });
  }

  it("a bad checksum is named as such", async () => {
    const key = testKey("alice").secret;
    const last = key.at(-1) === "Q" ? "P" : "Q";
    const run = await runCli(["-f", vault.file, "status"], { cwd: vault.dir, tty: false, env: { SOPS_AGE_KEY: key.slice(0, -1) + last } });
    expect(run.stderr.split("\n")[0]).toBe("vaultfile: error: invalid age identity in $SOPS_AGE_KEY (line 1): bad checksum");
    expect(run.code).toBe(4);
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
