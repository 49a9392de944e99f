/**
 * A fast path for the common case of opening a vault: an armored age file with X25519 stanzas, opened with an X25519
 * identity, using only `node:crypto` (X25519, HKDF-SHA-256, HMAC-SHA-256, ChaCha20-Poly1305 are built in). Loading
 * and warming up the pure-JS `age-encryption` code costs more than the rest of a small command, so it is kept for
 * everything else: post-quantum keys, encryption, and every file this strict reader does not fully accept.
 *
 * The reader follows age v1 (C2SP age.md) and is stricter than needed, never laxer: canonical armor and base64,
 * 64-column stanza bodies, a verified header MAC and payload tag. Anything unusual returns `undefined` and the caller
 * falls back to `age-encryption`, which then gives the exact error, so behaviour is the same either way.
 */
import { bech32 } from "@scure/base";
import {
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  timingSafeEqual,
  type KeyObject,
} from "node:crypto";

const PKCS8_X25519 = Buffer.from("302e020100300506032b656e04220420", "hex");
const SPKI_X25519 = Buffer.from("302a300506032b656e032100", "hex");
const ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
const ARMOR_END = "-----END AGE ENCRYPTED FILE-----";
const CHUNK = 64 * 1024;

/** An X25519 identity as key objects, with its `age1…` recipient. */
export interface NativeX25519 {
  privateKey: KeyObject;
  publicKey: Uint8Array;
  recipient: string;
}

/** Decodes an `AGE-SECRET-KEY-1…` identity; `undefined` when it is not a valid X25519 identity. Not memoised here. */
export function decodeX25519Identity(secret: string): NativeX25519 | undefined {
  if (secret !== secret.toUpperCase()) return undefined;
  const decoded = bech32.decodeUnsafe(secret, false);
  const bytes = decoded && bech32.fromWordsUnsafe(decoded.words);
  if (!decoded || !bytes || decoded.prefix !== "age-secret-key-" || bytes.length !== 32) return undefined;
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_X25519, bytes]), format: "der", type: "pkcs8" });
  bytes.fill(0);
  // The JWK of a private key carries its public key (`x`): no second key object to make.
  const publicKey = new Uint8Array(Buffer.from(privateKey.export({ format: "jwk" }).x!, "base64url"));
  return { privateKey, publicKey, recipient: bech32.encode("age", bech32.toWords(publicKey), false) };
}

/**
 * Decrypts an armored age file with X25519 identities. Returns the plaintext, or `undefined` when this reader
 * cannot say (no stanza opens, an unusual structure, a failed check): the caller then asks `age-encryption`.
 */
export function decryptArmoredX25519(armored: string, identities: readonly NativeX25519[]): Uint8Array | undefined {
  const file = dearmor(armored);
  if (!file) return undefined;
  const header = parseHeader(file);
  if (!header) return undefined;
  let fileKey: Uint8Array | undefined;
  for (const s of header.stanzas) {
    for (const id of identities) {
      fileKey = unwrapStanza(s, id);
      if (fileKey) break;
    }
    if (fileKey) break;
  }
  if (!fileKey) return undefined;
  const macKey = hkdfSync("sha256", fileKey, new Uint8Array(0), "header", 32);
  const mac = createHmac("sha256", new Uint8Array(macKey)).update(header.macInput).digest();
  if (!timingSafeEqual(mac, header.mac)) return undefined;
  return decryptPayload(fileKey, file.subarray(header.payloadStart));
}

interface X25519Stanza {
  share: Uint8Array;
  body: Uint8Array;
}

interface Header {
  stanzas: X25519Stanza[];
  macInput: Uint8Array;
  mac: Buffer;
  payloadStart: number;
}

/** The header lines of an age v1 file; `undefined` for anything but a well-formed header of X25519 stanzas. */
function parseHeader(file: Uint8Array): Header | undefined {
  const text = Buffer.from(file.buffer, file.byteOffset, file.byteLength).toString("latin1");
  const lines: string[] = [];
  let pos = 0;
  for (;;) {
    const nl = text.indexOf("\n", pos);
    if (nl < 0) return undefined;
    const line = text.slice(pos, nl);
    pos = nl + 1;
    if (line.startsWith("---")) {
      const m = /^--- ([A-Za-z0-9+/]{43})$/.exec(line);
      if (!m || lines[0] !== "age-encryption.org/v1") return undefined;
      const mac = canonicalBase64(m[1]!, 32);
      if (!mac) return undefined;
      const stanzas = parseStanzas(lines.slice(1));
      if (!stanzas) return undefined;
      return {
        stanzas,
        macInput: file.subarray(0, pos - line.length - 1 + 3),
        mac: Buffer.from(mac),
        payloadStart: pos,
      };
    }
    lines.push(line);
  }
}

