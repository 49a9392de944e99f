/**
 * age's `ssh-ed25519` and `ssh-rsa` stanzas (C2SP age.md, Go's `agessh`), as `age-encryption` custom recipients and
 * identities: typage has no SSH support but takes any object with `wrapFileKey` / `unwrapFileKey`.
 *
 * - ssh-rsa: `-> ssh-rsa TAG`, body RSA-OAEP-SHA-256 of the file key with label `age-encryption.org/v1/ssh-rsa`.
 * - ssh-ed25519: `-> ssh-ed25519 TAG SHARE`; X25519 to the key converted to Montgomery form, the shared secret
 *   multiplied by a tweak (HKDF-SHA-256 of the key blob, label `age-encryption.org/v1/ssh-ed25519`), then HKDF over
 *   SHARE || the converted key to the ChaCha20-Poly1305 wrapping key.
 * TAG is the first 4 bytes of SHA-256 of the key blob. node:crypto does the curve and RSA work; `@noble/curves`
 * converts the ed25519 public key (node:crypto has no Edwards-to-Montgomery map).
 */
import {
  constants,
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  privateDecrypt,
  publicEncrypt,
  type KeyObject,
} from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { sshTag, type SshPublicKey, type SshSecret } from "./ssh-keys.js";

/** A stanza as `age-encryption` reads and writes it (its `Stanza` class has exactly these fields). */
export interface StanzaLike {
  args: string[];
  body: Uint8Array;
}

const ED25519_LABEL = "age-encryption.org/v1/ssh-ed25519";
const RSA_LABEL = "age-encryption.org/v1/ssh-rsa";
const PKCS8_X25519 = Buffer.from("302e020100300506032b656e04220420", "hex");
const SPKI_X25519 = Buffer.from("302a300506032b656e032100", "hex");

const b64 = (b: Uint8Array): string => Buffer.from(b).toString("base64").replace(/=+$/, "");

function x25519Private(scalar: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519, scalar]), format: "der", type: "pkcs8" });
}
function x25519Public(point: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_X25519, point]), format: "der", type: "spki" });
}
function rawPublic(key: KeyObject): Uint8Array {
  const spki = (key.type === "public" ? key : createPublicKey(key)).export({ format: "der", type: "spki" });
  return new Uint8Array(spki.subarray(spki.length - 32));
}
/** X25519(scalar, point); throws for a low-order point (an all-zero result), as age does. */
function x25519(scalar: Uint8Array, point: Uint8Array): Uint8Array {
  const out = new Uint8Array(diffieHellman({ privateKey: x25519Private(scalar), publicKey: x25519Public(point) }));
  if (out.every((b) => b === 0)) throw new Error("invalid ssh-ed25519 stanza");
  return out;
}
function tweak(key: SshPublicKey): Uint8Array {
  // Go: hkdf.New(sha256.New, nil, blob, label): no secret, the key blob as the salt.
  return new Uint8Array(hkdfSync("sha256", new Uint8Array(0), key.blob, ED25519_LABEL, 32));
}
function wrappingKey(shared: Uint8Array, share: Uint8Array, theirs: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", shared, Buffer.concat([share, theirs]), ED25519_LABEL, 32));
}

/** The ed25519 public key as an X25519 point. */
function montgomery(key: SshPublicKey): Uint8Array {
  return ed25519.utils.toMontgomery(key.ed25519!);
}

/** Wraps a file key for an SSH public key, as `age -R key.pub` does. */
export function wrapForSsh(key: SshPublicKey, fileKey: Uint8Array): StanzaLike[] {
  const tag = sshTag(key);
  if (key.type === "ssh-rsa") {
    const body = publicEncrypt(
      {
        key: key.rsa!,
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: "sha256",
        oaepLabel: Buffer.from(RSA_LABEL),
      },
      fileKey,
    );
    return [{ args: ["ssh-rsa", tag], body: new Uint8Array(body) }];
  }
  const theirs = montgomery(key);
  const ephemeral = generateKeyPairSync("x25519");
  const share = rawPublic(ephemeral.publicKey);
  const shared = new Uint8Array(diffieHellman({ privateKey: ephemeral.privateKey, publicKey: x25519Public(theirs) }));
  const tweaked = x25519(tweak(key), shared);
  const c = createCipheriv("chacha20-poly1305", wrappingKey(tweaked, share, theirs), new Uint8Array(12), {
    authTagLength: 16,
  });
  const body = Buffer.concat([c.update(fileKey), c.final(), c.getAuthTag()]);
  return [{ args: ["ssh-ed25519", tag, b64(share)], body: new Uint8Array(body) }];
}

/**
 * Unwraps a file key from the stanzas that name this SSH key (by tag). `secret` is called only when a stanza names
 * the key, so a passphrase is asked only for a file that needs it. Returns `null` when no stanza is for this key.
 *
 * @throws Error("invalid ssh-ed25519 stanza" / "invalid ssh-rsa stanza") for a stanza of this key that does not
 * open: typage's contract for an identity that recognises a stanza.
 */
export async function unwrapForSsh(
  key: SshPublicKey,
  stanzas: readonly StanzaLike[],
  secret: () => Promise<SshSecret>,
): Promise<Uint8Array | null> {
  const tag = sshTag(key);
  for (const s of stanzas) {
    if (s.args[0] !== key.type) continue;
    const arity = key.type === "ssh-rsa" ? 2 : 3;
    if (s.args.length !== arity) throw new Error(`invalid ${key.type} stanza`);
    if (s.args[1] !== tag) continue;
    const sk = await secret();
    const fileKey = sk.type === "ssh-rsa" ? unwrapRsa(sk.key, s) : unwrapEd25519(key, sk.seed, s);
    if (!fileKey) throw new Error(`invalid ${key.type} stanza`);
    return fileKey;
  }
  return null;
}

function unwrapRsa(key: KeyObject, s: StanzaLike): Uint8Array | undefined {
  try {
    return new Uint8Array(
      privateDecrypt(
        { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256", oaepLabel: Buffer.from(RSA_LABEL) },
        s.body,
      ),
    );
  } catch {
    return undefined;
  }
}

function unwrapEd25519(key: SshPublicKey, seed: Uint8Array, s: StanzaLike): Uint8Array | undefined {
  const share = Buffer.from(s.args[2]!, "base64");
  if (share.length !== 32 || b64(share) !== s.args[2] || s.body.length !== 32) return undefined;
  // age's conversion of the private key: the first half of SHA-512 of the seed (X25519 clamps it).
  const scalar = new Uint8Array(createHash("sha512").update(seed).digest().subarray(0, 32));
  try {
    const ours = rawPublic(x25519Private(scalar));
    const shared = x25519(tweak(key), x25519(scalar, share));
    const d = createDecipheriv("chacha20-poly1305", wrappingKey(shared, share, ours), new Uint8Array(12), {
      authTagLength: 16,
    });
    d.setAuthTag(s.body.subarray(16));
    return new Uint8Array(Buffer.concat([d.update(s.body.subarray(0, 16)), d.final()]));
  } catch {
    return undefined;
  } finally {
    scalar.fill(0);
  }
}
