import { readFileSync, statSync, chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers.js";
import { aliceOpts, sampleVaultText } from "./make.js";
import { openVault } from "../../src/io/vault-file.js";

/** Line numbers (1-based, of `a`) that differ between two texts of the same length in lines. */
function changedLines(a: string, b: string): string[] {
  const la = a.split("\n");
  const lb = b.split("\n");
  expect(lb.length).toBe(la.length);
  return la.flatMap((line, i) => (line === lb[i] ? [] : [line.replace(/:.*/, ":").trim()]));
}

async function saved(text: string): Promise<string> {
  const dir = tempDir();
  const path = join(dir, "s.yaml");
  writeFileSync(path, text);
  return path;
}

describe("saving without noise", () => {
  it("a rotation changes only that entry's value and rotated_at, and lastmodified/mac", async () => {
    const path = await saved(await sampleVaultText());
    const before = readFileSync(path, "utf8");
    const later = new Date("2026-11-30T08:00:00Z");
    const v = await openVault(path, aliceOpts({ now: () => later }));
    v.rotate("DOCKER_USERNAME", "new-bot");
    await v.save();
    const after = readFileSync(path, "utf8");
    expect(changedLines(before, after)).toEqual(["value:", "rotated_at:", "lastmodified:", "mac:"]);
    // and the lines changed are inside the DOCKER_USERNAME entry
    const idx = after.split("\n").findIndex((l, i) => l !== before.split("\n")[i]);
    expect(
      after
        .split("\n")
        .slice(0, idx)
        .reverse()
        .find((l) => /^ {2}\S/.test(l)),
    ).toBe("  DOCKER_USERNAME:");
  });

  it("rotating a secret with a policy renews expires_at from rotate_every", async () => {
    const path = await saved(await sampleVaultText());
    const before = readFileSync(path, "utf8");
    const later = new Date("2026-12-01T00:00:00Z");
    const v = await openVault(path, aliceOpts({ now: () => later }));
    const s = v.rotate("DOCKER_PASSWORD", "n3w");
    expect(s.expiresAt?.toISOString()).toBe("2027-03-01T00:00:00.000Z");
    await v.save();
    expect(changedLines(before, readFileSync(path, "utf8"))).toEqual([
      "value:",
      "rotated_at:",
      "expires_at:",
      "lastmodified:",
      "mac:",
    ]);
  });

  it("setting the same value again changes nothing but lastmodified/mac; unchanged ciphertexts stay byte for byte", async () => {
    const path = await saved(await sampleVaultText());
    const before = readFileSync(path, "utf8");
    const v = await openVault(path, aliceOpts({ now: () => new Date("2026-11-25T00:00:00Z") }));
    v.set("PYPI_TOKEN", "pypi-secret-one");
    await v.save();
    expect(changedLines(before, readFileSync(path, "utf8"))).toEqual(["lastmodified:", "mac:"]);
  });

  it("keeps comments, key order, quoting and unknown fields of a hand-formatted file", async () => {
    const base = await sampleVaultText();
    const withComments = base
      .replace("secrets:\n", "# team secrets, see RUNBOOK.md\nsecrets:\n  # the release upload token\n")
      .replace("    type: docker\n", "    type: docker # shared bot account\n    owner: platform-team\n");
    // The comment and the unknown field are outside the MAC only for comments; owner is a leaf, so re-MAC via a save.
    const path = await saved(withComments);
    const v0 = await openVault(path, aliceOpts({ acceptStaleSeal: true })).catch((e) => e);
    // Adding a leaf by hand breaks the MAC: vaultfile refuses the file (that is the point of the MAC).
    expect(String(v0)).toMatch(/MAC mismatch/);
    // So add the field through a save cycle instead: comments alone do not affect the MAC.
    const onlyComments = base
      .replace("secrets:\n", "# team secrets, see RUNBOOK.md\nsecrets:\n  # the release upload token\n")
      .replace("    type: docker\n", "    type: docker # shared bot account\n");
    writeFileSync(path, onlyComments);
    const v = await openVault(path, aliceOpts({ now: () => new Date("2026-11-26T00:00:00Z") }));
    v.rotate("PYPI_TOKEN", "pypi-two");
    await v.save();
    const after = readFileSync(path, "utf8");
    expect(after).toContain("# team secrets, see RUNBOOK.md\nsecrets:\n  # the release upload token\n  PYPI_TOKEN:");
    expect(after).toContain("    type: docker # shared bot account\n");
    expect(changedLines(onlyComments, after)).toEqual(["value:", "rotated_at:", "lastmodified:", "mac:"]);
  });

  it("a changed value gets a fresh IV, never the old one", async () => {
    const path = await saved(await sampleVaultText());
    const iv = (t: string) => /PYPI_TOKEN:\n {4}value: ENC\[[^\]]*iv:([^,]+)/.exec(t)![1];
    const before = readFileSync(path, "utf8");
    const v = await openVault(path, aliceOpts());
    v.set("PYPI_TOKEN", "pypi-secret-two");
    await v.save();
    const mid = readFileSync(path, "utf8");
    expect(iv(mid)).not.toBe(iv(before));
    const v2 = await openVault(path, aliceOpts());
    v2.set("PYPI_TOKEN", "pypi-secret-one"); // back to the first value: still a new IV
    await v2.save();
    expect(new Set([iv(before), iv(mid), iv(readFileSync(path, "utf8"))]).size).toBe(3);
  });

  it("keeps the file mode and writes atomically (no temp file left)", async () => {
    const path = await saved(await sampleVaultText());
    chmodSync(path, 0o640);
    const v = await openVault(path, aliceOpts());
    v.set("NEW_ONE", "x");
    await v.save();
    expect(statSync(path).mode & 0o777).toBe(0o640);
    const { readdirSync } = await import("node:fs");
    const { dirname } = await import("node:path");
    expect(readdirSync(dirname(path))).toEqual(["s.yaml"]);
  });

  it("refuses to overwrite a file changed on disk since it was opened", async () => {
    const path = await saved(await sampleVaultText());
    const a = await openVault(path, aliceOpts());
    const b = await openVault(path, aliceOpts());
    a.set("A", "1");
    await a.save();
    b.set("B", "2");
    const before = readFileSync(path, "utf8");
    await expect(b.save()).rejects.toMatchObject({ code: "E_CONFLICT", exitCode: 8 });
    expect(readFileSync(path, "utf8")).toBe(before);
  });
});
