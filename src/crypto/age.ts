/**
 * Wrapping the data key for age recipients and unwrapping it with identities. Each `sops.age[].enc` is a whole
 * armored age file whose plaintext is the 32-byte data key.
 */
import { DecryptionError, FormatError, InvalidIdentityError, InvalidInputError, VaultfileError } from "../errors.js";
import { DATA_KEY_BYTES } from "./aead.js";
import { decryptArmoredX25519, type NativeX25519 } from "./age-x25519.js";
import type { SopsAgeEntry } from "../format/yaml.js";
import { MAX_AGE_STANZAS } from "../rules/limits.js";
import { nativeOf, recipientId, recipientOf, shortKey, type Identity } from "./identities.js";
import { looksLikeSshPublicKey, parseSshPublicKey } from "./ssh-keys.js";

// `age-encryption` is loaded only when needed (writing, post-quantum keys, or a file the native reader declines):
// its pure-JS curve code costs more to load and warm up than opening a small vault with node:crypto.
const ageLib = () => import("age-encryption");
// SSH stanzas need @noble/curves (Edwards to Montgomery): loaded only for a vault with SSH keys.
const sshLib = () => import("./age-ssh.js");

let nativeReader = true;

/**
 * Turns the native X25519 reader on or off (it is on by default); returns the previous setting. Off, every stanza
 * goes through `age-encryption`: the test vectors run both ways and must agree.
 */
export function useNativeReader(on: boolean): boolean {
  const prev = nativeReader;
  nativeReader = on;
  return prev;
}

/** Encrypts the data key to one recipient, armored as sops writes it. */
export async function wrapDataKey(dataKey: Uint8Array, recipient: string): Promise<string> {
  const { armor, Encrypter, Stanza } = await ageLib();
  const e = new Encrypter();
  try {
    if (looksLikeSshPublicKey(recipient)) {
      const key = parseSshPublicKey(recipient);
      const { wrapForSsh } = await sshLib();
      e.addRecipient({ wrapFileKey: (fileKey) => wrapForSsh(key, fileKey).map((st) => new Stanza(st.args, st.body)) });
    } else {
      e.addRecipient(recipient);
    }
  } catch {
    // Never the library's message: vaultfile's own words for everything that crosses into age-encryption.
    throw new InvalidInputError("E_RECIPIENT", `${shortKey(recipient)} is not a recipient age-encryption accepts`);
  }
  return armor.encode(await e.encrypt(dataKey));
}

/**
 * Finds the data key: tries first the stanzas whose `recipient` matches one of the identities (one unwrap in the
 * usual case, whatever the number of recipients), then every stanza with every identity, as age does, in case a
 * recipient line was edited. Returns `undefined` when no identity fits; throws when one fits but the stanza is
 * damaged. `length`: the plaintext size expected (32, or 33 for a Shamir share of a key group).
 */
export async function unwrapDataKey(
  stanzas: readonly SopsAgeEntry[],
  identities: readonly Identity[],
  length: number = DATA_KEY_BYTES,
): Promise<Uint8Array | undefined> {
  // Identities that cost something to get (a passphrase-protected file, a key command) are asked for only when no
  // other key fits, stanza by stanza with its recipient (a key command sees it as SOPS_AGE_RECIPIENT).
  const ready = identities.filter((id) => !id.expand);
  const deferred = identities.filter((id) => id.expand);
  const key = await unwrapWith(stanzas, ready, length);
  if (key || deferred.length === 0) return key;
  for (const [i, s] of stanzas.entries()) {
    const ids: Identity[] = [];
    for (const id of deferred) ids.push(...(await id.expand!(s.recipient)));
    const found = ids.length > 0 ? await tryUnwrap(s, ids, i, length) : undefined;
    if (found) return found;
  }
  return undefined;
}

async function unwrapWith(
  stanzas: readonly SopsAgeEntry[],
  identities: readonly Identity[],
  length: number,
): Promise<Uint8Array | undefined> {
  if (identities.length === 0) return undefined;
  const byRecipient = new Map<string, Identity>();
  for (const id of identities) byRecipient.set(recipientId(await recipientOf(id)), id);
  const tried = new Set<number>();
  for (const [i, s] of stanzas.entries()) {
    const id = byRecipient.get(recipientId(s.recipient));
    if (!id) continue;
    tried.add(i);
    const key = await tryUnwrap(s, [id], i, length);
    if (key) return key;
  }
  for (const [i, s] of stanzas.entries()) {
    if (tried.has(i)) continue;
    const key = await tryUnwrap(s, identities, i, length);
    if (key) return key;
  }
  return undefined;
}

/**
 * The number of recipient stanzas (`-> …` lines) in the header of an armored age file, read leniently (the armor is
 * checked later by whoever decrypts it). Linear in the text and without any cryptography.
 */
