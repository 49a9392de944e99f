/**
 * SSH keys as age uses them: `ssh-ed25519` and `ssh-rsa` public keys (one `authorized_keys` line) and OpenSSH private
 * keys (`-----BEGIN OPENSSH PRIVATE KEY-----`, unencrypted or protected with a passphrase through OpenSSH's bcrypt KDF
 * and `aes256-ctr` or `aes256-gcm@openssh.com`), plus PEM RSA keys (`ssh-keygen -m PEM`). Pure: no file, env or
 * terminal access; a passphrase is asked through the function the caller passes.
 *
 * A small parser rather than `sshpk`: only two key types matter here, the format is a few length-prefixed fields
 * (PROTOCOL.key in OpenSSH), node:crypto does AES and RSA, and sshpk lacks `aes256-gcm@openssh.com` while pulling in
 * eight dependencies. The KDF is `bcrypt-pbkdf` (the OpenBSD code ported, the package sshpk itself uses).
 */
import { createDecipheriv, createHash, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";

export type SshKeyType = "ssh-ed25519" | "ssh-rsa";

/** An SSH public key: its type, the wire-format blob (what fingerprints and age's tweak hash) and its text. */
export interface SshPublicKey {
  type: SshKeyType;
  blob: Uint8Array;
  /** `ssh-ed25519 AAAA…` without a comment: how vaultfile stores and compares it. */
  text: string;
  /** ed25519: the 32-byte key. */
  ed25519?: Uint8Array;
  /** rsa: the key object. */
  rsa?: KeyObject;
}

/** The secret half, ready to unwrap: ed25519's 32-byte seed, or an RSA private key object. */
export type SshSecret = { type: "ssh-ed25519"; seed: Uint8Array } | { type: "ssh-rsa"; key: KeyObject };

/** Why an SSH key cannot be used; the message never holds key material. */
export class SshKeyError extends Error {}

/** Minimum RSA modulus size, as age requires. */
const MIN_RSA_BITS = 2048;
/** Maximum RSA modulus size, as Go's crypto/rsa (and so age and sops) accepts: a huge key costs every re-wrap. */
const MAX_RSA_BITS = 16384;

class Reader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  rest(): Uint8Array {
    return this.buf.subarray(this.pos);
  }
  uint32(): number {
    if (this.pos + 4 > this.buf.length) throw new SshKeyError("its key data is cut short");
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getUint32(0);
    this.pos += 4;
    return v;
  }
  bytes(n: number): Uint8Array {
    if (n > this.buf.length - this.pos) throw new SshKeyError("its key data is cut short");
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  string(): Uint8Array {
    return this.bytes(this.uint32());
  }
  text(): string {
    return Buffer.from(this.string()).toString("latin1");
  }
}

function sshString(b: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** An mpint's magnitude without sign padding, as JWK wants it. */
function unsigned(b: Uint8Array): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return Buffer.from(b.subarray(i));
}

function mpint(b: Uint8Array): Buffer {
  const u = unsigned(b);
  return u[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), u]) : u;
}

const b64url = (b: Uint8Array): string => Buffer.from(b).toString("base64url");

function rsaPublic(e: Uint8Array, n: Uint8Array): KeyObject {
  const size = unsigned(n).length * 8;
  if (size > MAX_RSA_BITS + 8) throw new SshKeyError(`RSA keys over ${MAX_RSA_BITS} bits are not supported`);
  const key = createPublicKey({ key: { kty: "RSA", n: b64url(unsigned(n)), e: b64url(unsigned(e)) }, format: "jwk" });
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS)
    throw new SshKeyError(`RSA keys under ${MIN_RSA_BITS} bits are not supported (this one has ${bits})`);
  if (bits > MAX_RSA_BITS)
    throw new SshKeyError(`RSA keys over ${MAX_RSA_BITS} bits are not supported (this one has ${bits})`);
  return key;
}

/** Reads a public key blob (wire format); throws {@link SshKeyError} for anything but a well-formed ed25519/RSA key. */
export function publicKeyFromBlob(blob: Uint8Array): SshPublicKey {
  const r = new Reader(blob);
  const type = r.text();
  if (type === "ssh-ed25519") {
    const pk = r.string();
    if (pk.length !== 32 || !r.done) throw new SshKeyError("malformed ssh-ed25519 key");
    return { type, blob, text: `${type} ${Buffer.from(blob).toString("base64")}`, ed25519: pk };
  }
  if (type === "ssh-rsa") {
    const e = r.string();
    const n = r.string();
    if (!r.done) throw new SshKeyError("malformed ssh-rsa key");
    return { type, blob, text: `${type} ${Buffer.from(blob).toString("base64")}`, rsa: rsaPublic(e, n) };
  }
  throw new SshKeyError(
    /^[a-z0-9@.-]{1,40}$/.test(type)
      ? `${type} keys are not supported (only ssh-ed25519 and ssh-rsa)`
      : "not an SSH key",
  );
}

