/**
 * Wrapping the data key for age recipients and unwrapping it with identities. Each `sops.age[].enc` is a whole
 * armored age file whose plaintext is the 32-byte data key.
 */
import { DecryptionError, FormatError, InvalidIdentityError, InvalidInputError } from "../errors.js";
import { DATA_KEY_BYTES } from "./aead.js";
import { decryptArmoredX25519, type NativeX25519 } from "./age-x25519.js";
import { nativeOf, recipientOf, type Identity } from "./identities.js";
import type { SopsAgeEntry } from "../format/yaml.js";

// `age-encryption` is loaded only when needed (writing, post-quantum keys, or a file the native reader declines):
// its pure-JS curve code costs more to load and warm up than opening a small vault with node:crypto.
const ageLib = () => import("age-encryption");

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
  const { armor, Encrypter } = await ageLib();
  const e = new Encrypter();
  try {
    e.addRecipient(recipient);
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
export async function unwrapDataKey(stanzas: readonly SopsAgeEntry[], identities: readonly Identity[], length: number = DATA_KEY_BYTES): Promise<Uint8Array | undefined> {
  const byRecipient = new Map<string, Identity>();
  for (const id of identities) byRecipient.set(await recipientOf(id), id);
  const tried = new Set<number>();
  for (const [i, s] of stanzas.entries()) {
    const id = byRecipient.get(s.recipient);
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

async function tryUnwrap(s: SopsAgeEntry, identities: readonly Identity[], index: number, length: number): Promise<Uint8Array | undefined> {
  const native = nativeReader ? nativeIdentities(identities) : undefined;
  const fast = native && decryptArmoredX25519(s.enc, native);
  if (fast && fast.length === length) return fast;
  const { armor, Decrypter } = await ageLib();
  let file: Uint8Array;
  try {
    file = armor.decode(s.enc);
  } catch (cause) {
    throw new FormatError(`sops.age item ${index + 1} holds a damaged age armor`, { hint: "restore the file from git", cause });
  }
  const d = new Decrypter();
  for (const id of identities) {
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
    const msg = cause instanceof Error ? cause.message : "";
    // The library's message goes nowhere near the user (and no cause is kept for --debug): only a known,
    // key-free reason is named.
    throw new DecryptionError(`the data key in sops.age item ${index + 1} could not be decrypted: ${knownReason(msg)}`, {
      hint: "the file was altered or damaged; restore it from git",
    });
  }
  if (key.length !== length) throw new DecryptionError(`the data key in sops.age item ${index + 1} has ${key.length} bytes, not ${length}`);
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

/** A public key for messages: its start only, so a line stays readable (`age1qyqs…`, `ssh-ed25519 AAAAC3Nz…`). */
export function shortKey(key: string): string {
  const flat = key.replace(/[^\x20-\x7e]/g, "?");
  return flat.length <= 24 ? `"${flat}"` : `"${flat.slice(0, 20)}…"`;
}
