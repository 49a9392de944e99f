/** The `vaultfile edit` menu, driven in-process with a scripted prompter. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { setPrompter, type Prompter } from "../../../src/cli/prompts.js";
import { tempDir, testKey } from "../../helpers.js";
import { CLI_NOW, runCli } from "./cli-io.js";
import { scriptedPrompter, type Step } from "./fake-prompter.js";
import { makeVault, openAsAlice } from "./vaults.js";
import { openVault } from "../../../src/io/vault-file.js";

let previous: Prompter | undefined;
afterEach(() => {
  if (previous) setPrompter(previous);
  previous = undefined;
});

const now = () => new Date(CLI_NOW);

/** Values of the shape the npm and github types expect (test-only, not real tokens). */
const NPM_OK = `npm_${"a1".repeat(18)}`;
const GITHUB_OK = `ghp_${"b2".repeat(18)}`;

/** Runs `vaultfile edit` on a fresh test vault with the scripted answers. */
async function edit(steps: Step[], opts: { tty?: boolean; env?: Record<string, string> } = {}) {
  const { dir, file, identityFile } = await makeVault();
  const before = readFileSync(file, "utf8");
  const script = scriptedPrompter(steps);
  previous = setPrompter(script.prompter);
  const run = await runCli(["edit", "-f", file, "--identity", identityFile], {
    cwd: dir,
    tty: opts.tty ?? true,
    env: opts.env ?? {},
  });
  const after = readFileSync(file, "utf8");
  return { ...run, file, before, after, seen: script.seen, done: () => script.done(run.stderr) };
}

