/** Custody links: a holder of the old data key vouches for the new one; nothing else verifies. */
import { describe, expect, it } from "vitest";
import { generateDataKey } from "../../src/crypto/aead.js";
import { custodyHolds, custodyLink, custodyPublicKey, keyId } from "../../src/crypto/custody.js";

describe("custody links", () => {
  const [k0, k1, k2, forged] = [generateDataKey(), generateDataKey(), generateDataKey(), generateDataKey()];

  it("verifies one re-key and a chain of several, without the intermediate keys", () => {
    expect(custodyHolds(k0, k1, [custodyLink(k0, k1)])).toBe(true);
    expect(custodyHolds(k0, k2, [custodyLink(k0, k1), custodyLink(k1, k2)])).toBe(true);
    // Older links before the parent's key are skipped.
    expect(custodyHolds(k1, k2, [custodyLink(k0, k1), custodyLink(k1, k2)])).toBe(true);
  });

  it("refuses a key chosen by someone without the old key, a copied link, and a flipped bit", () => {
    expect(custodyHolds(k0, forged, [])).toBe(false);
    expect(custodyHolds(k0, forged, [custodyLink(forged, forged)])).toBe(false);
    // A link from another vault or commit vouches for another key.
    expect(custodyHolds(k0, forged, [custodyLink(k0, k1)])).toBe(false);
    const link = custodyLink(k0, k1);
    const sig = Buffer.from(link.sig, "base64");
    for (const bit of [0, 100, 511]) {
      const flipped = Buffer.from(sig);
      flipped[bit >> 3]! ^= 1 << (bit & 7);
      expect(custodyHolds(k0, k1, [{ ...link, sig: flipped.toString("base64") }])).toBe(false);
    }
    expect(custodyHolds(k0, k1, [{ ...link, to: keyId(k2) }])).toBe(false);
    // A chain that breaks after it started does not hold.
    expect(custodyHolds(k0, k2, [custodyLink(k0, k1), custodyLink(forged, k2)])).toBe(false);
  });

  it("derives stable public ids that differ per key", () => {
    expect(keyId(k0)).toMatch(/^[0-9a-f]{32}$/);
    expect(keyId(k0)).toBe(keyId(Uint8Array.from(k0)));
    expect(keyId(k0)).not.toBe(keyId(k1));
    expect(custodyPublicKey(k0)).not.toBe(custodyPublicKey(k1));
    expect(Buffer.from(custodyPublicKey(k0), "base64")).toHaveLength(32);
  });
});
