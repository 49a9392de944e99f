/**
 * Chain of custody between data keys. A vault's data key can be replaced by anyone who can write the file (the
 * recipients' public keys are in it), so a key change must carry a proof that the writer held the key it replaces.
 *
 * Each data key K determines, by HKDF, an Ed25519 signing key `sk(K)` with public key `pub(K)`, and a key id
 * `id(K)` (16 bytes). When vaultfile replaces K_old by K_new it appends a link `{to: id(K_new), key: pub(K_new),
 * sig}` where `sig` is `sk(K_old)`'s signature over the domain, `id(K_new)` and `pub(K_new)`. A verifier holding
 * K_old computes `pub(K_old)` and follows the links: each verified link vouches for the next public key, so several
 * re-keys between two commits still verify without the intermediate keys. Neither the key ids nor the public keys
 * reveal anything about a data key. Pure: no I/O.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { deriveKey } from "./aead.js";

/** One re-key: who the new key is, and the old key's signature vouching for it. */
export interface CustodyLink {
  /** `id(K_new)`, hex. */
  to: string;
  /** `pub(K_new)`, raw Ed25519 public key, base64. */
  key: string;
  /** `sk(K_old)`'s Ed25519 signature over {@link linkMessage}, base64. */
  sig: string;
}

/**
 * A data key, or something that derives sub-keys from one without handing it out (an opened sops file's
 * `deriveKey`): every custody value is an HKDF sub-key of the data key, so either serves.
 */
export type DataKeySource = Uint8Array | { deriveKey(purpose: string): Uint8Array };

const DOMAIN = "vaultfile custody v1";
/** PKCS #8 DER prefix of an Ed25519 private key; the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

const derive = (key: DataKeySource, purpose: string): Uint8Array =>
  key instanceof Uint8Array ? deriveKey(key, purpose) : key.deriveKey(purpose);

/** The key id of a data key: a domain-separated digest, safe to publish. */
export function keyId(dataKey: DataKeySource): string {
  return Buffer.from(derive(dataKey, `${DOMAIN} key id`).subarray(0, 16)).toString("hex");
}

function signingKey(dataKey: DataKeySource): KeyObject {
  const seed = derive(dataKey, `${DOMAIN} signing key`).subarray(0, 32);
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
}

/** `pub(K)`: the raw 32-byte Ed25519 public key of a data key, base64. */
export function custodyPublicKey(dataKey: DataKeySource): string {
  const der = createPublicKey(signingKey(dataKey)).export({ format: "der", type: "spki" });
  return der.subarray(der.length - 32).toString("base64");
}

function publicKeyObject(raw: string): KeyObject | undefined {
  const bytes = Buffer.from(raw, "base64");
  if (bytes.length !== 32) return undefined;
  return createPublicKey({
    key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), bytes]),
    format: "der",
    type: "spki",
  });
}

function linkMessage(to: string, key: string): Buffer {
  return Buffer.from(`${DOMAIN}\n${to}\n${key}\n`, "utf8");
}

/** The link a holder of `oldKey` writes when the data key becomes `newKey`. */
export function custodyLink(oldKey: DataKeySource, newKey: DataKeySource): CustodyLink {
  const to = keyId(newKey);
  const key = custodyPublicKey(newKey);
  return { to, key, sig: sign(null, linkMessage(to, key), signingKey(oldKey)).toString("base64") };
}

/**
 * Whether `links` carry custody from `fromKey` (the parent version's data key) to `toKey` (this version's): the
 * first link signed by `fromKey`, then each following link signed by the key the previous one vouched for, ending
 * at `toKey`'s id and public key.
 */
export function custodyHolds(fromKey: DataKeySource, toKey: DataKeySource, links: readonly CustodyLink[]): boolean {
  let trusted: string = custodyPublicKey(fromKey);
  let reached: CustodyLink | undefined;
  for (const link of links) {
    const pub = publicKeyObject(trusted);
    let ok = false;
    try {
      ok = pub !== undefined && verify(null, linkMessage(link.to, link.key), pub, Buffer.from(link.sig, "base64"));
    } catch {
      ok = false;
    }
    if (!ok) {
      if (reached === undefined) continue; // links older than the parent's key
      return false; // a break after the chain started
    }
    trusted = link.key;
    reached = link;
  }
  return reached !== undefined && reached.to === keyId(toKey) && reached.key === custodyPublicKey(toKey);
}
