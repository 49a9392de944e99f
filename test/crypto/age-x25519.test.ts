/**
 * The node:crypto X25519 reader must open exactly what the `age` CLI and `age-encryption` write, derive the same
 * recipients, and decline (never accept) anything altered, so that the fallback to `age-encryption` decides.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { armor, Encrypter, generateHybridIdentity, generateX25519Identity, identityToRecipient } from "age-encryption";
import { decryptArmoredX25519, decodeX25519Identity } from "../../src/crypto/age-x25519.js";
import { unwrapDataKey } from "../../src/crypto/age.js";
import { testKey } from "../helpers.js";

const ageCli = (args: string[], input: Uint8Array): string => execFileSync("age", args, { input }).toString("latin1");
const native = (name: "alice" | "bob" | "carol") => decodeX25519Identity(testKey(name).secret)!;

describe("native X25519 age reader", () => {
  it("derives the recipient age-keygen and age-encryption derive", async () => {
    for (const name of ["alice", "bob", "carol"] as const) {
      const k = testKey(name);
      expect(native(name).recipient).toBe(k.recipient);
      expect(native(name).recipient).toBe(await identityToRecipient(k.secret));
    }
    const fresh = await generateX25519Identity();
    expect(decodeX25519Identity(fresh)!.recipient).toBe(await identityToRecipient(fresh));
  });

  it("declines identities that are not valid X25519 keys", async () => {
    const alice = testKey("alice").secret;
    const flipped = alice.slice(0, -1) + (alice.endsWith("Q") ? "P" : "Q");
    expect(decodeX25519Identity(flipped)).toBeUndefined();
    expect(decodeX25519Identity(await generateHybridIdentity())).toBeUndefined();
  });

  it("opens files written by the age CLI: one or several recipients, one chunk or several", () => {
    for (const size of [0, 32, 65536, 150_000]) {
      const plain = randomBytes(size);
      const enc = ageCli(["-a", "-r", testKey("alice").recipient, "-r", testKey("bob").recipient], plain);
      expect(Buffer.from(decryptArmoredX25519(enc, [native("bob")])!)).toEqual(plain);
      expect(decryptArmoredX25519(enc, [native("carol")])).toBeUndefined();
      expect(Buffer.from(decryptArmoredX25519(enc, [native("carol"), native("alice")])!)).toEqual(plain);
    }
  });

  it("opens files written by age-encryption", async () => {
    const plain = randomBytes(32);
    const e = new Encrypter();
    e.addRecipient(testKey("carol").recipient);
    const enc = armor.encode(await e.encrypt(plain));
    expect(Buffer.from(decryptArmoredX25519(enc, [native("carol")])!)).toEqual(plain);
  });

  it("declines every altered byte of the armored body", () => {
    const enc = ageCli(["-a", "-r", testKey("alice").recipient], randomBytes(32));
    const lines = enc.trim().split("\n");
    const body = Buffer.from(lines.slice(1, -1).join(""), "base64");
    const rearmor = (b: Buffer) =>
      [lines[0], ...(b.toString("base64").match(/.{1,64}/g) ?? []), lines[lines.length - 1]].join("\n") + "\n";
    expect(decryptArmoredX25519(rearmor(body), [native("alice")])).toBeDefined();
    for (let i = 0; i < body.length; i++) {
      const altered = Buffer.from(body);
      altered[i]! ^= 0x01;
      expect(decryptArmoredX25519(rearmor(altered), [native("alice")]), `byte ${i}`).toBeUndefined();
    }
    expect(decryptArmoredX25519(rearmor(body.subarray(0, body.length - 1)), [native("alice")])).toBeUndefined();
    expect(decryptArmoredX25519(enc.replace("-----END", "AAAA\n-----END"), [native("alice")])).toBeUndefined();
  });

  it("unwrapDataKey gives the same key with the native path as age-encryption alone (post-quantum identity mixed in)", async () => {
    const dataKey = randomBytes(32);
    const enc = ageCli(["-a", "-r", testKey("alice").recipient], dataKey);
    const alice = { secret: testKey("alice").secret, kind: "x25519" as const, source: "test" };
    const pq = { secret: testKey("pq-dana").secret, kind: "pq" as const, source: "test" };
    expect(Buffer.from((await unwrapDataKey([{ recipient: testKey("alice").recipient, enc }], [alice]))!)).toEqual(
      dataKey,
    );
    // With a PQ identity present the native reader steps aside and age-encryption opens the file.
    expect(Buffer.from((await unwrapDataKey([{ recipient: testKey("alice").recipient, enc }], [pq, alice]))!)).toEqual(
      dataKey,
    );
  });
});
