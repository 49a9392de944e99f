/**
 * Shamir's secret sharing as sops does it (src/crypto/shamir.ts): round trips for every threshold and every subset
 * of shares, and the shares that sops v3.9.2 itself wrote into key-group files rebuild their data keys.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { unwrapDataKey } from "../../src/crypto/age.js";
import { decryptAead } from "../../src/crypto/aead.js";
import { parseIdentities } from "../../src/crypto/identities.js";
import { combine, split } from "../../src/crypto/shamir.js";
import { parseEncryptedValue } from "../../src/format/enc.js";
import { parseYaml, readMetadata } from "../../src/format/yaml.js";
import { SHARED_SOPS } from "../helpers.js";
import { existsSync } from "node:fs";

const SOPS392 = join(SHARED_SOPS, "..", "sops-3.9.2");
const hasFixtures = existsSync(join(SOPS392, "enc-09a-shamir-2of2.enc.yaml"));
if (!hasFixtures) console.warn(`SKIPPED: sops key-group fixtures: ${SOPS392} is absent`);

function subsets<T>(xs: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  if (xs.length < k) return [];
  const [head, ...rest] = xs as [T, ...T[]];
  return [...subsets(rest, k - 1).map((s) => [head, ...s]), ...subsets(rest, k)];
}

describe("split / combine", () => {
  it("any `threshold` of the shares give the secret back, in any order", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.integer({ min: 2, max: 5 }),
        fc.integer({ min: 0, max: 3 }),
        (secret, threshold, extra) => {
          const shares = split(secret, threshold + extra, threshold);
          expect(shares.every((s) => s.length === secret.length + 1)).toBe(true);
          for (const subset of subsets(shares, threshold)) expect(combine([...subset].reverse())).toEqual(secret);
        },
      ),
      { numRuns: process.env.SLOW ? 300 : 40 },
    );
  });

  it("fewer shares than the threshold do not give the secret", () => {
    const secret = new Uint8Array(32).fill(7);
    const shares = split(secret, 3, 3);
    expect(combine(shares.slice(0, 2))).not.toEqual(secret);
  });

  it("refuses what sops refuses", () => {
    expect(() => split(new Uint8Array([1]), 2, 3)).toThrow(/parts cannot be less than threshold/);
    expect(() => split(new Uint8Array([1]), 3, 1)).toThrow(/threshold must be at least 2/);
    expect(() => split(new Uint8Array(0), 3, 2)).toThrow(/empty secret/);
    const [a] = split(new Uint8Array([1, 2]), 2, 2);
    expect(() => combine([a!])).toThrow(/less than two parts/);
    expect(() => combine([a!, a!])).toThrow(/duplicate part/);
    expect(() => combine([a!, new Uint8Array(5)])).toThrow(/same length/);
  });
});

describe.skipIf(!hasFixtures)("shares written by sops v3.9.2", () => {
  for (const [file, keyFile] of [
    ["enc-09a-shamir-2of2", "key-alice+bob"],
    ["enc-09b-shamir-2of3", "key-alice+carol"],
  ] as const) {
    it(`${file}: the unwrapped shares combine to the key that opens db_password`, async () => {
      const text = readFileSync(join(SOPS392, `${file}.enc.yaml`), "utf8");
      const meta = readMetadata(parseYaml(text, file), file, text);
      const ids = parseIdentities(readFileSync(join(SOPS392, `${keyFile}.agekey`), "utf8"), keyFile);
      const shares: Uint8Array[] = [];
      for (const g of meta.keyGroups!) {
        const share = await unwrapDataKey(g.age, ids, 33);
        if (share) shares.push(share);
      }
      expect(shares).toHaveLength(2);
      const key = combine(shares);
      const value = /^db_password: (ENC\[.*\])$/m.exec(text)![1]!;
      const plain = decryptAead(key, parseEncryptedValue(value, "db_password"), "db_password:");
      expect(Buffer.from(plain!).toString()).toBe("s3cret");
    });
  }
});
