/** `--help` texts and README claims that a new user relies on, checked against the CLI itself (in-process, fast). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_TYPES } from "../../src/index.js";
import { runCli } from "./edit/cli-io.js";
import { ROOT, tempDir, testKey } from "../helpers.js";
import { writeVault } from "./lifecycle-support.js";

const README = readFileSync(join(ROOT, "README.md"), "utf8");
const help = async (...args: string[]) => {
  const r = await runCli([...args, "--help"], { cwd: tempDir(), tty: false });
  expect(r.code).toBe(0);
  return r.stdout;
};
/** README's bullet for a command under "## Commands" (up to the next bullet or paragraph). */
const bullet = (start: string): string => {
  const at = README.indexOf(`- \`${start}`);
  expect(at, start).toBeGreaterThan(-1);
  return README.slice(at, README.indexOf("\n- ", at + 1));
};
const exitRow = (code: number): string => README.split("\n").find((l) => l.startsWith(`| ${code} |`)) ?? "";

describe("--help", () => {
  it("the program's help ends with examples", async () => {
    expect(await help()).toMatch(/\nExamples:\n {2}vaultfile init\b[\s\S]*vaultfile COMMAND --help/);
  });

  it("set and rotate list every --generate alphabet, base64url included", async () => {
    for (const cmd of ["set", "rotate"])
      expect((await help(cmd)).replace(/\s+/g, " "), cmd).toMatch(
        /alnum:40, hex:64 \(characters\), base64:48, base64url:48 \(bytes\)/,
      );
  });

  it("exec names both exit codes of a command that cannot be started; decrypt says --json implies json output", async () => {
    const exec = (await help("exec")).replace(/\s+/g, " ");
    expect(exec).toContain("127 when it is not found, 126 when it cannot be run");
    expect(await help("decrypt")).toContain("--json implies --output-type json");
  });

  it("the program's help and README's Keys section list the whole key lookup, in the order the lookup reads it", async () => {
    const { KEY_VARIABLES } = await import("../../src/rules/env-danger.js");
    const keysSection = README.slice(README.indexOf("\n## Keys\n"), README.indexOf("\n### Finding the vault"));
    const order = [
      "--identity",
      ...KEY_VARIABLES,
      "sops/age/keys.txt",
      "vaultfile/keys.txt",
      "~/.ssh/id_ed25519",
      "~/.ssh/id_rsa",
    ];
    for (const [where, text] of [
      ["--help", await help()],
      ["README", keysSection],
    ] as const) {
      const at = order.map((o) => text.search(new RegExp(`(?<![A-Z_])${o.replace(/[.$~/]/g, "\\$&")}(?![A-Z_])`)));
      expect(
        at.every((i) => i >= 0),
        `${where}: ${order.filter((_, i) => at[i]! < 0).join(", ")}`,
      ).toBe(true);
      expect(at, where).toEqual([...at].sort((a, b) => a - b));
    }
  });

  it("recipients add and init say that SSH public keys are recipients, with an example", async () => {
    expect(await help("recipients", "add")).toContain('vaultfile recipients add carol "$(cat carol_id_ed25519.pub)"');
    expect((await help("recipients", "add")).replace(/\s+/g, " ")).toContain("or an ssh-ed25519 / ssh-rsa public key");
    expect((await help("init")).replace(/\s+/g, " ")).toContain('NAME="ssh-ed25519 AAAA…"');
  });

  it("import's examples use only real types", async () => {
    const types = [...(await help("import")).matchAll(/vaultfile import .*--type (\S+)/g)].map((m) => m[1]);
    expect(types.length).toBeGreaterThan(0);
    for (const t of types) expect(BUILTIN_TYPES.map((b) => b.id)).toContain(t);
  });
});

