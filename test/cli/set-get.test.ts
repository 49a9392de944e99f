/** `set`, `get`, `rm`, `require`, `unrequire`: values from the documented sources only, never printed by mistake. */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { join } from "node:path";
import { setPrompter } from "../../src/cli/prompts.js";
import { runCli } from "./edit/cli-io.js";
import { tempDir, testKey } from "../helpers.js";
import { workspace, writeVault, type Workspace } from "./lifecycle-support.js";

async function vaultWith(fill: Parameters<typeof writeVault>[1] = () => {}): Promise<Workspace> {
  const w = workspace();
  await writeVault(w.file, fill);
  return w;
}

describe("vaultfile set", () => {
  it("reads all of stdin, strips exactly one trailing newline, and stores metadata without printing the value", async () => {
    const w = await vaultWith();
    // Not a pypi token (it has newlines): --force stores it with a warning that does not repeat it.
    const r = w.run(
      [
        "set",
        "PYPI_TOKEN",
        "--stdin",
        "--type",
        "pypi",
        "--expires-in",
        "365d",
        "--rotate-every",
        "90d",
        "--required",
        "--description",
        "upload",
        "--force",
      ],
      { input: "pypi-AgE\nline two\n\n" },
    );
    expect(r).toEqual({
      code: 0,
      stdout: "",
      stderr: expect.stringMatching(
        /^vaultfile: warning: PYPI_TOKEN does not match its type pypi: .* \(stored anyway: --force\)\nset PYPI_TOKEN \(new, expires 2027-11-24, required\)\n$/,
      ),
    });
    expect(r.stderr).not.toContain("AgE");
    const doc = parse(w.text());
    expect(doc.secrets.PYPI_TOKEN).toMatchObject({
      type: "pypi",
      description: "upload",
      rotate_every: "90d",
      expires_at: "2027-11-24T10:00:00Z",
      created_at: "2026-11-24T10:00:00Z",
    });
    expect(doc.secrets.PYPI_TOKEN.value).toMatch(/^ENC\[AES256_GCM,/);
    expect(doc.required).toEqual(["PYPI_TOKEN"]);
    expect(w.text()).not.toContain("pypi-AgE");
    expect(w.run(["get", "PYPI_TOKEN"]).stdout).toBe("pypi-AgE\nline two\n\n");

    const again = w.run(["set", "PYPI_TOKEN", "--stdin"], { input: "pypi-AgE\nline two\n\n" });
    expect(again.stderr).toBe("set PYPI_TOKEN (value unchanged, expires 2027-11-24)\n");
  });

  it("--expires-at never and --rotate-every never clear either field (issue 15, item 1)", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => v.set("PYPI_TOKEN", "pypi-x", { expiresIn: "30d", rotateEvery: "90d" }));
    const r = w.run(["set", "PYPI_TOKEN", "--expires-at", "never", "--rotate-every", "never"]);
    expect(r, r.stderr).toMatchObject({ code: 0, stderr: "updated PYPI_TOKEN (value unchanged, no expiry)\n" });
    const entry = parse(w.text()).secrets.PYPI_TOKEN;
    expect([entry.expires_at, entry.rotate_every]).toEqual([undefined, undefined]);
    expect(w.run(["set", "NEW", "--value", "x", "--type", "docker", "--rotate-every", "never"]).code).toBe(0);
    expect(parse(w.text()).secrets.NEW.rotate_every).toBeUndefined();
  });

  it("--generate stores a crypto-random value of the requested shape (shapes: test/cli/input.test.ts)", async () => {
    const w = await vaultWith();
    expect(w.run(["set", "S", "--generate=hex:63"]).code).toBe(0);
    expect(w.run(["get", "S"]).stdout).toMatch(/^[0-9a-f]{63}\n$/);
  });

  it("--value works but warns that it lands in shell history", async () => {
    const w = await vaultWith();
    const r = w.run(["set", "X", "--value", "v1"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^vaultfile: warning: --value puts the secret in your shell history/);
    expect(r.stderr).not.toContain("v1");
  });

  it("without a terminal and without --stdin/--generate fails at once (exit 2) and leaves the file unchanged", async () => {
    const w = await vaultWith();
    const before = w.text();
    const r = w.run(["set", "X"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "vaultfile: error: no terminal to prompt on\nvaultfile: hint: pass the value with --stdin (e.g. `printf '%s' \"$TOKEN\" | vaultfile set X --stdin`) or --generate\n",
    );
    expect(w.text()).toBe(before);
  });

  it.each([
    [["--stdin", "--generate"], /--stdin and --generate cannot be combined/, 2],
    [["--generate=rot13:5"], /invalid --generate spec "rot13:5"/, 2],
    [
      ["--value", "v", "--expires-at", "2027-01-01", "--expires-in", "9d"],
      /--expires-at and --expires-in cannot be combined/,
      2,
    ],
    [["--value", "v", "--expires-in", "soon"], /invalid expiry duration "soon"/, 6],
    [["--stdin"], /the value of X is empty/, 6],
  ])("rejects %j with a clear error", async (flags, message, code) => {
    const w = await vaultWith();
    const before = w.text();
    const r = w.run(["set", "X", ...flags]);
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(w.text()).toBe(before);
  });
});

describe("vaultfile set: metadata only", () => {
  it("metadata flags without a value source on an existing secret keep the value (and its ciphertext), asking nothing", async () => {
    const w = await vaultWith((v) => v.set("API_KEY", "api-value-1", { expiresIn: "10d" }));
    const cipher = parse(w.text()).secrets.API_KEY.value as string;
    const r = w.run(["set", "API_KEY", "--expires-in", "30d", "--required"]);
    expect(r).toEqual({
      code: 0,
      stdout: "",
      stderr: "updated API_KEY (value unchanged, expires 2026-12-24, required)\n",
    });
    const doc = parse(w.text());
    expect(doc.secrets.API_KEY).toMatchObject({ value: cipher, expires_at: "2026-12-24T10:00:00Z" });
    expect(doc.required).toEqual(["API_KEY"]);
    expect(w.run(["get", "API_KEY"]).stdout).toBe("api-value-1\n");
    // A new type is checked against the kept value, which is never printed.
    const badType = w.run(["set", "API_KEY", "--type", "npm"]);
    expect(badType.code).toBe(6);
    expect(badType.stderr).not.toContain("api-value-1");
    // A new name still needs a value.
    expect(w.run(["set", "OTHER", "--expires-in", "30d"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("no terminal to prompt on"),
    });
  });

  it("refuses data piped in without --stdin instead of keeping the old value silently", async () => {
    const w = await vaultWith((v) => v.set("API_KEY", "api-value-1"));
    const before = w.text();
    const r = w.run(["set", "API_KEY", "--expires-in", "30d"], { input: "api-value-2\n" });
    expect(r).toMatchObject({ code: 2, stdout: "" });
    expect(r.stderr).toContain("vaultfile: error: stdin holds data, but --stdin was not given; nothing was changed\n");
    expect(r.stderr).toContain("add --stdin");
    expect(r.stderr).not.toContain("api-value");
    expect(w.text()).toBe(before);
    // With --stdin the same input is the new value, and the metadata is applied with it.
    expect(w.run(["set", "API_KEY", "--expires-in", "30d", "--stdin"], { input: "api-value-2\n" }).code).toBe(0);
    expect(w.run(["get", "API_KEY"]).stdout).toBe("api-value-2\n");
  });

  it("does not prompt on a terminal either", async () => {
    const dir = tempDir();
    await writeVault(join(dir, ".secrets.yaml"), (v) => v.set("API_KEY", "api-value-1"));
    const asked: string[] = [];
    const refuse = async (message: string): Promise<never> => {
      asked.push(message);
      throw new Error("prompted");
    };
    const previous = setPrompter({ password: refuse, input: refuse, confirm: refuse, select: refuse });
    try {
      const r = await runCli(["set", "API_KEY", "--description", "the API key"], {
        cwd: dir,
        tty: true,
        env: { VAULTFILE_AGE_KEY_FILE: testKey("alice").identityFile },
      });
      expect(asked).toEqual([]);
      expect(r).toEqual({ code: 0, stdout: "", stderr: "updated API_KEY (value unchanged, no expiry)\n" });
    } finally {
      setPrompter(previous);
    }
  });
});

describe("vaultfile get", () => {
  const fill: Parameters<typeof writeVault>[1] = (v) => {
    v.set("NPM_TOKEN", "npm-old", { expiresAt: "2026-11-30T00:00:00Z" });
    v.set("PYPI_TOKEN", "pypi-1", { type: "pypi" });
  };

  it("prints only the value; --json adds the metadata", async () => {
    const w = await vaultWith(fill);
    expect(w.run(["get", "PYPI_TOKEN"])).toEqual({ code: 0, stdout: "pypi-1\n", stderr: "" });
    expect(JSON.parse(w.run(["--json", "get", "PYPI_TOKEN"]).stdout)).toMatchObject({
      name: "PYPI_TOKEN",
      value: "pypi-1",
      type: "pypi",
      expired: false,
    });
    // Times as the file and `status --json` write them: RFC 3339 without milliseconds.
    expect(JSON.parse(w.run(["--json", "get", "NPM_TOKEN"]).stdout)).toMatchObject({
      createdAt: "2026-11-24T10:00:00Z",
      rotatedAt: "2026-11-24T10:00:00Z",
      expiresAt: "2026-11-30T00:00:00Z",
    });
    expect(JSON.parse(w.run(["--json", "set", "NPM_TOKEN", "--expires-at", "2027-01-01"]).stdout)).toMatchObject({
      expiresAt: "2027-01-01T00:00:00Z",
      valueChanged: false,
    });
  });

  it("an unknown name exits 3 and suggests close names", async () => {
    const w = await vaultWith(fill);
    const r = w.run(["get", "PYPI_TOKN"]);
    expect(r).toEqual({
      code: 3,
      stdout: "",
      stderr: "vaultfile: error: no secret named PYPI_TOKN\nvaultfile: hint: did you mean PYPI_TOKEN?\n",
    });
  });

  it("refuses an expired secret (exit 1, E_EXPIRED) unless --allow-expired", async () => {
    const w = await vaultWith(fill);
    const later = { VAULTFILE_NOW: "2026-12-01T00:00:00Z" };
    const r = w.run(["get", "NPM_TOKEN"], { env: later });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^vaultfile: error: NPM_TOKEN expired on 2026-11-30T00:00:00Z\nvaultfile: hint: .*--allow-expired/,
    );
    expect(w.run(["get", "NPM_TOKEN", "--allow-expired"], { env: later }).stdout).toBe("npm-old\n");
  });
});

describe("vaultfile rm / require / unrequire", () => {
  it("rm deletes the entry and reminds that a required name stays required", async () => {
    const w = await vaultWith((v) => {
      v.set("A", "a", { required: true });
      v.set("B", "b");
    });
    const r = w.run(["rm", "A"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("removed A\nvaultfile: note: A still required");
    const doc = parse(w.text());
    expect(Object.keys(doc.secrets)).toEqual(["B"]);
    expect(doc.required).toEqual(["A"]);
    expect(w.run(["rm", "NOPE"]).code).toBe(3);
  });

  it("require adds names (absent ones noted), unrequire removes them", async () => {
    const w = await vaultWith((v) => v.set("A", "a"));
    const r = w.run(["require", "A", "GITHUB_TOKEN"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("not set yet (MISSING until you `vaultfile set` them): GITHUB_TOKEN");
    expect(parse(w.text()).required).toEqual(["A", "GITHUB_TOKEN"]);
    const u = w.run(["unrequire", "GITHUB_TOKEN", "ZZZ"]);
    expect(u.code).toBe(0);
    expect(u.stderr).toContain("vaultfile: warning: not in the required list: ZZZ");
    expect(parse(w.text()).required).toEqual(["A"]);
    expect(w.run(["require", "bad-name"]).code).toBe(6);
  });
});
