/**
 * End to end in a real pseudo-terminal: the built CLI (`bin/vaultfile.cjs`), arrow keys, masked typing, Ctrl-C,
 * and scripted editors. After each run no plaintext temp directory may remain.
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, test } from "vitest";
import { cleanEnv, ROOT } from "../helpers.js";
import { makeVault, openAsAlice } from "../cli/edit/vaults.js";
import { KEYS, PtyRun } from "./pty.js";

const CLI_NOW = "2026-11-25T12:00:00Z";
const now = () => new Date(CLI_NOW);

async function start(extraArgs: string[] = [], env: Record<string, string> = {}) {
  const v = await makeVault();
  const before = readFileSync(v.file, "utf8");
  const p = new PtyRun(["edit", ...extraArgs, "-f", v.file, "--identity", v.identityFile], {
    cwd: v.dir,
    env: cleanEnv({ VAULTFILE_NOW: CLI_NOW, ...env }),
  });
  return { ...v, before, p };
}

/** An EDITOR script: logs its file argument to `<dir>/editor.log`, then runs `body`. */
function editorScript(dir: string, body: string): { editor: string; log: string } {
  const editor = join(dir, "editor.sh");
  const log = join(dir, "editor.log");
  writeFileSync(editor, `#!/bin/sh\necho "$1" >> '${log}'\n${body}\n`);
  chmodSync(editor, 0o755);
  return { editor, log };
}

/** A fresh vault and an EDITOR script with `body`; the CLI arguments to edit it with `--editor`. */
async function editorSetup(body: string) {
  const v = await makeVault();
  const { editor, log } = editorScript(v.dir, body);
  const args = ["edit", "--editor", "-f", v.file, "--identity", v.identityFile];
  return { ...v, editor, log, args, before: readFileSync(v.file, "utf8") };
}

/** The temp directories the editor was given (one per opening): all must be gone. */
function tempDirsOf(log: string): string[] {
  return readFileSync(log, "utf8")
    .trim()
    .split("\n")
    .map((f) => dirname(f));
}

describe("edit menu in a terminal", () => {
  test("arrow keys to a secret, hidden value typed twice, save: the file opens with the new value", async () => {
    const { p, file } = await start();
    try {
      // OLD_KEY is generic: any value fits its type.
      let m = await p.choose(/^OLD_KEY/, 0);
      m = await p.choose(/^change value$/, m);
      m = await p.choose(/^type it/, m);
      await p.waitFor("New value for OLD_KEY", m);
      m = p.type("typed-s3cret");
      await p.waitFor("Repeat the value", m);
      m = p.type("typed-s3cret");
      m = await p.choose(/^back$/, m);
      await p.waitFor("1 change not saved yet", m);
      m = await p.choose(/^save and quit$/, m);
      expect((await p.exit).exitCode).toBe(0);
      expect(p.screen).toContain("saved 1 change");
      // Nothing per character: stars would tell the value's length (issue 15, item 8).
      expect(p.screen).toContain("[input is masked]");
      expect(p.screen).not.toContain("*");
      expect(p.screen).not.toContain("typed-s3cret");
      expect((await openAsAlice(file, now)).get("OLD_KEY").value).toBe("typed-s3cret");
    } finally {
      p.kill();
    }
  });

  test("Ctrl-C mid-way: exit 130, the unsaved change is said to be discarded, the file is byte-identical", async () => {
    const { p, file, before } = await start();
    try {
      let m = await p.choose(/^OLD_KEY/, 0);
      m = await p.choose(/^delete$/, m);
      await p.waitFor("Delete OLD_KEY?", m);
      m = p.type("y");
      await p.waitFor("1 change not saved yet", m);
      p.write(KEYS.ctrlC);
      expect((await p.exit).exitCode).toBe(130);
      expect(p.screen).toMatch(/interrupted: 1 unsaved change discarded; .*was not changed/);
      expect(readFileSync(file, "utf8")).toBe(before);
    } finally {
      p.kill();
    }
  });
});

