/** A vault with custom types stays a plain sops file: an independent sops implementation verifies its MAC. */
import { createRequire } from "node:module";
import { Decrypter, armor } from "age-encryption";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { customTypeEntry } from "../../src/types/index.js";
import { testKey } from "../helpers.js";
import { aliceOpts } from "../vault/make.js";
import { createVault } from "../../src/io/vault-file.js";

const require = createRequire(import.meta.url);

describe("custom types and sops", () => {
  it("sops-decoder verifies the MAC over types:, and notices a changed pattern", async () => {
    const v = await createVault("t.yaml", { alice: testKey("alice").recipient }, aliceOpts());
    v.set("INTERNAL_API_TOKEN", "ia_" + "k".repeat(32), { type: "internal-api" });
    v.setTypeEntry(
      "internal-api",
      customTypeEntry("internal-api", {
        pattern: "ia_[a-z]{32}",
        rotateEvery: "30d",
        companions: ["INTERNAL_API_URL", "OTHER"],
      }),
    );
    const text = v.toText();
    const tree = parse(text) as { sops: { age: { enc: string }[]; kms?: unknown } };
    const d = new Decrypter();
    d.addIdentity(testKey("alice").secret);
    const dataKey = await d.decrypt(armor.decode(tree.sops.age[0]!.enc));
    // sops-decoder only fetches data keys from AWS KMS: answer its KMS call with the key age unwrapped.
    const kms = require("@aws-sdk/client-kms") as { KMSClient: { prototype: { send: unknown } } };
    const original = kms.KMSClient.prototype.send;
    kms.KMSClient.prototype.send = async () => ({ Plaintext: dataKey });
    try {
      const { decrypt } = require("sops-decoder") as {
        decrypt: (t: unknown) => Promise<{ types: Record<string, { pattern: string; companions: string[] }> }>;
      };
      // It reads the data key through a KMS entry; give it one.
      const withKms = (t: string) => {
        const tree = parse(t) as { sops: Record<string, unknown> };
        tree.sops.kms = [{ arn: "arn:aws:kms:us-east-1:000000000000:key/test-only", enc: "AA==" }];
        return tree;
      };
      const out = await decrypt(withKms(text));
      expect(out.types["internal-api"]).toMatchObject({
        pattern: "ia_[a-z]{32}",
        companions: ["INTERNAL_API_URL", "OTHER"],
      });
      const bad = withKms(text.replace("pattern: ia_[a-z]{32}", "pattern: .*"));
      await expect(decrypt(bad)).rejects.toThrow(/Hash mismatch/);
    } finally {
      kms.KMSClient.prototype.send = original;
    }
  });
});
