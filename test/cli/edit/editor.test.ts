/** `vaultfile edit --editor` in-process, with small shell scripts as EDITOR. */
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { setPrompter, type Prompter } from "../../../src/cli/prompts.js";
import { tempDir, testKey } from "../../helpers.js";
import { CLI_NOW, runCli } from "./cli-io.js";
import { scriptedPrompter, type Step } from "./fake-prompter.js";
import { makeVault, openAsAlice } from "./vaults.js";

const now = () => new Date(CLI_NOW);
/** A value of the shape the npm type expects (test-only, not a real token). */
const NPM_OK = `npm_${"a1".repeat(18)}`;
let previous: Prompter | undefined;
afterEach(() => {
  if (previous) setPrompter(previous);
  previous = undefined;
});

/**
 * Runs `edit --editor` with EDITOR = a shell script whose body is `body` ($1 is the file). The script also
 * records the file's path and the modes of the file and its directory, to check them afterwards.
 */
async function editWith(
  body: string,
  opts: { tty?: boolean; steps?: Step[]; env?: Record<string, string>; args?: string[] } = {},
) {
  const { dir, file, identityFile } = await makeVault();
  const editor = join(dir, "editor.sh");
  const log = join(dir, "editor.log");
  writeFileSync(
    editor,
    `#!/bin/sh\nset -e\necho "$1 $(stat -c %a "$1") $(stat -c %a "$(dirname "$1")")" >> '${log}'\n${body}\n`,
  );
  chmodSync(editor, 0o755);
  const before = readFileSync(file, "utf8");
  const script = scriptedPrompter(opts.steps ?? []);
  previous = setPrompter(script.prompter);
  const run = await runCli(["edit", "--editor", ...(opts.args ?? []), "-f", file, "--identity", identityFile], {
    cwd: dir,
    tty: opts.tty ?? false,
    env: { EDITOR: editor, ...opts.env },
  });
  script.done();
  const calls = existsSync(log)
    ? readFileSync(log, "utf8")
        .trim()
        .split("\n")
        .map((l) => l.split(" "))
    : [];
  return { ...run, file, dir, before, after: readFileSync(file, "utf8"), calls };
}

/** The ENC[] line of one secret's value. */
const valueLine = (text: string, name: string) => text.split(`  ${name}:\n`)[1]!.split("\n")[0];

