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

type Source = {
  name: string;
  where: (key: string, dir: string) => { args: string[]; env: Record<string, string>; label: string };
};

const SOURCES: Source[] = [
  {
    name: "-i FILE",
    where: (key, dir) => {
      const f = join(dir, "typo.agekey");
      writeFileSync(f, `# created: 2026-11-24\n# public key: age1…\n${key}\n`);
      return { args: ["-i", f], env: {}, label: `${f} (line 3)` };
    },
  },
  {
    name: "$VAULTFILE_AGE_KEY",
    where: (key) => ({ args: [], env: { VAULTFILE_AGE_KEY: key }, label: "$VAULTFILE_AGE_KEY (line 1)" }),
  },
  {
    name: "$SOPS_AGE_KEY",
    where: (key) => ({ args: [], env: { SOPS_AGE_KEY: key }, label: "$SOPS_AGE_KEY (line 1)" }),
  },
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
        expect(run.stderr, context).toMatch(
          new RegExp(`^vaultfile: error: invalid age identity in ${escapeRegExp(label)}: `),
        );
        expect(run.stdout, context).toBe("");
      }
    });
  }

  it("a bad checksum is named as such", async () => {
    const key = testKey("alice").secret;
    const last = key.at(-1) === "Q" ? "P" : "Q";
    const run = await runCli(["-f", vault.file, "status"], {
      cwd: vault.dir,
      tty: false,
      env: { SOPS_AGE_KEY: key.slice(0, -1) + last },
    });
    expect(run.stderr.split("\n")[0]).toBe(
      "vaultfile: error: invalid age identity in $SOPS_AGE_KEY (line 1): bad checksum",
    );
    expect(run.code).toBe(4);
  });
});

/**
 * Round 2, item 2: a key pasted into the variable meant for a key file's path or a key command (or given as `-i`)
 * was printed whole in "cannot read identity file …" and "command not found: …". Every path and program name from
 * a key source is shown through one redacting helper.
 */
const MISPLACED: {
  name: string;
  put: (key: string) => { args: string[]; env: Record<string, string> };
  error: RegExp;
}[] = [
  ...[
    "SOPS_AGE_KEY_FILE",
    "VAULTFILE_AGE_KEY_FILE",
    "SOPS_AGE_SSH_PRIVATE_KEY_FILE",
    "VAULTFILE_AGE_SSH_PRIVATE_KEY_FILE",
  ].map((v) => ({
    name: `$${v}`,
    put: (key: string) => ({ args: [], env: { [v]: key } }),
    error:
      /^vaultfile: error: cannot read identity file <not shown: it looks like a key>: does not exist\nvaultfile: hint: the path given looks like a key itself/,
  })),
  {
    name: "-i KEY",
    put: (key) => ({ args: ["-i", key], env: {} }),
    error: /^vaultfile: error: cannot read identity file <not shown: it looks like a key>: does not exist\n/,
  },
  ...[
    "SOPS_AGE_KEY_CMD",
    "VAULTFILE_AGE_KEY_CMD",
    "SOPS_AGE_SSH_PRIVATE_KEY_CMD",
    "VAULTFILE_AGE_SSH_PRIVATE_KEY_CMD",
  ].map((v) => ({
    name: `$${v}`,
    put: (key: string) => ({ args: [], env: { [v]: key } }),
    error: new RegExp(`^vaultfile: error: \\$${v}: command not found: <not shown: it looks like a key>\n`),
  })),
];

describe("a key given where its path or command belongs is never printed", () => {
  let vault: { dir: string; file: string };
  beforeEach(async () => {
    vault = await makeVault();
  });

  const bodies = (key: string) => [
    key,
    key.toLowerCase(),
    key.slice("AGE-SECRET-KEY-".length),
    `# created: 2026-11-24\n${key}\n`,
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n-----END OPENSSH PRIVATE KEY-----\n",
  ];
  for (const kind of ["alice", "pq-dana"] as const) {
    it(`${kind}: in every _FILE and _CMD variable and -i, as it is, lower case, without its prefix or as a file's text`, async () => {
      const key = testKey(kind).secret;
      for (const m of MISPLACED) {
        for (const [i, body] of bodies(key).entries()) {
          const { args, env } = m.put(body);
          const command = COMMANDS[i % COMMANDS.length]!;
          const run = await runCli([...args, "-f", vault.file, ...command], { cwd: vault.dir, tty: false, env });
          const context = `${m.name} ${command[0]} body ${i}`;
          expect(leaked(run, key), context).toBeUndefined();
          expect(leaked(run, key.toLowerCase()), context).toBeUndefined();
          expect(run.stderr, context).not.toContain("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9u");
          expect(run.stdout, context).toBe("");
          if (i === 0) expect(run.stderr, context).toMatch(m.error);
          expect(run.code, context).not.toBe(0);
        }
      }
    });
  }

  it("a path or a program name that is not key material is still named", async () => {
    const missing = join(vault.dir, "no-such.agekey");
    const file = await runCli(["-f", vault.file, "status"], {
      cwd: vault.dir,
      tty: false,
      env: { SOPS_AGE_KEY_FILE: missing },
    });
    expect(file.stderr.split("\n")[0]).toBe(`vaultfile: error: cannot read identity file ${missing}: does not exist`);
    const cmd = await runCli(["-f", vault.file, "status"], {
      cwd: vault.dir,
      tty: false,
      env: { SOPS_AGE_KEY_CMD: "no-such-key-program --x" },
    });
    expect(cmd.stderr.split("\n")[0]).toBe(
      "vaultfile: error: $SOPS_AGE_KEY_CMD: command not found: no-such-key-program",
    );
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