function parseStanzas(lines: string[]): X25519Stanza[] | undefined {
  const out: X25519Stanza[] = [];
  let i = 0;
  while (i < lines.length) {
    const m = /^-> X25519 ([A-Za-z0-9+/]{43})$/.exec(lines[i]!);
    if (!m) return undefined;
    const share = canonicalBase64(m[1]!, 32);
    if (!share) return undefined;
    i++;
    let body = "";
    for (;;) {
      const l = lines[i++];
      if (l === undefined || !/^[A-Za-z0-9+/]{0,64}$/.test(l)) return undefined;
      body += l;
      if (l.length < 64) break;
    }
    const bytes = canonicalBase64(body, 32);
    if (!bytes) return undefined;
    out.push({ share, body: bytes });
  }
  return out.length > 0 ? out : undefined;
}

function unwrapStanza(s: X25519Stanza, id: NativeX25519): Uint8Array | undefined {
  let shared: Buffer;
  try {
    const publicKey = createPublicKey({ key: Buffer.concat([SPKI_X25519, s.share]), format: "der", type: "spki" });
    shared = diffieHellman({ privateKey: id.privateKey, publicKey });
  } catch {
    return undefined;
  }
  if (shared.every((b) => b === 0)) return undefined;
  const salt = Buffer.concat([s.share, id.publicKey]);
  const wrapKey = new Uint8Array(hkdfSync("sha256", shared, salt, "age-encryption.org/v1/X25519", 32));
  return chachaOpen(wrapKey, new Uint8Array(12), s.body);
}

/** The STREAM payload: a 16-byte nonce, then 64 KiB chunks, each sealed with a counter nonce, the last one flagged. */
function decryptPayload(fileKey: Uint8Array, payload: Uint8Array): Uint8Array | undefined {
  if (payload.length < 16 + 16) return undefined;
  const key = new Uint8Array(hkdfSync("sha256", fileKey, payload.subarray(0, 16), "payload", 32));
  const body = payload.subarray(16);
  const parts: Uint8Array[] = [];
  let counter = 0;
  for (let off = 0; off < body.length; off += CHUNK + 16) {
    const chunk = body.subarray(off, off + CHUNK + 16);
    const last = off + chunk.length === body.length;
    // Only the last chunk may be short, and it may be empty only when it is the only one.
    if ((!last && chunk.length !== CHUNK + 16) || (last && chunk.length === 16 && counter > 0)) return undefined;
    const nonce = new Uint8Array(12);
    new DataView(nonce.buffer).setUint32(7, counter);
    nonce[11] = last ? 1 : 0;
    const plain = chachaOpen(key, nonce, chunk);
    if (!plain) return undefined;
    parts.push(plain);
    counter++;
  }
  return new Uint8Array(Buffer.concat(parts));
}

function chachaOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array): Uint8Array | undefined {
  if (sealed.length < 16) return undefined;
  try {
    const d = createDecipheriv("chacha20-poly1305", key, nonce, { authTagLength: 16 });
    d.setAuthTag(sealed.subarray(sealed.length - 16));
    return new Uint8Array(Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]));
  } catch {
    return undefined;
  }
}

/** Unpadded base64 that decodes to `length` bytes and re-encodes to itself (no stray bits). */
function canonicalBase64(s: string, length: number): Uint8Array | undefined {
  const b = Buffer.from(s, "base64");
  if (b.length !== length || b.toString("base64").replace(/=+$/, "") !== s) return undefined;
  return new Uint8Array(b);
}

/** The binary age file inside the ASCII armor; `undefined` unless it is armored exactly as age writes it. */
function dearmor(armored: string): Uint8Array | undefined {
  const lines = armored.trim().split("\n");
  if (lines.length < 3 || lines[0] !== ARMOR_BEGIN || lines[lines.length - 1] !== ARMOR_END) return undefined;
  const body = lines.slice(1, -1);
  for (const [i, l] of body.entries()) {
    const lastLine = i === body.length - 1;
    if (!/^[A-Za-z0-9+/=]+$/.test(l) || l.length > 64 || (!lastLine && l.length !== 64)) return undefined;
  }
  const b64 = body.join("");
  const bytes = Buffer.from(b64, "base64");
  if (bytes.toString("base64") !== b64) return undefined;
  return new Uint8Array(bytes);
}
