/**
 * AES-256-GCM as sops uses it: a 32-byte random IV (not the usual 12), a 16-byte tag, the value's path as
 * associated data. Works on bytes; the `ENC[…]` text form is `format/enc.ts`.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import type { EncryptedValue, SopsValueType } from "../format/enc.js";

export const DATA_KEY_BYTES = 32;
export const IV_BYTES = 32;

/** A new random 32-byte data key. */
export function generateDataKey(): Uint8Array {
  return new Uint8Array(randomBytes(DATA_KEY_BYTES));
}

/** Encrypts `plaintext` with a fresh random IV unless one is given (only the MAC seal passes its own). */
export function encryptAead(
  key: Uint8Array,
  plaintext: Uint8Array,
  aad: string,
  type: SopsValueType,
  iv: Uint8Array = randomBytes(IV_BYTES),
): EncryptedValue {
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: 16 });
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { data: new Uint8Array(data), iv: new Uint8Array(iv), tag: new Uint8Array(cipher.getAuthTag()), type };
}

/** Decrypts and authenticates; returns `null` when the tag does not verify (wrong key, altered data or path). */
export function decryptAead(key: Uint8Array, v: EncryptedValue, aad: string): Uint8Array | null {
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, v.iv, { authTagLength: 16 });
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(v.tag);
    // GCM's final() gives no more bytes: it checks the tag (throwing when it does not verify).
    const plain = decipher.update(v.data);
    decipher.final();
    return plain;
  } catch {
    return null;
  }
}

/** A sub-key of the data key for one purpose (HKDF-SHA-256), so the data key itself is used only by AES-GCM. */
export function deriveKey(dataKey: Uint8Array, purpose: string): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", dataKey, new Uint8Array(0), purpose, 32));
}

/** An incremental HMAC-SHA-256. */
export function hmac(key: Uint8Array): { update(b: Uint8Array): void; digest(): Uint8Array } {
  const h = createHmac("sha256", key);
  return {
    update: (b) => void h.update(b),
    digest: () => new Uint8Array(h.digest()),
  };
}