describe("edit --editor in a terminal", () => {
  test("a scripted editor that changes one value: saved, no temp file left", async () => {
    const v = await editorSetup(`sed -i 's/pypi-old-value/pypi-NEW/' "$1"`);
    const { log } = v;
    const p = new PtyRun(v.args, { cwd: v.dir, env: cleanEnv({ VAULTFILE_NOW: CLI_NOW, EDITOR: v.editor }) });
    expect((await p.exit).exitCode).toBe(0);
    expect((await openAsAlice(v.file, now)).get("PYPI_TOKEN").value).toBe("pypi-NEW");
    for (const d of tempDirsOf(log)) expect(existsSync(d)).toBe(false);
  });

  test("a scripted editor that changes nothing: exit 9, file untouched, no temp file left ($VISUAL wins)", async () => {
    const { args, dir, file, before, editor, log } = await editorSetup(":");
    const p = new PtyRun(args, {
      cwd: dir,
      env: cleanEnv({ VAULTFILE_NOW: CLI_NOW, EDITOR: "false", VISUAL: editor }),
    });
    expect((await p.exit).exitCode).toBe(9);
    expect(p.screen).toContain("nothing changed");
    expect(readFileSync(file, "utf8")).toBe(before);
    for (const d of tempDirsOf(log)) expect(existsSync(d)).toBe(false);
  });

  test("invalid YAML: the error with its line, reopen chosen with the arrow keys, fixed, saved", async () => {
    const v = await editorSetup(
      `if [ ! -e "$1.seen" ]; then touch "$1.seen"; sed -i 's/^required: .*/required: [/' "$1"; else sed -i -e 's/^required: \\[$/required: [NPM_TOKEN]/' "$1"; fi`,
    );
    const { log } = v;
    const p = new PtyRun(v.args, { cwd: v.dir, env: cleanEnv({ VAULTFILE_NOW: CLI_NOW, EDITOR: v.editor }) });
    try {
      const m = await p.waitFor("has an error");
      expect(m).toMatch(/invalid YAML: .*\(line \d+, column \d+\)/);
      await p.choose(/^reopen/, 0);
      expect((await p.exit).exitCode).toBe(0);
      expect((await openAsAlice(v.file, now)).required).toEqual(["NPM_TOKEN"]);
      expect(tempDirsOf(log)).toHaveLength(2);
      for (const d of tempDirsOf(log)) expect(existsSync(d)).toBe(false);
    } finally {
      p.kill();
    }
  });

  test("Ctrl-C while the editor runs: exit 130, file untouched, temp removed", async () => {
    const { args, dir, file, before, editor, log } = await editorSetup("sleep 30");
    const p = new PtyRun(args, { cwd: dir, env: cleanEnv({ VAULTFILE_NOW: CLI_NOW, EDITOR: editor }) });
    try {
      await waitForFile(log);
      p.write(KEYS.ctrlC);
      expect((await p.exit).exitCode).toBe(130);
      expect(p.screen).toMatch(/interrupted \(SIGINT\); .*was not changed/);
      expect(readFileSync(file, "utf8")).toBe(before);
      for (const d of tempDirsOf(log)) expect(existsSync(d)).toBe(false);
    } finally {
      p.kill();
    }
  });
});

test.each(["SIGTERM", "SIGINT"] as const)(
  "%s sent to vaultfile (no terminal) while the editor runs: editor and its children stopped, temp removed, exit 128 + N",
  async (signal) => {
    const { args, dir, file, before, editor, log } = await editorSetup(
      `sleep 30 & echo $! > "$(dirname "$0")/sleep.pid"; wait`,
    );
    const child = spawn(process.execPath, [join(ROOT, "bin", "vaultfile.cjs"), ...args], {
      cwd: dir,
      env: cleanEnv({ VAULTFILE_NOW: CLI_NOW, EDITOR: editor }),
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const pidFile = join(dir, "sleep.pid");
    await waitForFile(log);
    await waitForFile(pidFile);
    child.kill(signal);
    expect(await exited).toBe(signal === "SIGINT" ? 130 : 143);
    expect(stderr).toContain(`interrupted (${signal})`);
    expect(readFileSync(file, "utf8")).toBe(before);
    for (const d of tempDirsOf(log)) expect(existsSync(d)).toBe(false);
    expect(await stopped(Number(readFileSync(pidFile, "utf8"))), "the editor's own child is stopped too").toBe(true);
  },
);

/** True once `pid` is gone or a zombie (an orphan's reaper may be slow, or absent in a container). */
async function stopped(pid: number, timeoutMs = 2000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let state: string | undefined;
    try {
      state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
    } catch {
      return true;
    }
    if (state === "Z") return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitForFile(path: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path) || readFileSync(path, "utf8") === "") {
    if (Date.now() > deadline) throw new Error(`${path} did not appear`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