describe("edit --editor", () => {
  test("one changed value: saved, only that entry re-encrypted, temp file 0600 in a 0700 dir, then removed", async () => {
    const r = await editWith(`sed -i 's/npm-value/${NPM_OK}/' "$1"`);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("saved 1 change");
    expect((await openAsAlice(r.file, now)).get("NPM_TOKEN").value).toBe(NPM_OK);
    expect(valueLine(r.after, "NPM_TOKEN")).not.toBe(valueLine(r.before, "NPM_TOKEN"));
    for (const other of ["PYPI_TOKEN", "OLD_KEY"]) expect(valueLine(r.after, other)).toBe(valueLine(r.before, other));
    const [path, fileMode, dirMode] = r.calls[0]!;
    expect([fileMode, dirMode]).toEqual(["600", "700"]);
    if (existsSync("/dev/shm")) expect(path).toMatch(/^\/dev\/shm\/vaultfile-edit-/);
    expect(existsSync(join(path!, ".."))).toBe(false);
  });

  test("never in expires_at or rotate_every removes the field (issue 15, item 1)", async () => {
    const r = await editWith(
      `sed -i -e 's/^    expires_at: .*/    expires_at: never/' -e 's/^    rotate_every: .*/    rotate_every: never/' "$1"`,
    );
    expect(r.code, r.stderr).toBe(0);
    const v = await openAsAlice(r.file, now);
    for (const s of v.secrets()) expect([s.name, s.expiresAt, s.rotateEvery], s.name).toEqual([s.name, null, null]);
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
    const r = await editWith(`sed -i 's/^  NPM_TOKEN:/  npm-token:/' "$1"`, {
      tty: true,
      steps: [{ select: /has an error/, pick: /abort/ }],
    });
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
    const r = await editWith(`sed -i 's/npm-value/${NPM_OK}/' "$1"`, { env: { VAULTFILE_AUDIT_LOG: logFile } });
    expect(r.code).toBe(0);
    const entries = readFileSync(logFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { command: string; names: string[] });
    expect(entries.map((e) => [e.command, e.names])).toEqual([
      ["edit --editor show", ["PYPI_TOKEN", "NPM_TOKEN", "OLD_KEY"]],
      ["edit --editor", ["NPM_TOKEN"]],
    ]);
    expect(readFileSync(logFile, "utf8")).not.toContain("npm-");
  });

  describe("a value that does not match its type is an invalid field, as for set", () => {
    /** The 1-based line of the first line of `text` that contains `needle`. */
    const lineWith = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
    /** The rendered view of the test vault, to know the line numbers the editor sees. */
    const rendered = async (r: { file: string }) => {
      const { renderView, viewOf } = await import("../../../src/cli/edit/editable-view.js");
      return renderView(viewOf(await openAsAlice(r.file, now)), r.file);
    };

    test("a changed value: the type's message with the secret's line (never the value), exit 6, file untouched", async () => {
      const r = await editWith(`sed -i 's/npm-value/badvalue/' "$1"`);
      expect(r.code).toBe(6);
      const line = lineWith(await rendered(r), "  NPM_TOKEN:");
      expect(r.stderr).toContain(
        `error: NPM_TOKEN does not match its type npm: expected an npm token: npm_ and 36 letters or digits (line ${line})`,
      );
      expect(r.stderr).toMatch(/hint: .*edit --editor --force/);
      expect(r.stderr).not.toContain("badvalue");
      expect(r.after).toBe(r.before);
    });

    test("a new secret, and a type changed under an unchanged value, are checked too", async () => {
      const added = await editWith(
        `sed -i 's/^secrets:$/secrets:\\n  NEW_GH:\\n    value: nope\\n    type: github/' "$1"`,
      );
      expect(added.code).toBe(6);
      const line = (await rendered(added)).split("\n").indexOf("secrets:") + 2; // the line after "secrets:"
      expect(added.stderr).toMatch(new RegExp(`error: NEW_GH does not match its type github: .*\\(line ${line}\\)`));
      const retyped = await editWith(`sed -i '/^  PYPI_TOKEN:/,/^  [A-Z]/s/type: pypi/type: npm/' "$1"`);
      expect(retyped.code).toBe(6);
      expect(retyped.stderr).toMatch(/error: PYPI_TOKEN does not match its type npm: /);
      expect(retyped.after).toBe(retyped.before);
    });

    test("on a terminal: reopen the editor, fix the value, saved", async () => {
      const r = await editWith(
        `if [ ! -e "$1.seen" ]; then touch "$1.seen"; sed -i 's/npm-value/badvalue/' "$1"; else sed -i 's/badvalue/${NPM_OK}/' "$1"; fi`,
        {
          tty: true,
          steps: [{ select: /has an error/, pick: /reopen/ }],
        },
      );
      expect(r.stderr).toContain("error: NPM_TOKEN does not match its type npm");
      expect(r.code).toBe(0);
      expect(r.calls).toHaveLength(2);
      expect((await openAsAlice(r.file, now)).get("NPM_TOKEN").value).toBe(NPM_OK);
    });

    test("--force stores it with a warning; an unchanged mismatch is not reported again", async () => {
      const r = await editWith(`sed -i 's/pypi-old-value/badvalue/' "$1"`, { args: ["--force"] });
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(
        /warning: PYPI_TOKEN does not match its type pypi: .*\(line \d+; stored anyway: --force\)/,
      );
      expect(r.stderr).not.toContain("NPM_TOKEN does not match"); // npm-value was already stored and is unchanged
      expect(r.stderr).not.toContain("badvalue");
      expect((await openAsAlice(r.file, now)).get("PYPI_TOKEN").value).toBe("badvalue");
    });
  });

  test("--force without --editor is a usage error: the menu asks instead", async () => {
    const { dir, file, identityFile } = await makeVault();
    const r = await runCli(["edit", "--force", "-f", file, "--identity", identityFile], { cwd: dir, tty: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error: --force applies only to --editor/);
  });

  test("an editor that fails: usage error, nothing written", async () => {
    const r = await editWith("exit 3");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("exited with status 3");
    expect(r.after).toBe(r.before);
  });
});
