/**
 * The C2SP CCTV age test vectors (npm `cctv-age`, the set typage and age run) through vaultfile's two readers: the
 * native X25519 reader (`decryptArmoredX25519`) and `age-encryption`. For every vector the native reader either
 * gives exactly typage's plaintext or declines (`undefined`); it never gives a payload where the vector expects a
 * failure. Then `unwrapDataKey` runs each vector with the native reader on and forced off, with the same outcome.
 */
import { createHash } from "node:crypto";
import { inflateSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import * as testkit from "cctv-age";
import { armor, Decrypter } from "age-encryption";
import { unwrapDataKey, useNativeReader } from "../../src/crypto/age.js";
import { decodeX25519Identity } from "../../src/crypto/age-x25519.js";
import { parseIdentities, type Identity } from "../../src/crypto/identities.js";

interface Vector {
  name: string;
  expect: string;
  payload: string | undefined;
  identities: string[];
  passphrase: boolean;
  armored: boolean;
  body: Uint8Array;
}

function vectors(): Vector[] {
  const all = ((testkit as { default?: Record<string, Uint8Array> }).default ??
    (testkit as unknown as Record<string, Uint8Array>)) as Record<string, Uint8Array>;
  return Object.entries(all).map(([name, contents]) => {
    const bytes = Buffer.from(contents);
    const sep = bytes.indexOf("\n\n");
    const meta = bytes
      .subarray(0, sep)
      .toString("utf8")
      .split("\n")
      .map((l) => [l.slice(0, l.indexOf(": ")), l.slice(l.indexOf(": ") + 2)] as const);
    const get = (k: string) => meta.find(([m]) => m === k)?.[1];
    let body: Uint8Array = new Uint8Array(bytes.subarray(sep + 2));
    if (get("compressed") === "zlib") body = new Uint8Array(inflateSync(body));
    return {
      name,
      expect: get("expect")!,
      payload: get("payload"),
      identities: meta.filter(([m]) => m === "identity").map(([, v]) => v),
      passphrase: get("passphrase") !== undefined,
      armored: get("armored") === "yes",
      body,
    };
  });
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** typage's verdict: the plaintext, or the failure. */
async function typage(v: Vector): Promise<Uint8Array | Error> {
  try {
    const d = new Decrypter();
    for (const id of v.identities) d.addIdentity(id);
    const file = v.armored ? armor.decode(Buffer.from(v.body).toString("latin1")) : v.body;
    return await d.decrypt(file);
  } catch (err) {
    return err as Error;
  }
}

/** The vector as sops stores an age file: armored. A binary vector is armored canonically first. */
function armoredText(v: Vector): string {
  return v.armored ? Buffer.from(v.body).toString("latin1") : armor.encode(v.body);
}

// Three vectors are 16 MiB streams: they run with SLOW=1 (a sops stanza holds 32 bytes; typage's own suite runs them).
const SLOW = process.env.SLOW === "1";
const SIZE_OK = (v: Vector) => SLOW || v.body.length <= 1 << 20;

const X25519_ONLY = (v: Vector) =>
  !v.passphrase && v.identities.length > 0 && v.identities.every((i) => i.startsWith("AGE-SECRET-KEY-1"));

describe("CCTV age test vectors", { timeout: 120_000 }, () => {
  const every = vectors();
  const all = every.filter(SIZE_OK);
  afterEach(() => void useNativeReader(true));

  it("holds the vector set (success and every kind of failure)", () => {
    expect(every.length).toBeGreaterThan(100);
    expect(all.length).toBeGreaterThanOrEqual(every.length - 3);
    expect(new Set(all.map((v) => v.expect))).toEqual(
      new Set(["success", "header failure", "armor failure", "payload failure", "no match", "HMAC failure"]),
    );
  });

  it("typage gives each vector's expected verdict (the oracle is right)", async () => {
    for (const v of all.filter((x) => !x.passphrase && x.identities.length > 0)) {
      const got = await typage(v);
      if (v.expect === "success") {
        expect(got, v.name).toBeInstanceOf(Uint8Array);
        expect(sha256(got as Uint8Array), v.name).toBe(v.payload);
      } else {
        expect(got, v.name).toBeInstanceOf(Error);
      }
    }
  });

  it("the native reader equals typage or declines, and never gives a payload where a failure is expected", async () => {
    let agreed = 0;
    let declined = 0;
    for (const v of all.filter(X25519_ONLY)) {
      const ids = v.identities.map((i) => decodeX25519Identity(i));
      if (ids.some((i) => i === undefined)) continue;
      const native = (await import("../../src/crypto/age-x25519.js")).decryptArmoredX25519(
        armoredText(v),
        ids as NonNullable<(typeof ids)[number]>[],
      );
      if (native === undefined) {
        declined++;
        continue;
      }
      expect(v.expect, `${v.name}: the native reader gave a payload`).toBe("success");
      const oracle = await typage(v);
      expect(oracle, v.name).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(native).equals(Buffer.from(oracle as Uint8Array)), v.name).toBe(true);
      expect(sha256(native), v.name).toBe(v.payload);
      agreed++;
    }
    // Both cases happen: the reader is exercised, and it does decline what it does not fully accept.
    expect(agreed).toBeGreaterThan(5);
    expect(declined).toBeGreaterThan(20);
  });

  it("unwrapDataKey gives the same outcome with the native reader on and forced off", async () => {
    for (const v of all.filter(X25519_ONLY)) {
      let identities: Identity[];
      try {
        identities = v.identities.flatMap((i, n) => parseIdentities(i, `vector identity ${n + 1}`));
      } catch {
        continue; // an identity vaultfile refuses up front (the leak tests cover those)
      }
      const stanzas = [{ recipient: "age1unknown", enc: armoredText(v) }];
      const outcome = async (native: boolean) => {
        useNativeReader(native);
        try {
          const key = await unwrapDataKey(stanzas, identities);
          return key ? `key ${sha256(key)}` : "no key";
        } catch (err) {
          return `${(err as Error).constructor.name}: ${(err as Error).message}`;
        }
      };
      const fast = await outcome(true);
      const slow = await outcome(false);
      expect(fast, v.name).toBe(slow);
      if (v.expect !== "success") expect(fast, v.name).not.toMatch(/^key /);
    }
  });
});