const main = (pick: RegExp): Step => ({
  select: /\d+ secrets?(, \d+ required names? missing)?(, \d+ changes? not saved yet)?\. Pick one/,
  pick,
});
const onSecret = (pick: RegExp): Step => ({ select: /^[A-Z_]+ \(/, pick });
const save: Step = main(/^save and quit$/);
const back: Step = onSecret(/^back$/);

describe("the menu", () => {
  test("lists every secret with its status, and quitting at once writes nothing (exit 9)", async () => {
    const r = await edit([main(/^quit without saving$/)]);
    r.done();
    expect(r.code).toBe(9);
    expect(r.after).toBe(r.before);
    expect(r.stderr).toContain("nothing changed");
    // The required name without an entry is counted apart from the secrets.
    expect(r.seen[0]!.message).toMatch(/: 3 secrets, 1 required name missing\. Pick one/);
    const names = r.seen[0]!.choices!;
    expect(names.find((n) => n.startsWith("GITHUB_TOKEN"))).toMatch(/MISSING\s+required/);
    expect(names.find((n) => n.startsWith("OLD_KEY"))).toMatch(/EXPIRED/);
    expect(names.find((n) => n.startsWith("NPM_TOKEN"))).toMatch(/EXPIRING in 9 days/);
    expect(names.find((n) => n.startsWith("PYPI_TOKEN"))).toMatch(/pypi\s+OK\s+required/);
    expect(names.slice(-4)).toEqual(["+ add a secret", "recipients…", "save and quit", "quit without saving"]);
  });

  test("change value: masked twice, saved once; other entries keep their ciphertext", async () => {
    const r = await edit([
      main(/^NPM_TOKEN/),
      onSecret(/^change value$/),
      { password: /New value for NPM_TOKEN/, answer: "first-try" },
      { password: /Repeat/, answer: "typo" },
      { confirm: /differ\. Try again/, answer: true },
      { password: /New value for NPM_TOKEN/, answer: NPM_OK },
      { password: /Repeat/, answer: NPM_OK },
      back,
      save,
    ]);
    r.done();
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/saved 1 change .*\n {2}changed the value of NPM_TOKEN/);
    expect(r.stderr + r.stdout).not.toContain(NPM_OK);
    const v = await openAsAlice(r.file, now);
    expect(v.get("NPM_TOKEN").value).toBe(NPM_OK);
    const valueLine = (text: string, name: string) => text.split(`  ${name}:\n`)[1]!.split("\n")[0];
    expect(valueLine(r.after, "PYPI_TOKEN")).toBe(valueLine(r.before, "PYPI_TOKEN"));
    expect(valueLine(r.after, "NPM_TOKEN")).not.toBe(valueLine(r.before, "NPM_TOKEN"));
  });

  test("show value prints it only when asked, and the audit log records the reveal", async () => {
    const logFile = join(tempDir(), "audit.log");
    const r = await edit([main(/^OLD_KEY/), onSecret(/^show value$/), back, main(/^quit without saving$/)], {
      env: { VAULTFILE_AUDIT_LOG: logFile },
    });
    r.done();
    expect(r.stdout).toBe("OLD_KEY:\nold-value\n");
    expect(r.code).toBe(9);
    expect(JSON.parse(readFileSync(logFile, "utf8"))).toMatchObject({ command: "edit show", names: ["OLD_KEY"] });
  });

  test("rotate renews the expiry from rotate_every; a type whose values come from the provider offers no generator", async () => {
    const r = await edit([
      main(/^PYPI_TOKEN/),
      onSecret(/^rotate \(/),
      { password: /New value for PYPI_TOKEN/, answer: "pypi-fresh" },
      { password: /Repeat/, answer: "pypi-fresh" },
      back,
      save,
    ]);
    r.done();
    expect(r.code).toBe(0);
    const s = (await openAsAlice(r.file, now)).get("PYPI_TOKEN");
    expect(s.value).toBe("pypi-fresh");
    expect(s.rotatedAt?.toISOString()).toBe("2026-11-25T12:00:00.000Z");
    expect(s.expiresAt?.toISOString()).toBe("2027-11-25T12:00:00.000Z");
    expect(r.stderr).toContain("rotated PYPI_TOKEN, expires 2027-11-25");
  });

  test("a paste of several lines at the value prompt is dropped and asked again; the menu goes on", async () => {
    const r = await edit([
      main(/^PYPI_TOKEN/),
      onSecret(/^rotate \(/),
      { password: /New value for PYPI_TOKEN/, paste: true },
      {
        confirm:
          /^That paste had several lines, and this prompt takes one \(a value of several lines goes in with --stdin: `vaultfile set PYPI_TOKEN --stdin < FILE`\)\. Try again\?$/,
        answer: true,
      },
      { password: /New value for PYPI_TOKEN/, answer: "pypi-fresh" },
      { password: /Repeat/, answer: "pypi-fresh" },
      back,
      save,
    ]);
    r.done();
    expect(r.code).toBe(0);
    expect((await openAsAlice(r.file, now)).get("PYPI_TOKEN").value).toBe("pypi-fresh");
  });

  test("rotate to the same value is refused by the library, as `vaultfile rotate` refuses it: rotated_at and the expiry stay", async () => {
    const r = await edit([
      main(/^PYPI_TOKEN/),
      onSecret(/^rotate \(/),
      { password: /New value for PYPI_TOKEN/, answer: "pypi-old-value" },
      { password: /Repeat/, answer: "pypi-old-value" },
      main(/^quit without saving$/),
    ]);
    r.done();
    expect(r.stderr).toContain(
      "vaultfile: error: the new value of PYPI_TOKEN is the same as the old one; nothing was changed",
    );
    expect(r.stderr).not.toContain("rotated PYPI_TOKEN");
    expect(r.after).toBe(r.before);
  });

  test("rotate a secret without a policy to a generated value asks for the new expiry, relative input accepted", async () => {
    const r = await edit([
      main(/^OLD_KEY/),
      onSecret(/^rotate \(/),
      { select: /New value for OLD_KEY/, pick: /generate/ },
      { input: /New expiry for OLD_KEY/, answer: "90d", rejects: ["2027-02-30", "soon", "0d"] },
      back,
      save,
    ]);
    r.done();
    const s = (await openAsAlice(r.file, now)).get("OLD_KEY");
    expect(s.value).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(s.expiresAt?.toISOString()).toBe("2027-02-23T12:00:00.000Z");
  });

  test("metadata: type, description, expiry (date and never), rotation period, required", async () => {
    const r = await edit([
      main(/^NPM_TOKEN/),
      onSecret(/^type: npm$/),
      { input: /Type of NPM_TOKEN/, answer: "registry", rejects: ["Bad Type"] },
      onSecret(/^description: -$/),
      { input: /Description of NPM_TOKEN/, answer: "publish token" },
      onSecret(/^expiry: /),
      { input: /Expiry of NPM_TOKEN/, answer: "2027-01-31" },
      onSecret(/^rotate every: -$/),
      { input: /Rotate NPM_TOKEN every/, answer: "6mo", rejects: ["6 months"] },
      onSecret(/^required: no/),
      back,
      main(/^OLD_KEY/),
      onSecret(/^expiry: /),
      { input: /Expiry of OLD_KEY/, answer: "never" },
      back,
      save,
    ]);
    r.done();
    expect(r.code).toBe(0);
    const v = await openAsAlice(r.file, now);
    const npm = v.get("NPM_TOKEN");
    expect([npm.type, npm.description, npm.expiresAt?.toISOString(), npm.rotateEvery?.text, npm.value]).toEqual([
      "registry",
      "publish token",
      "2027-01-31T00:00:00.000Z",
      "6mo",
      "npm-value",
    ]);
    expect(v.required).toContain("NPM_TOKEN");
    expect(v.get("OLD_KEY").expiresAt).toBeNull();
    // Metadata changes keep the value's ciphertext.
    const valueLine = (text: string) => text.split("  NPM_TOKEN:\n")[1]!.split("\n")[0];
    expect(valueLine(r.after)).toBe(valueLine(r.before));
  });

  test("a change the vault refuses is reported and the menu goes on", async () => {
    const r = await edit([
      main(/^NPM_TOKEN/),
      onSecret(/^expiry: /),
      { input: /Expiry/, answer: "2020-01-01" },
      back,
      main(/^quit without saving$/),
    ]);
    r.done();
    expect(r.stderr).toMatch(/vaultfile: error: the expiry of NPM_TOKEN .* is before its creation/);
    expect(r.code).toBe(9);
    expect(r.after).toBe(r.before);
  });

  test("delete asks for confirmation", async () => {
    const r = await edit([
      main(/^OLD_KEY/),
      onSecret(/^delete$/),
      { confirm: /Delete OLD_KEY\?/, answer: false },
      onSecret(/^delete$/),
      { confirm: /Delete OLD_KEY\?/, answer: true },
      save,
    ]);
    r.done();
    expect((await openAsAlice(r.file, now)).list()).toEqual(["PYPI_TOKEN", "NPM_TOKEN"]);
  });

  test("add a secret, and fill a required one that is missing", async () => {
    const r = await edit([
      main(/^\+ add a secret$/),
      { input: /Name of the new secret/, answer: "SLACK_URL", rejects: ["NPM_TOKEN", "1BAD", "has-dash"] },
      { input: /Type of SLACK_URL/, answer: "url" },
      { password: /New value/, answer: "https://hooks.example/x" },
      { password: /Repeat/, answer: "https://hooks.example/x" },
      { input: /Expiry of SLACK_URL/, answer: "" },
      { input: /Description of SLACK_URL/, answer: "alerts" },
      main(/^GITHUB_TOKEN/),
      { select: /GITHUB_TOKEN is required but missing/, pick: /add a value/ },
      { input: /Type of GITHUB_TOKEN/, answer: "github" },
      { password: /New value/, answer: GITHUB_OK },
      { password: /Repeat/, answer: GITHUB_OK },
      { input: /Expiry of GITHUB_TOKEN/, answer: "1y" },
      { input: /Description/, answer: "" },
      save,
    ]);
    r.done();
    const v = await openAsAlice(r.file, now);
    expect(v.get("SLACK_URL")).toMatchObject({
      value: "https://hooks.example/x",
      type: "url",
      description: "alerts",
      expiresAt: null,
    });
    expect(v.get("GITHUB_TOKEN").expiresAt?.toISOString()).toBe("2027-11-25T12:00:00.000Z");
    expect(v.validate().missing).toEqual([]);
  });

  test("recipients: add one, and the saved vault opens with its key", async () => {
    const bob = testKey("bob");
    const r = await edit([
      main(/^recipients…$/),
      { select: /Recipients/, pick: /add a recipient/ },
      { input: /Recipient name/, answer: "bob", rejects: ["value", "has space"] },
      { input: /Public key of bob/, answer: bob.recipient, rejects: ["age1nope"] },
      { select: /Recipients/, pick: /^back$/ },
      save,
    ]);
    r.done();
    const v = await openVault(r.file, { identityFiles: [bob.identityFile], env: {}, now });
    expect(v.recipients()).toEqual({ alice: testKey("alice").recipient, bob: bob.recipient });
  });

  test("quit with changes asks, then discards them: the file is byte-identical", async () => {
    const r = await edit([
      main(/^OLD_KEY/),
      onSecret(/^delete$/),
      { confirm: /Delete OLD_KEY/, answer: true },
      main(/^quit without saving$/),
      { confirm: /Discard 1 change\?/, answer: false },
      main(/^quit without saving$/),
      { confirm: /Discard 1 change\?/, answer: true },
    ]);
    r.done();
    expect(r.code).toBe(9);
    expect(r.after).toBe(r.before);
    expect(r.stderr).toContain("quit without saving: 1 change discarded;");
  });

  test("Ctrl-C mid-way leaves the file untouched and says the unsaved changes were discarded", async () => {
    const r = await edit([
      main(/^OLD_KEY/),
      onSecret(/^delete$/),
      { confirm: /Delete/, answer: true },
      main(/^NPM_TOKEN/),
      onSecret(/^required: no/),
      { abort: true },
    ]);
    r.done();
    expect(r.code).toBe(130);
    expect(r.after).toBe(r.before);
    expect(r.stderr).toMatch(/interrupted: 2 unsaved changes discarded; .*\.secrets\.yaml was not changed/);
  });

  test("Ctrl-C with nothing changed says only that it was interrupted", async () => {
    const r = await edit([{ abort: true }]);
    r.done();
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/note: interrupted; .*\.secrets\.yaml was not changed/);
  });

  test("without a terminal: a usage error that names the alternatives", async () => {
    const r = await edit([], { tty: false });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("vaultfile: error: no terminal to prompt on");
    expect(r.stderr).toMatch(/hint: .*--editor.*vaultfile set/);
    expect(r.after).toBe(r.before);
  });
});

describe("the menu checks values against their type, as set and rotate do", () => {
  const twice = (name: string, value: string): Step[] => [
    { password: new RegExp(`New value for ${name}`), answer: value },
    { password: /Repeat/, answer: value },
  ];
  const mismatch = (pick: RegExp): Step => ({ select: /does not match its type .*What now\?/, pick });

  test("change value: a mismatch is refused with the type's message (never the value); another value is asked", async () => {
    const r = await edit([
      main(/^NPM_TOKEN/),
      onSecret(/^change value$/),
      ...twice("NPM_TOKEN", "badvalue"),
      mismatch(/^enter another value$/),
      ...twice("NPM_TOKEN", NPM_OK),
      back,
      save,
    ]);
    r.done();
    expect(r.code).toBe(0);
    expect(r.seen.find((s) => /What now/.test(s.message))!.message).toMatch(
      /^NPM_TOKEN does not match its type npm: expected an npm token/,
    );
    expect(r.stderr + r.stdout + JSON.stringify(r.seen)).not.toContain("badvalue");
    expect((await openAsAlice(r.file, now)).get("NPM_TOKEN").value).toBe(NPM_OK);
  });

  test("change value: 'store it anyway' keeps the mismatch with a warning, like --force", async () => {
    const r = await edit([
      main(/^NPM_TOKEN/),
      onSecret(/^change value$/),
      ...twice("NPM_TOKEN", "badvalue"),
      mismatch(/^store it anyway/),
      back,
      save,
    ]);
    r.done();
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: NPM_TOKEN does not match its type npm: .*\(stored anyway\)/);
    expect((await openAsAlice(r.file, now)).get("NPM_TOKEN").value).toBe("badvalue");
  });

  test("rotate: a mismatch can be cancelled, and the secret keeps its value", async () => {
    const r = await edit([
      main(/^PYPI_TOKEN/),
      onSecret(/^rotate \(/),
      ...twice("PYPI_TOKEN", "badvalue"),
      mismatch(/^cancel/),
      back,
      main(/^quit without saving$/),
    ]);
    r.done();
    expect(r.code).toBe(9);
    expect(r.stderr).toContain("value not changed");
    expect(r.stderr).toContain("nothing changed");
    expect(r.after).toBe(r.before);
  });

  test("changing the type to one the value does not match asks before storing it", async () => {
    const r = await edit([
      main(/^PYPI_TOKEN/),
      onSecret(/^type: pypi$/),
      { input: /Type of PYPI_TOKEN/, answer: "npm" },
      { confirm: /PYPI_TOKEN does not match its type npm: .*Set the type anyway\?/, answer: false },
      back,
      main(/^quit without saving$/),
    ]);
    r.done();
    expect(r.code).toBe(9);
    expect(r.after).toBe(r.before);
  });

  test("+ add a secret: the type is asked first, its value is checked, and it gets the type's rotation period with a note", async () => {
    const r = await edit([
      main(/^\+ add a secret$/),
      { input: /Name of the new secret/, answer: "GH_TOKEN" },
      { input: /Type of GH_TOKEN/, answer: "github" },
      ...twice("GH_TOKEN", "badvalue"),
      mismatch(/^enter another value$/),
      ...twice("GH_TOKEN", GITHUB_OK),
      { input: /Expiry of GH_TOKEN/, answer: "" },
      { input: /Description of GH_TOKEN/, answer: "" },
      save,
    ]);
    r.done();
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("note: GH_TOKEN rotates every 90d, the default of type github");
    expect(r.stderr).not.toContain("badvalue");
    const s = (await openAsAlice(r.file, now)).get("GH_TOKEN");
    expect([s.value, s.type, s.rotateEvery?.text]).toEqual([GITHUB_OK, "github", "90d"]);
  });
});