/** True when the text looks like an SSH public key line (`ssh-…` or another OpenSSH key type, then base64). */
export function looksLikeSshPublicKey(s: string): boolean {
  return /^(ssh-[a-z0-9-]+|ecdsa-sha2-[a-z0-9-]+|sk-[a-z0-9@.-]+)\s+AAAA/.test(s.trim());
}

/**
 * Parses one `authorized_keys`-style line: `ssh-ed25519 AAAA… [comment]`. The type word must match the blob.
 *
 * @throws {@link SshKeyError}
 */
export function parseSshPublicKey(line: string): SshPublicKey {
  const [type, b64, ...rest] = line.trim().split(/\s+/);
  if (!type || !b64) throw new SshKeyError("not an SSH public key");
  void rest;
  const blob = Buffer.from(b64, "base64");
  if (blob.toString("base64") !== b64) throw new SshKeyError("its base64 is damaged");
  const key = publicKeyFromBlob(new Uint8Array(blob));
  if (key.type !== type) throw new SshKeyError(`it says ${type.slice(0, 20)} but holds an ${key.type} key`);
  return key;
}

/** age's stanza tag for a key: the first 4 bytes of SHA-256 of the blob, unpadded base64. */
export function sshTag(key: SshPublicKey): string {
  return createHash("sha256").update(key.blob).digest().subarray(0, 4).toString("base64").replace(/=+$/, "");
}

/** An SSH private key file read far enough to know its public key; the secret half may still need a passphrase. */
export interface SshPrivateKeyFile {
  publicKey: SshPublicKey;
  encrypted: boolean;
  /**
   * The secret half. `passphrase` is asked only for an encrypted key.
   *
   * @throws {@link SshKeyError} for a wrong passphrase or a damaged key.
   */
  secret(passphrase: () => Promise<string>): Promise<SshSecret>;
}

const OPENSSH_BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";
const OPENSSH_END = "-----END OPENSSH PRIVATE KEY-----";
const MAGIC = Buffer.from("openssh-key-v1\0", "latin1");

/** True when the text is an SSH private key vaultfile can try to read (OpenSSH, or PEM RSA). */
export function looksLikeSshPrivateKey(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith(OPENSSH_BEGIN) || t.startsWith("-----BEGIN RSA PRIVATE KEY-----");
}

/**
 * Reads an SSH private key file's text.
 *
 * @throws {@link SshKeyError} naming what is wrong, never any key bytes.
 */
export function parseSshPrivateKey(text: string): SshPrivateKeyFile {
  const t = text.trim();
  if (t.startsWith("-----BEGIN RSA PRIVATE KEY-----")) return pemRsa(t);
  const end = t.indexOf(OPENSSH_END);
  if (!t.startsWith(OPENSSH_BEGIN) || end < 0) throw new SshKeyError("not an OpenSSH private key");
  const body = Buffer.from(t.slice(OPENSSH_BEGIN.length, end).replace(/\s+/g, ""), "base64");
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC))
    throw new SshKeyError("not an OpenSSH private key");
  const r = new Reader(new Uint8Array(body.subarray(MAGIC.length)));
  const cipher = r.text();
  const kdf = r.text();
  const kdfOptions = r.string();
  if (r.uint32() !== 1) throw new SshKeyError("files with several keys are not supported");
  const publicKey = publicKeyFromBlob(r.string());
  const sealed = r.string();
  const tail = r.rest();
  if (cipher === "none") {
    if (kdf !== "none") throw new SshKeyError("malformed key file");
    return { publicKey, encrypted: false, secret: async () => opensshSecret(sealed, publicKey) };
  }
  if (kdf !== "bcrypt") throw new SshKeyError(`the key's KDF ${kdf.slice(0, 20)} is not supported`);
  const spec = CIPHERS[cipher];
  if (!spec)
    throw new SshKeyError(
      `keys encrypted with ${cipher.slice(0, 40)} are not supported (aes256-ctr and aes256-gcm@openssh.com are)`,
    );
  const opts = new Reader(kdfOptions);
  const salt = opts.string();
  const rounds = opts.uint32();
  if (rounds < 1 || rounds > 1 << 16) throw new SshKeyError("the key's KDF rounds are out of range");
  return {
    publicKey,
    encrypted: true,
    secret: async (passphrase) => {
      const { pbkdf } = (await import("bcrypt-pbkdf")).default;
      const pass = Buffer.from(await passphrase(), "utf8");
      const derived = new Uint8Array(spec.keyLength + spec.ivLength);
      pbkdf(pass, pass.length, salt, salt.length, derived, derived.length, rounds);
      pass.fill(0);
      let plain: Buffer;
      try {
        const key = derived.subarray(0, spec.keyLength);
        const iv = derived.subarray(spec.keyLength);
        if (spec.gcm) {
          const d = createDecipheriv("aes-256-gcm", key, iv, { authTagLength: 16 });
          d.setAuthTag(tail.subarray(0, 16));
          plain = Buffer.concat([d.update(sealed), d.final()]);
        } else {
          const d = createDecipheriv("aes-256-ctr", key, iv);
          plain = Buffer.concat([d.update(sealed), d.final()]);
        }
      } catch {
        throw new SshKeyError("wrong passphrase");
      } finally {
        derived.fill(0);
      }
      return opensshSecret(new Uint8Array(plain), publicKey);
    },
  };
}

