/** `vaultfile edit --editor` in-process, with small shell scripts as EDITOR. */
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { setPrompter, type Prompter } from "../../src/cli/prompts.js";
import { tempDir, testKey } from "../helpers.js";
import { CLI_NOW, runCli } from "./cli-io.js";
import { scriptedPrompter, type Step } from "./fake-prompter.js";
import { makeVault, openAsAlice } from "./vaults.js";

const now = () => new Date(CLI_NOW);
let previous: Prompter | undefined;
afterEach(() => {
  if (previous) setPrompter(previous);
  previous = undefined;
});

/**
 * Runs `edit --editor` with EDITOR = a shell script whose body is `body` ($1 is the file). The script also
 * records the file's path and the modes of the file and its directory, to check them afterwards.
 */
async function editWith(body: string, opts: { tty?: boolean; steps?: Step[]; env?: Record<string, string> } = {}) {
  const { dir, file, identityFile } = await makeVault();
  const editor = join(dir, "editor.sh");
  const log = join(dir, "editor.log");
  writeFileSync(editor, `#!/bin/sh\nset -e\necho "$1 $(stat -c %a "$1") $(stat -c %a "$(dirname "$1")")" >> '${log}'\n${body}\n`);
  chmodSync(editor, 0o755);
  const before = readFileSync(file, "utf8");
  const script = scriptedPrompter(opts.steps ?? []);
  previous = setPrompter(script.prompter);
  const run = await runCli(["edit", "--editor", "-f", file, "--identity", identityFile], { cwd: dir, tty: opts.tty ?? false, env: { EDITOR: editor, ...opts.env } });
  script.done();
  const calls = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n").map((l) => l.split(" ")) : [];
  return { ...run, file, dir, before, after: readFileSync(file, "utf8"), calls };
}

/** The ENC[] line of one secret's value. */
const valueLine = (text: string, name: string) => text.split(`  ${name}:\n`)[1]!.split("\n")[0];

