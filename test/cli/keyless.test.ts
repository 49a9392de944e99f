/**
 * `status` and `validate --no-decrypt` without a key (issue 15, item 6): a reviewer without the key, or a scheduled
 * expiry check that should not hold it, reads the clear metadata through the vault layer's read-only view, is told
 * on stderr that it is not verified, and gets `"verified": false` in JSON. With a key nothing changes.
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FormatError, NoIdentityError } from "../../src/errors.js";
import { Vault } from "../../src/vault/vault.js";
import { testKey } from "../helpers.js";
import { workspace, writeVault, type Workspace } from "./lifecycle-support.js";
import { openVault } from "../../src/io/vault-file.js";

const NO_KEY = { VAULTFILE_AGE_KEY_FILE: "" };
const warning = (why: string) =>
  `vaultfile: warning: ${why}: .secrets.yaml read without decrypting, NOT verified (MAC not checked): names, dates and required are as the file says, and anyone could have edited them; values are not checked\n`;

async function vault(): Promise<Workspace> {
  const w = workspace({ VAULTFILE_NOW: "2026-11-30T00:00:00Z" }); // written at NOW, 2026-11-24T10:00
  await writeVault(w.file, (v) => {
    v.set("PYPI_TOKEN", "pypi-secret-value-1", { type: "pypi", expiresAt: "2027-06-01", required: true });
    v.set("OLD_TOKEN", "old-secret-value-2", { expiresIn: "1d" });
    v.set("SOON", "soon-secret-value-3", { expiresIn: "10d" });
    v.require(["GITHUB_TOKEN"]);
  });
  return w;
}
const noValues = (r: { stdout: string; stderr: string }) => {
  for (const v of ["pypi-secret-value-1", "old-secret-value-2", "soon-secret-value-3"])
    expect(r.stdout + r.stderr).not.toContain(v);
};

describe("without a key", () => {
  it("status shows the same table as with the key, and says on stderr that it is not verified", async () => {
    const w = await vault();
    const keyed = w.run(["status"]);
    expect(keyed).toMatchObject({ code: 0, stderr: "" });
    const keyless = w.run(["status"], { env: NO_KEY });
    expect(keyless).toEqual({ code: 0, stdout: keyed.stdout, stderr: warning("no key") });
    expect(keyless.stdout).toMatch(/\nSOON +generic +2026-12-04 +4 +EXPIRING in 4 days\n/);
    noValues(keyless);
    // A key that does not open the file is the same as none, said so.
    expect(w.run(["status"], { env: { VAULTFILE_AGE_KEY_FILE: testKey("bob").identityFile } })).toEqual({
      code: 0,
      stdout: keyed.stdout,
      stderr: warning("none of your keys opens it"),
    });
  });

  it("status --json marks every row verified: false, and true with the key; --no-decrypt never uses the key", async () => {
    const w = await vault();
    const rows = (env: Record<string, string>, ...flags: string[]) =>
      JSON.parse(w.run(["--json", "status", ...flags], { env }).stdout) as { name: string; verified: boolean }[];
    const keyed = rows({});
    expect(keyed.map((r) => r.verified)).toEqual([true, true, true, true]);
    const keyless = rows(NO_KEY);
    expect(keyless.map((r) => r.verified)).toEqual([false, false, false, false]);
    expect(keyless.map(({ verified: _, ...r }) => r)).toEqual(keyed.map(({ verified: _, ...r }) => r));
    expect(rows({}, "--no-decrypt").map((r) => r.verified)).toEqual([false, false, false, false]);
  });

  it("validate needs a key unless --no-decrypt, which checks the metadata, unverified, with the usual exit code", async () => {
    const w = await vault();
    expect(w.run(["validate"], { env: NO_KEY }).code).toBe(4);
    const r = w.run(["--json", "validate", "--no-decrypt"], { env: NO_KEY });
    expect(r.code).toBe(1); // OLD_TOKEN expired, GITHUB_TOKEN missing
    expect(r.stderr).toBe(warning("--no-decrypt"));
    expect(JSON.parse(r.stdout)).toMatchObject({
      valid: false,
      verified: false,
      missing: ["GITHUB_TOKEN"],
      expired: ["OLD_TOKEN"],
      expiringSoon: ["SOON"],
    });
    expect(JSON.parse(w.run(["--json", "validate"]).stdout)).toMatchObject({ valid: false, verified: true });
    noValues(r);
  });

  it("shows a hand edit that the key would refuse: it really is unverified", async () => {
    const w = await vault();
    writeFileSync(w.file, w.text().replace('expires_at: "2026-11-25T10:00:00Z"', 'expires_at: "2030-11-01T00:00:00Z"'));
    expect(w.run(["status"]).code).toBe(5); // with the key: the MAC catches it
    const keyless = w.run(["--json", "status"], { env: NO_KEY });
    expect(keyless.code).toBe(0);
    expect(
      (JSON.parse(keyless.stdout) as { name: string; status: string }[]).find((x) => x.name === "OLD_TOKEN")?.status,
    ).toBe("ok");
  });
});

describe("Vault.openMetadata", () => {
  it("reads names and dates through the vault's own structure checks; values, changes and saving need the key", async () => {
    const w = await vault();
    const v = await Vault.openMetadata(w.text(), w.file, { now: () => new Date("2026-11-30T00:00:00Z") });
    expect(v.verified).toBe(false);
    expect(v.list()).toEqual(["PYPI_TOKEN", "OLD_TOKEN", "SOON"]);
    expect(v.required).toEqual(["PYPI_TOKEN", "GITHUB_TOKEN"]);
    expect(v.expiryReport().SOON).toMatchObject({ daysUntilExpiry: 4, status: "expiring" });
    expect(v.validate()).toMatchObject({ allValid: false, invalidFormat: [] });
    expect(v.get("PYPI_TOKEN").hasValue).toBe(false);
    expect(() => v.get("PYPI_TOKEN").value).toThrow(NoIdentityError);
    expect(() => v.exportSecrets()).toThrow(NoIdentityError);
    expect(() => v.set("NEW", "x")).toThrow(NoIdentityError);
    expect(() => v.toText()).toThrow(NoIdentityError);
    await expect(v.addRecipient("bob", testKey("bob").recipient)).rejects.toThrow(NoIdentityError);
    // The same structure rules as a keyed open: a value in clear is refused.
    await expect(
      Vault.openMetadata(w.text().replace(/value: ENC\[[^\]]*\]/, "value: hunter2"), w.file),
    ).rejects.toThrow(FormatError);
    expect((await openVault(w.file, { identityFiles: [testKey("alice").identityFile], env: {} })).verified).toBe(true);
  });
});