describe("small things a new user trips over (issue 15, item 8)", () => {
  it("list and ls are status; --warn-days shows its default without quotes", async () => {
    const dir = tempDir();
    const alice = testKey("alice");
    await writeVault(join(dir, ".secrets.yaml"), (v) => v.set("PYPI_TOKEN", "pypi-x", { expiresAt: "2027-06-01" }));
    const env = { VAULTFILE_AGE_KEY_FILE: alice.identityFile };
    const status = await runCli(["status"], { cwd: dir, tty: false, env });
    for (const alias of ["list", "ls"])
      expect(await runCli([alias], { cwd: dir, tty: false, env }), alias).toEqual(status);
    for (const c of ["status", "validate"]) {
      const h = await help(c);
      expect(h, c).toContain("(default: 30)");
      expect(h, c).not.toContain('"30"');
    }
    expect(await help()).toMatch(/status\|list\|ls|status\|list/);
  });

  it("set NAME VALUE says how to give the value (--stdin or the prompt), not only 'too many arguments'", async () => {
    for (const cmd of ["set", "rotate"]) {
      const r = await runCli([cmd, "FOO", "bar"], { cwd: tempDir(), tty: false });
      expect(r.code, cmd).toBe(2);
      expect(r.stderr, cmd).toContain("too many arguments");
      expect(r.stderr, cmd).toContain(
        `vaultfile: hint: the value is not an argument (it would land in shell history): printf '%s' "$VALUE" | vaultfile ${cmd} NAME --stdin, or type it at the hidden prompt\n`,
      );
      expect(r.stderr + r.stdout, cmd).not.toContain("bar");
    }
  });
});

describe("README", () => {
  it("runs every npx with --no-install, in the README and in every --help, and has an Install section (issue 15, item 3)", async () => {
    // A command line runs `npx WORD`; prose may name `npx` on its own.
    const npxLines = (text: string) => text.split("\n").filter((l) => /\bnpx /.test(l));
    const bare = (text: string) => npxLines(text).filter((l) => /\bnpx (?!--no-install )/.test(l));
    expect(npxLines(README).length).toBeGreaterThan(3);
    expect(bare(README)).toEqual([]);
    const commands = [...(await help()).matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!).filter((c) => c !== "help");
    expect(commands).toContain("exec");
    for (const c of ["", ...commands]) expect(bare(await help(...(c ? [c] : []))), c).toEqual([]);
    const install = README.slice(README.indexOf("## Install"), README.indexOf("## Quick start"));
    expect(install).toContain("npm i -D github:OWNER/vaultfile");
    expect(install).toContain("npm pack");
    expect(install).toMatch(/`prepare` script, which builds `dist\/`/);
  });

  it("runs the pre-commit hook with npx --no-install, so npx never fetches an unknown package", () => {
    const hook = README.split("\n").filter((l) => /\bnpx\b.*vaultfile check/.test(l));
    expect(hook.length).toBeGreaterThan(0);
    for (const l of hook) expect(l).toContain("npx --no-install vaultfile check");
  });

  it("says which files vaultfile opens, precisely, and has no leftover markers", () => {
    const intro = README.slice(0, README.indexOf("```"));
    expect(intro).not.toContain("vaultfile opens sops files");
    expect(intro).toMatch(/`vaultfile decrypt` opens any sops/);
    expect(README).not.toContain("<!-- commands -->");
  });

  it("documents exit 3 for a missing vault file and exit 8 for a merge conflict left in the file", () => {
    expect(exitRow(3)).toContain("the vault file does not exist");
    expect(exitRow(8)).toMatch(/`check`: an unresolved merge-conflict block/);
  });

  it("documents status: --warn-days, the where-to-rotate block and exactly the keys of --json", async () => {
    const doc = bullet("vaultfile status");
    expect(doc).toContain("[--warn-days 30]");
    expect(doc).toContain("`where to rotate:`");
    const documented = /`\[\{(.*?)\}\]`/
      .exec(doc)?.[1]
      ?.split(",")
      .map((k) => k.trim().replace(/"/g, ""));
    const dir = tempDir();
    await writeVault(join(dir, ".secrets.yaml"), (v) =>
      v.set("NPM_TOKEN", "npm_" + "a".repeat(36), { type: "npm", expiresAt: "2026-11-24T12:00:00Z" }),
    );
    const r = await runCli(["status", "--json"], {
      cwd: dir,
      tty: false,
      env: { VAULTFILE_AGE_KEY_FILE: testKey("alice").identityFile },
    });
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows[0]!.status).toBe("expired");
    expect(Object.keys(rows[0]!)).toEqual(documented);
  });
});
