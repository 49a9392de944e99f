/**
 * The sops engine against oracles that are not itself: values vaultfile writes are read back by `sops-age` (its own
 * age and AES-GCM code), and a file built here from the sops format spec with node:crypto and the `age-encryption`
 * library (data key, leaves, MAC) opens in `sops-decoder` (which verifies the MAC) and in vaultfile alike.
 */
import { createCipheriv, createHash, randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import { join } from "node:path";
import { armor, Encrypter } from "age-encryption";
import fc from "fast-check";
import { decryptSops as sopsAge } from "sops-age";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { decryptSops } from "../../src/sops/library.js";
import { createVault, openVault } from "../../src/io/vault-file.js";
import { tempDir, testKey } from "../helpers.js";
import { aliceOpts } from "../vault/make.js";

const require = createRequire(import.meta.url);
const RUNS = process.env.SLOW ? 500 : 40;

describe("values vaultfile writes, read by sops-age", () => {
  it("any non-empty string survives set → save, as sops-age and vaultfile read it (unicode, newlines, large)", async () => {
    const path = join(tempDir(), "v.yaml");
    const v = await createVault(path, { alice: testKey("alice").recipient }, aliceOpts());
    await v.save();
    const big = "x".repeat(200_000) + "\n" + "é".repeat(1000);
    const strings = fc.oneof(
      fc.string({ unit: "grapheme", minLength: 1, maxLength: 200 }),
      fc.string({ unit: "binary", minLength: 1, maxLength: 100 }),
      fc.constantFrom("\n", " lead", "trail ", "a\r\nb", "'\"`$\\", big, "ENC[AES256_GCM,data:,iv:,tag:,type:str]"),
    );
    await fc.assert(
      fc.asyncProperty(strings, async (value) => {
        const vault = await openVault(path, aliceOpts());
        vault.set("S", value);
        await vault.save();
        const text = vault.toText();
        const peer = (await sopsAge(text, { secretKey: testKey("alice").secret, fileType: "yaml" })) as {
          secrets: { S: { value: string } };
        };
        // sops writes (and reads back) an empty value as '' without encrypting it.
        expect(peer.secrets.S.value ?? "").toBe(value);
        expect((await openVault(path, aliceOpts())).get("S").value).toBe(value);
      }),
      { numRuns: RUNS },
    );
  }, 180_000);
});

/** AES-256-GCM as sops uses it: 32-byte IV, associated data = the leaf's path, `ENC[…]` text. */
function encLeaf(key: Uint8Array, plain: string, aad: string, type: string): string {
  const iv = randomBytes(32);
  const c = createCipheriv("aes-256-gcm", key, iv);
  c.setAAD(Buffer.from(aad, "utf8"));
  const data = Buffer.concat([c.update(plain, "utf8"), c.final()]);
  return `ENC[AES256_GCM,data:${data.toString("base64")},iv:${iv.toString("base64")},tag:${c.getAuthTag().toString("base64")},type:${type}]`;
}

/** A sops YAML file made from the format spec: the data key wrapped by age-encryption, leaves and MAC by node:crypto. */
async function specFile(
  leaves: readonly [key: string, plain: string, type: string][],
): Promise<{ text: string; dataKey: Uint8Array }> {
  const dataKey = randomBytes(32);
  const e = new Encrypter();
  e.addRecipient(testKey("alice").recipient);
  const wrapped = armor.encode(await e.encrypt(dataKey));
  // The sops MAC: SHA-512 over every leaf's plaintext in order, upper-case hex, encrypted with lastmodified as AAD.
  const h = createHash("sha512");
  for (const [, plain] of leaves) h.update(plain, "utf8");
  const lastModified = "2026-11-24T10:00:00Z";
  const text = [
    ...leaves.map(([k, plain, type]) => `${k}: ${encLeaf(dataKey, plain, `${k}:`, type)}`),
    "sops:",
    "    age:",
    `        - recipient: ${testKey("alice").recipient}`,
    "          enc: |",
    wrapped
      .trimEnd()
      .split("\n")
      .map((l) => "            " + l)
      .join("\n"),
    `    lastmodified: "${lastModified}"`,
    `    mac: ${encLeaf(dataKey, h.digest("hex").toUpperCase(), lastModified, "str")}`,
    "    unencrypted_suffix: _unencrypted",
    "    version: 3.9.4",
    "",
  ].join("\n");
  return { text, dataKey };
}

describe("a sops file built from the spec, not by vaultfile", () => {
  it("str, int, float and bool leaves read as sops-decoder reads them, MAC verified by both", async () => {
    // Leaves as sops stores them: the plaintext bytes of each type (bools are True/False, as Go prints them).
    const { text, dataKey } = await specFile([
      ["s", "text", "str"],
      ["i", "42", "int"],
      ["f", "1234.56789", "float"],
      ["t", "True", "bool"],
      ["ff", "False", "bool"],
    ]);
    const ours = await decryptSops(text, [testKey("alice").secret], { file: "spec.yaml" });
    expect(ours.data).toEqual({ s: "text", i: 42, f: 1234.56789, t: true, ff: false });
    expect(ours.recipients).toEqual([testKey("alice").recipient]);

    // sops-decoder fetches data keys only from AWS KMS: answer its KMS call with the data key made above.
    const kms = require("@aws-sdk/client-kms") as { KMSClient: { prototype: { send: unknown } } };
    const original = kms.KMSClient.prototype.send;
    kms.KMSClient.prototype.send = async () => ({ Plaintext: new Uint8Array(dataKey) });
    try {
      const { decrypt } = require("sops-decoder") as { decrypt: (t: unknown) => Promise<Record<string, unknown>> };
      const withKms = (t: string) => {
        const tree = parse(t) as { sops: Record<string, unknown> };
        tree.sops.kms = [{ arn: "arn:aws:kms:us-east-1:000000000000:key/test-only", enc: "AA==" }];
        return tree;
      };
      const peer = await decrypt(withKms(text));
      expect(peer).toMatchObject({ s: "text", i: 42, f: 1234.56789, t: true, ff: false });
      // Both refuse the same tampering: a leaf's ciphertext changed breaks its tag.
      const altered = text.replace(/^i: ENC\[AES256_GCM,data:[^,]+/m, "i: ENC[AES256_GCM,data:KgA=");
      expect(altered).not.toBe(text);
      await expect(decrypt(withKms(altered))).rejects.toThrow();
      await expect(decryptSops(altered, [testKey("alice").secret])).rejects.toMatchObject({ exitCode: 5 });
    } finally {
      kms.KMSClient.prototype.send = original;
    }
  });

  it("leaves sops-decoder cannot read exactly: a 64-bit int stays exact (bigint), a time leaf is its RFC 3339 text; MAC verified", async () => {
    // (sops-decoder parses ints into JS numbers, so its MAC over 2^53 + 1 fails, and it does not know `time`.)
    const { text } = await specFile([
      ["big", "9007199254740993", "int"],
      ["when", "2026-11-24T10:00:00Z", "time"],
    ]);
    expect((await decryptSops(text, [testKey("alice").secret])).data).toEqual({
      big: 9007199254740993n,
      when: "2026-11-24T10:00:00Z",
    });
  });
});
