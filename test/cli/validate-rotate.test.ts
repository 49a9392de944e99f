/** `validate` as a CI gate, `rotate`'s minimal diff, and the README's walkthrough from keygen to validate. */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { changedLines, workspace, writeVault } from "./lifecycle-support.js";

describe("vaultfile validate", () => {
  // At NOW (2026-11-24): OLD expired, SOON expires in 10 days, DUE was last rotated over 90 days ago, GITHUB missing.
  const fill: Parameters<typeof writeVault>[1] = (v) => {
    v.set("OK_TOKEN", "ok", { expiresAt: "2027-06-01" });
    v.set("SOON", "s", { expiresIn: "10d" });
    v.require(["OK_TOKEN"]);
  };

  it("passes (exit 0) with only warnings, and fails with --strict when a secret expires soon", async () => {
    const w = workspace();
    await writeVault(w.file, fill);
    const r = w.run(["validate"]);
    expect(r).toEqual({
      code: 0,
      stdout: "warning: SOON expires on 2026-12-04 (in 10 days)\nvalid: 2 secrets, 1 required, 1 warning(s)\n",
      stderr: "",
    });
    const strict = w.run(["validate", "--strict"]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain("error: SOON expires on 2026-12-04");
    expect(w.run(["validate", "--warn-days", "5", "--strict"]).code).toBe(0);
  });

  it("fails (exit 1) on a missing required or an expired secret, with GitHub annotations under Actions", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => {
      fill(v);
      v.require(["GITHUB_TOKEN"]);
    });
    const later = { VAULTFILE_NOW: "2026-12-10T00:00:00Z", GITHUB_ACTIONS: "true" };
    const r = w.run(["validate"], { env: later });
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n")).toEqual([
      "error: GITHUB_TOKEN is required but not set",
      "error: SOON expired on 2026-12-04 (6 days ago)",
      "invalid: 2 problem(s) in .secrets.yaml",
      "::error file=.secrets.yaml,title=Missing secret::GITHUB_TOKEN is required but not set",
      "::error file=.secrets.yaml,title=Expired secret::SOON expired on 2026-12-04 (6 days ago)",
      "",
    ]);
    const json = w.run(["--json", "validate", "--warn-days", "200"], { env: later });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: false,
      missing: ["GITHUB_TOKEN"],
      expired: ["SOON"],
      expiringSoon: ["OK_TOKEN"],
    });
    // Annotations move to stderr so that stdout stays JSON.
    expect(json.stderr).toContain(
      "::warning file=.secrets.yaml,title=Secret expiring soon::OK_TOKEN expires on 2027-06-01",
    );
  });

  it("reports a secret due for rotation as a warning", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => v.set("DUE", "d", { rotateEvery: "90d" }));
    const r = w.run(["validate"], { env: { VAULTFILE_NOW: "2027-03-01T00:00:00Z" } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("warning: DUE is due for rotation (every 90d, last on 2026-11-24)");
  });

  it("does not also call an expired or expiring secret due for rotation", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => {
      v.set("OLD", "o", { rotateEvery: "30d", expiresIn: "60d" });
      v.set("SOON", "s", { rotateEvery: "30d", expiresIn: "120d" });
    });
    const r = w.run(["validate"], { env: { VAULTFILE_NOW: "2027-03-01T00:00:00Z" } });
    expect(r.stdout.split("\n")).toEqual([
      "error: OLD expired on 2027-01-23 (37 days ago)",
      "warning: SOON expires on 2027-03-24 (in 23 days)",
      "invalid: 1 problem(s) in .secrets.yaml",
      "",
    ]);
  });
});