export function countAgeStanzas(armored: string): number {
  const b64 = armored
    .split("\n")
    .filter((l) => !l.startsWith("-----"))
    .join("");
  const file = Buffer.from(b64, "base64").toString("latin1");
  const end = file.indexOf("\n---");
  const header = end < 0 ? file : file.slice(0, end + 1);
  let n = 0;
  for (let at = header.indexOf("\n-> "); at >= 0; at = header.indexOf("\n-> ", at + 1)) n++;
  return n;
}

/**
 * Refuses an `enc` with more than {@link MAX_AGE_STANZAS} stanzas before any of them is tried: each costs an X25519
 * (or ML-KEM, RSA) operation, and git runs textconv on a pull request's file unasked (20,000 stanzas took 50 s).
 */
function checkStanzaCount(s: SopsAgeEntry, index: number): void {
  const n = countAgeStanzas(s.enc);
  if (n > MAX_AGE_STANZAS) {
    throw new FormatError(
      `sops.age item ${index + 1} holds ${n} age stanzas, more than the limit of ${MAX_AGE_STANZAS}`,
      {
        hint: 'sops writes one stanza per recipient item; see README "Limits". Restore the sops block from git',
      },
    );
  }
}

async function tryUnwrap(
  s: SopsAgeEntry,
  identities: readonly Identity[],
  index: number,
  length: number,
): Promise<Uint8Array | undefined> {
  checkStanzaCount(s, index);
  const native = nativeReader ? nativeIdentities(identities) : undefined;
  const fast = native && decryptArmoredX25519(s.enc, native);
  if (fast && fast.length === length) return fast;
  const { armor, Decrypter } = await ageLib();
  let file: Uint8Array;
  try {
    file = armor.decode(s.enc);
  } catch (cause) {
    throw new FormatError(`sops.age item ${index + 1} holds a damaged age armor`, {
      hint: "restore the file from git",
      cause,
    });
  }
  const d = new Decrypter();
  for (const id of identities) {
    const ssh = id.ssh;
    if (ssh) {
      const { unwrapForSsh } = await sshLib();
      d.addIdentity({ unwrapFileKey: (stanzas) => unwrapForSsh(ssh.publicKey, stanzas, ssh.secret) });
      continue;
    }
    try {
      d.addIdentity(id.secret);
    } catch {
      throw new InvalidIdentityError(`invalid age identity in ${id.source}`);
    }
  }
  // age-encryption tries identities in order until one returns a file key, and throws a plain Error (no class to
  // test) when none does. An identity of our own added last tells the two apart by control flow, not by message
  // text: it is asked only when every real identity declined the file.
  let noneMatched = false;
  d.addIdentity({
    unwrapFileKey: () => {
      noneMatched = true;
      return null;
    },
  });
  let key: Uint8Array;
  try {
    key = await d.decrypt(file);
  } catch (cause) {
    if (noneMatched) return undefined;
    // A key's own failure (a wrong passphrase) is already in vaultfile's words.
    if (cause instanceof VaultfileError) throw cause;
    const msg = cause instanceof Error ? cause.message : "";
    // The library's message goes nowhere near the user (and no cause is kept for --debug): only a known,
    // key-free reason is named.
    throw new DecryptionError(
      `the data key in sops.age item ${index + 1} could not be decrypted: ${knownReason(msg)}`,
      {
        hint: "the file was altered or damaged; restore it from git",
      },
    );
  }
  if (key.length !== length)
    throw new DecryptionError(`the data key in sops.age item ${index + 1} has ${key.length} bytes, not ${length}`);
  return key;
}

/** The identities as node:crypto keys when all of them are X25519 (the native reader's case), else `undefined`. */
function nativeIdentities(identities: readonly Identity[]): NativeX25519[] | undefined {
  const out: NativeX25519[] = [];
  for (const id of identities) {
    const n = nativeOf(id);
    if (!n) return undefined;
    out.push(n);
  }
  return out;
}

/** typage's failure messages that carry no key or file data, as vaultfile prints them; anything else is "damaged". */
function knownReason(msg: string): string {
  const known = [
    "invalid header hmac",
    "invalid header",
    "invalid stanza",
    "invalid x25519 stanza",
    "invalid ssh-ed25519 stanza",
    "invalid ssh-rsa stanza",
    "invalid scrypt stanza",
    "invalid version",
    "invalid base64",
    "invalid line length",
    "invalid non-ascii byte in header",
    "invalid footer",
    "invalid tag",
    "final chunk is empty",
    "ciphertext is too small",
    "ciphertext size is invalid",
    "stream ended before reading",
  ];
  const lower = msg.toLowerCase();
  return known.find((k) => lower.startsWith(k)) ?? "damaged";
}
