import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Vault } from "../../src/vault/vault.js";
import { SopsFile } from "../../src/vault/sops-file.js";
import { parseIdentities } from "../../src/crypto/identities.js";
import { seal } from "../../src/crypto/aead.js";
import { formatEncryptedValue } from "../../src/format/enc.js";
import { scalarToBytes } from "../../src/format/values.js";
import { testKey, tempDir } from "../helpers.js";
import { aliceOpts } from "./make.js";

const RUNS = process.env.SLOW ? 500 : 40;

describe("value round trips", () => {
  it("any non-empty string survives set → save → open (unicode, newlines, large); an empty one is refused", async () => {
    const dir = tempDir();
    const path = join(dir, "v.yaml");
    const v = await Vault.create(path, { alice: testKey("alice").recipient }, aliceOpts());
    await v.save();
    const big = "x".repeat(200_000) + "\n" + "é".repeat(1000);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: "grapheme", minLength: 1, maxLength: 200 }), fc.string({ unit: "binary", minLength: 1, maxLength: 100 }), fc.constantFrom("\n", " lead", "trail ", "a\r\nb", "'\"`$\\", big, "ENC[AES256_GCM,data:,iv:,tag:,type:str]")), async (value) => {
        const vault = await Vault.open(path, aliceOpts());
        vault.set("S", value);
        await vault.save();
        const back = await Vault.open(path, aliceOpts());
        expect(back.get("S").value).toBe(value);
      }),
      { numRuns: RUNS },
    );
    // One rule for empty values, in the library as in set, import and edit (issue 15, item 2).
    const vault = await Vault.open(path, aliceOpts());
    expect(() => vault.set("EMPTY", "")).toThrow(/^the value of EMPTY is empty$/);
    expect(() => vault.rotate("S", "")).toThrow(/^the value of S is empty$/);
  });

  it("never clears an expiry or a rotation period in the library, as on the command line (issue 15, item 1)", async () => {
    const v = await Vault.create(join(tempDir(), "v.yaml"), { alice: testKey("alice").recipient }, aliceOpts());
    v.set("T", "x", { expiresIn: "30d", rotateEvery: "90d" });
    v.update("T", { expiresAt: "never", rotateEvery: "Never" });
    expect([v.get("T").expiresAt, v.get("T").rotateEvery]).toEqual([null, null]);
    expect(() => v.update("T", { rotateEvery: "0d" })).toThrow(expect.objectContaining({ message: 'invalid rotation period "0d"', hint: expect.stringContaining("never for none") }));
  });

  it("reads every sops value type from encrypted leaves (str, int, float, bool, time)", async () => {
    const key = testKey("alice");
    // A sops file written with the sops rules (default unencrypted_suffix), one leaf of each type.
    const leaves: [string, unknown, "str" | "int" | "float" | "bool" | "time"][] = [
      ["s", "text", "str"],
      ["i", 42, "int"],
      ["big", 9007199254740993n, "int"],
      ["f", 1234.56789, "float"],
      ["t", true, "bool"],
      ["ff", false, "bool"],
      ["when", "2026-11-24T10:00:00Z", "time"],
    ];
    const sf = await SopsFile.create("x.yaml", [key.recipient], () => {});
    const dk = (sf as unknown as { dataKey: Uint8Array }).dataKey;
    const body = leaves.map(([k, v, t]) => `${k}: ${formatEncryptedValue(seal(dk, scalarToBytes(v as never, t), `${k}:`, t))}`).join("\n");
    // Let the engine compute the MAC over a document holding these leaves, then reopen it from text.
    const text0 = sf.serialize(new Date("2026-11-24T10:00:00Z"));
    const text = body + "\n" + text0.replace(/^# .*\n/gm, "").replace(/^encrypted_regex.*\n/m, "");
    const withRules = text.replace("  encrypted_regex: ^value$\n", "");
    const ids = { identities: parseIdentities(key.secret, "test"), searched: [] };
    // The MAC is stale after adding leaves; recompute it through the engine: open would fail, so build the
    // expected MAC by re-serializing a doc where the plaintexts are known.
    await expect(SopsFile.open(withRules, "x.yaml", ids)).rejects.toThrow(/MAC mismatch/);
    const reopened = await openRemac(withRules, ids);
    const plain = reopened.toPlain();
    expect(plain).toEqual({ s: "text", i: 42, big: 9007199254740993n, f: 1234.56789, t: true, ff: false, when: "2026-11-24T10:00:00Z" });
  });
});

/** Opens a file whose MAC is stale by recomputing it with the engine's own serializer (test-only helper). */
async function openRemac(text: string, ids: { identities: ReturnType<typeof parseIdentities>; searched: string[] }): Promise<SopsFile> {
  const proto = SopsFile.prototype as unknown as { verifyMac: (...a: unknown[]) => void };
  const original = proto.verifyMac;
  proto.verifyMac = () => {};
  try {
    const sf = await SopsFile.open(text, "x.yaml", ids);
    const fixed = sf.serialize(new Date("2026-11-24T10:00:00Z"));
    proto.verifyMac = original;
    const dir = tempDir();
    writeFileSync(join(dir, "x.yaml"), fixed);
    return await SopsFile.open(fixed, "x.yaml", ids);
  } finally {
    proto.verifyMac = original;
  }
}