describe("vaultfile rotate", () => {
  it("changes only that entry's value, rotated_at and expires_at, plus lastmodified and mac", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => {
      v.set("A_TOKEN", "a-1", { type: "pypi", expiresIn: "30d" });
      v.set("PYPI_TOKEN", "pypi-1", { type: "pypi", expiresIn: "30d", rotateEvery: "90d", description: "upload" });
      v.set("Z_TOKEN", "z-1", { rotateEvery: "90d" });
    });
    const before = w.text();
    const r = w.run(["rotate", "PYPI_TOKEN", "--stdin"], {
      input: "pypi-2\n",
      env: { VAULTFILE_NOW: "2026-12-20T08:00:00Z" },
    });
    expect(r).toEqual({ code: 0, stdout: "", stderr: "rotated PYPI_TOKEN (expires 2027-03-20)\n" });
    const after = w.text();
    const { removed, added } = changedLines(before, after);
    const keys = (lines: string[]) => lines.map((l) => l.trim().split(":")[0]);
    expect(keys(removed)).toEqual(["value", "rotated_at", "expires_at", "lastmodified", "mac"]);
    expect(keys(added)).toEqual(["value", "rotated_at", "expires_at", "lastmodified", "mac"]);
    expect(added.slice(1, 3)).toEqual([
      '    rotated_at: "2026-12-20T08:00:00Z"',
      '    expires_at: "2027-03-20T08:00:00Z"',
    ]);
    // The changed value line is PYPI_TOKEN's: the other entries keep their ciphertext.
    const doc = (t: string) => parse(t).secrets;
    expect(doc(after).A_TOKEN).toEqual(doc(before).A_TOKEN);
    expect(doc(after).Z_TOKEN).toEqual(doc(before).Z_TOKEN);
    expect(doc(after).PYPI_TOKEN.value).not.toBe(doc(before).PYPI_TOKEN.value);
    expect(w.run(["get", "PYPI_TOKEN"]).stdout).toBe("pypi-2\n");
  });

  it("warns when the rotated secret stays expired; refuses the same value and an unknown name, leaving the file unchanged", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => v.set("T", "same", { expiresIn: "1d" }));
    const later = { VAULTFILE_NOW: "2026-12-01T00:00:00Z" };
    const renewed = workspace();
    await writeVault(renewed.file, (v) => v.set("T", "same", { expiresIn: "1d" }));
    const stillExpired = renewed.run(["rotate", "T", "--stdin"], { input: "new", env: later });
    expect(stillExpired.code).toBe(0);
    expect(stillExpired.stderr).toContain("vaultfile: warning: T still counts as expired");
    expect(renewed.run(["rotate", "T", "--stdin", "--expires-in", "30d"], { input: "newer", env: later }).stderr).toBe(
      "rotated T (expires 2026-12-31)\n",
    );
    const before = w.text();
    const same = w.run(["rotate", "T", "--stdin"], { input: "same" });
    expect(same.code).toBe(6);
    expect(same.stderr).toContain("the new value of T is the same as the old one");
    const unknown = w.run(["rotate", "TT", "--generate"]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain("did you mean T?");
    expect(w.text()).toBe(before);
  });
});

describe("README quick start", () => {
  it("keygen → init → set → rotate → validate works for a new user with nothing else set up", () => {
    const w = workspace({ VAULTFILE_AGE_KEY_FILE: "" });
    const pub = w.run(["keygen"]);
    expect(pub.code).toBe(0);
    const init = w.run(["init"]);
    expect(init.code).toBe(0);
    expect(parse(w.text()).recipients).toEqual({ alice: pub.stdout.trim() });
    expect(
      w.run(
        [
          "set",
          "PYPI_TOKEN",
          "--type",
          "pypi",
          "--expires-in",
          "365d",
          "--rotate-every",
          "365d",
          "--required",
          "--stdin",
        ],
        { input: "pypi-first\n" },
      ).code,
    ).toBe(0);
    expect(
      w.run(["rotate", "PYPI_TOKEN", "--stdin"], {
        input: "pypi-second\n",
        env: { VAULTFILE_NOW: "2027-11-01T10:00:00Z" },
      }).stderr,
    ).toBe("rotated PYPI_TOKEN (expires 2028-10-31)\n"); // 365 days: 2028 is a leap year
    const v = w.run(["validate"], { env: { VAULTFILE_NOW: "2027-11-02T10:00:00Z" } });
    expect(v).toEqual({ code: 0, stdout: "valid: 1 secret, 1 required\n", stderr: "" });
    expect(w.run(["get", "PYPI_TOKEN"]).stdout).toBe("pypi-second\n");
  });
});