describe("edit --editor", () => {
  test("one changed value: saved, only that entry re-encrypted, temp file 0600 in a 0700 dir, then removed", async () => {
    const r = await editWith(`sed -i 's/npm-value/npm-NEW/' "$1"`);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("saved 1 change");
    expect((await openAsAlice(r.file, now)).get("NPM_TOKEN").value).toBe("npm-NEW");
    expect(valueLine(r.after, "NPM_TOKEN")).not.toBe(valueLine(r.before, "NPM_TOKEN"));
    for (const other of ["PYPI_TOKEN", "OLD_KEY"]) expect(valueLine(r.after, other)).toBe(valueLine(r.before, other));
    const [path, fileMode, dirMode] = r.calls[0]!;
    expect([fileMode, dirMode]).toEqual(["600", "700"]);
    if (existsSync("/dev/shm")) expect(path).toMatch(/^\/dev\/shm\/vaultfile-edit-/);
    expect(existsSync(join(path!, ".."))).toBe(false);
  });

  test("nothing changed: exit 9, a note, the file untouched, no temp left", async () => {
    const r = await editWith(":");
    expect(r.code).toBe(9);
    expect(r.stderr).toMatch(/note: nothing changed; .* was not changed/);
    expect(r.after).toBe(r.before);
    expect(existsSync(join(r.calls[0]![0]!, ".."))).toBe(false);
  });

  test("a change of layout only (comments, quoting) is nothing changed too", async () => {
    const r = await editWith(`sed -i -e '/^#/d' -e 's/type: npm/type: "npm"/' "$1"`);
    expect(r.code).toBe(9);
    expect(r.after).toBe(r.before);
  });

  test("metadata, required, deletion, addition and a recipient in one edit", async () => {
    const bob = testKey("bob");
    const r = await editWith(
      [
        `sed -i -e 's/type: npm/type: registry/' -e 's/^required: .*/required: [NPM_TOKEN]/' "$1"`,
        `sed -i -e '/^  OLD_KEY:/,/^  [A-Z]/{/^  OLD_KEY:/d;/^    /d}' "$1"`,
        `sed -i -e 's/^secrets:$/secrets:\\n  NEW_ONE:\\n    value: "0123"\\n    expires_at: 2027-01-31\\n    rotate_every: 90d/' "$1"`,
        `printf '  bob: ${bob.recipient}\\n' >> "$1"`,
      ].join("\n"),
    );
    expect(r.stderr).toContain("saved");
    expect(r.code).toBe(0);
    const v = await openAsAlice(r.file, now);
    expect(v.list()).toEqual(["PYPI_TOKEN", "NPM_TOKEN", "NEW_ONE"]);
    expect(v.get("NPM_TOKEN").type).toBe("registry");
    expect(valueLine(r.after, "NPM_TOKEN")).toBe(valueLine(r.before, "NPM_TOKEN"));
    expect(v.get("NEW_ONE")).toMatchObject({ value: "0123", type: "generic" });
    expect(v.get("NEW_ONE").expiresAt?.toISOString()).toBe("2027-01-31T00:00:00.000Z");
    expect(v.required).toEqual(["NPM_TOKEN"]);
    expect(Object.keys(v.recipients())).toEqual(["alice", "bob"]);
  });

  test("invalid fields without a terminal: the error with its line, exit 6, file untouched", async () => {
    const r = await editWith(`sed -i 's/expires_at: "2026-12-04T10:00:00Z"/expires_at: 2026-02-30/' "$1"`);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/error: NPM_TOKEN\.expires_at: invalid date "2026-02-30" \(line \d+, column \d+\)/);
    expect(r.stderr).not.toContain("npm-value");
    expect(r.after).toBe(r.before);
    expect(existsSync(join(r.calls[0]![0]!, ".."))).toBe(false);
  });

  test("invalid YAML on a terminal: reopen the editor, fix it, saved", async () => {
    // First run breaks the YAML, second run repairs it and changes a value.
    const r = await editWith(
      `if [ ! -e "$1.broken" ]; then touch "$1.broken"; sed -i 's/^required: .*/required: [/' "$1"; else sed -i -e 's/^required: \\[$/required: []/' -e 's/old-value/new-old/' "$1"; fi`,
      { tty: true, steps: [{ select: /has an error/, pick: /reopen/ }] },
    );
    expect(r.stderr).toMatch(/error: invalid YAML: .*\(line \d+, column \d+\)/);
    expect(r.code).toBe(0);
    expect(r.calls).toHaveLength(2);
    const v = await openAsAlice(r.file, now);
    expect(v.get("OLD_KEY").value).toBe("new-old");
    expect(v.required).toEqual([]);
  });

  test("invalid on a terminal, then abort: exit 9, file untouched", async () => {
    const r = await editWith(`sed -i 's/^  NPM_TOKEN:/  npm-token:/' "$1"`, { tty: true, steps: [{ select: /has an error/, pick: /abort/ }] });
    expect(r.stderr).toMatch(/error: secrets: invalid secret name "npm-token" \(line \d+/);
    expect(r.code).toBe(9);
    expect(r.after).toBe(r.before);
  });

  test("replacing your own key by another's is refused (you could not open the vault again)", async () => {
    const bob = testKey("bob").recipient;
    const r = await editWith(`sed -i 's/^  alice: .*/  bob: ${bob}/' "$1"`);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/error: none of the remaining recipients is your key.*\(line \d+\)/);
    expect(r.after).toBe(r.before);
  });

  test("the audit log records the reveal of every value and the names changed, never a value", async () => {
    const logFile = join(tempDir(), "audit.log");
    const r = await editWith(`sed -i 's/npm-value/npm-NEW/' "$1"`, { env: { VAULTFILE_AUDIT_LOG: logFile } });
    expect(r.code).toBe(0);
    const entries = readFileSync(logFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { command: string; names: string[] });
    expect(entries.map((e) => [e.command, e.names])).toEqual([
      ["edit --editor show", ["PYPI_TOKEN", "NPM_TOKEN", "OLD_KEY"]],
      ["edit --editor", ["NPM_TOKEN"]],
    ]);
    expect(readFileSync(logFile, "utf8")).not.toContain("npm-");
  });

  test("an editor that fails: usage error, nothing written", async () => {
    const r = await editWith("exit 3");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("exited with status 3");
    expect(r.after).toBe(r.before);
  });
});