const CIPHERS: Record<string, { keyLength: number; ivLength: number; gcm: boolean }> = {
  "aes256-ctr": { keyLength: 32, ivLength: 16, gcm: false },
  "aes256-gcm@openssh.com": { keyLength: 32, ivLength: 12, gcm: true },
};

/** The decrypted private section: two equal check words (unequal: a wrong passphrase), then the key. */
function opensshSecret(section: Uint8Array, publicKey: SshPublicKey): SshSecret {
  const r = new Reader(section);
  const check = r.uint32();
  if (r.uint32() !== check) throw new SshKeyError("wrong passphrase");
  const type = r.text();
  if (type !== publicKey.type) throw new SshKeyError("the private key does not match its public key");
  if (type === "ssh-ed25519") {
    const pub = r.string();
    const priv = r.string();
    if (
      priv.length !== 64 ||
      !Buffer.from(priv.subarray(32)).equals(Buffer.from(pub)) ||
      !Buffer.from(pub).equals(Buffer.from(publicKey.ed25519!))
    ) {
      throw new SshKeyError("the private key does not match its public key");
    }
    return { type, seed: new Uint8Array(priv.subarray(0, 32)) };
  }
  const n = r.string();
  const e = r.string();
  const d = r.string();
  const iqmp = r.string();
  const p = r.string();
  const q = r.string();
  const big = (b: Uint8Array): bigint => BigInt(`0x${Buffer.from(unsigned(b)).toString("hex") || "0"}`);
  const toBytes = (v: bigint): Buffer => {
    const hex = v.toString(16);
    return Buffer.from(hex.length % 2 ? `0${hex}` : hex, "hex");
  };
  const dn = big(d);
  const key = createPrivateKey({
    key: {
      kty: "RSA",
      n: b64url(unsigned(n)),
      e: b64url(unsigned(e)),
      d: b64url(unsigned(d)),
      p: b64url(unsigned(p)),
      q: b64url(unsigned(q)),
      dp: b64url(toBytes(dn % (big(p) - 1n))),
      dq: b64url(toBytes(dn % (big(q) - 1n))),
      qi: b64url(unsigned(iqmp)),
    },
    format: "jwk",
  });
  const pub = createPublicKey(key).export({ format: "jwk" });
  if (
    pub.n !== b64url(unsigned(n)) ||
    rsaBlob(key).toString("base64") !== Buffer.from(publicKey.blob).toString("base64")
  ) {
    throw new SshKeyError("the private key does not match its public key");
  }
  return { type: "ssh-rsa", key };
}

function rsaBlob(key: KeyObject): Buffer {
  const jwk = createPublicKey(key).export({ format: "jwk" });
  return Buffer.concat([
    sshString(Buffer.from("ssh-rsa")),
    sshString(mpint(Buffer.from(jwk.e!, "base64url"))),
    sshString(mpint(Buffer.from(jwk.n!, "base64url"))),
  ]);
}

/** `-----BEGIN RSA PRIVATE KEY-----` (PKCS#1, `ssh-keygen -m PEM`): node:crypto reads it. */
function pemRsa(pem: string): SshPrivateKeyFile {
  // An encrypted PEM file hides its public key too, so it could only be tried by asking for every passphrase.
  if (/^Proc-Type:\s*4,ENCRYPTED/m.test(pem))
    throw new SshKeyError(
      "PEM keys with a passphrase are not supported; convert it with `ssh-keygen -p -f FILE` (OpenSSH format)",
    );
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    throw new SshKeyError("malformed RSA private key");
  }
  if (key.asymmetricKeyType !== "rsa") throw new SshKeyError("not an RSA key");
  return {
    publicKey: publicKeyFromBlob(new Uint8Array(rsaBlob(key))),
    encrypted: false,
    secret: async () => ({ type: "ssh-rsa", key }),
  };
}
