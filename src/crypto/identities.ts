/**
 * age identities and recipients as text: parsing identity files (one key a line, `#` comments), telling
 * X25519 from post-quantum hybrid keys, and deriving a recipient from an identity. No file or env access.
 */
import { createHash } from "node:crypto";
import { bech32 } from "@scure/base";
import { InvalidIdentityError, InvalidInputError } from "../errors.js";
import { decodeX25519Identity, type NativeX25519 } from "./age-x25519.js";
import {
  looksLikeSshPublicKey,
  parseSshPublicKey,
  SshKeyError,
  type SshKeyType,
  type SshPublicKey,
  type SshSecret,
} from "./ssh-keys.js";

/**
 * A vault's key family: `pq` (post-quantum hybrid, `age1pq1…`) or `x25519`, the classic one, which takes X25519
 * (`age1…`) and SSH (`ssh-ed25519`, `ssh-rsa`) recipients alike. A vault never mixes the two families.
 */
export type KeyKind = "x25519" | "pq";

/** What an identity is: an age key (`x25519`, `pq`), an SSH key, or a passphrase-protected identity file. */
export type IdentityKind = KeyKind | SshKeyType | "passphrase-file" | "command";

export interface Identity {
  /** The `AGE-SECRET-KEY-…` string of an age key; empty for the other kinds. Never printed. */
  secret: string;
  kind: IdentityKind;
  /** Where it came from, for messages: `$SOPS_AGE_KEY`, a path, … */
  source: string;
  /** An SSH key: its public half, and its secret half (which may ask for a passphrase, once). */
  ssh?: { publicKey: SshPublicKey; secret: () => Promise<SshSecret>; encrypted: boolean } | undefined;
  /**
   * Identities got only when needed: a passphrase-protected file (decrypted once), a key command (run with the
   * recipient being opened, if known).
   */
  expand?: ((recipient?: string) => Promise<Identity[]>) | undefined;
}

const X25519_IDENTITY = /^AGE-SECRET-KEY-1[0-9A-Z]{58}$/;
const PQ_IDENTITY = /^AGE-SECRET-KEY-PQ-1[0-9A-Z]+$/;
const X25519_RECIPIENT = /^age1[0-9a-z]{58}$/;
const PQ_RECIPIENT = /^age1pq1[0-9a-z]+$/;
/** `age1<plugin name>1…`: a recipient handled by an age plugin binary. */
const PLUGIN_RECIPIENT = /^age1[a-z0-9.+-]+1[0-9a-z]+$/;

/** The family of a recipient (`age1…`, `age1pq1…`, `ssh-ed25519 …`, `ssh-rsa …`), or `undefined` when vaultfile cannot use it. */
export function recipientKind(r: string): KeyKind | undefined {
  if (PQ_RECIPIENT.test(r)) return "pq";
  if (X25519_RECIPIENT.test(r)) return "x25519";
  if (looksLikeSshPublicKey(r)) {
    try {
      parseSshPublicKey(r);
      return "x25519";
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Checks a recipient string; throws a clear error naming `label` and the key (shortened) otherwise.
 *
 * @throws {@link InvalidInputError} `E_RECIPIENT`
 */
export function checkRecipient(r: string, label: string): KeyKind {
  const kind = recipientKind(r);
  if (kind) return kind;
  const what = `${label}: ${shortKey(r)}`;
  if (looksLikeSshPublicKey(r)) {
    let why = "is not a usable SSH key";
    try {
      parseSshPublicKey(r);
    } catch (err) {
      if (err instanceof SshKeyError) why = `is an SSH key vaultfile cannot use: ${err.message}`;
    }
    throw new InvalidInputError("E_RECIPIENT", `${what} ${why}`, {
      hint: "age takes ssh-ed25519 and ssh-rsa (2048 to 16384 bits) public keys, as one line of a .pub file",
    });
  }
  if (PLUGIN_RECIPIENT.test(r) && !r.startsWith("age1pq1")) {
    throw new InvalidInputError(
      "E_RECIPIENT",
      `${what} is an age plugin recipient: age plugins are not supported yet`,
      {
        hint: "use an X25519 (age1…) or SSH public key for this recipient",
      },
    );
  }
  throw new InvalidInputError(
    "E_RECIPIENT",
    `${what} is not an age recipient (age1…, age1pq1…, ssh-ed25519, ssh-rsa)`,
    {
      hint: "get one with `vaultfile keygen` or `age-keygen -y KEYFILE`, or use an SSH public key (`cat ~/.ssh/id_ed25519.pub`)",
    },
  );
}

/**
 * The form in which two recipient strings are compared: an SSH key without its comment, anything else trimmed.
 * (A vault keeps the text as it was given, comment included, as sops does.)
 */
export function recipientId(r: string): string {
  const t = r.trim();
  if (!looksLikeSshPublicKey(t)) return t;
  const [type, b64] = t.split(/\s+/);
  return `${type} ${b64}`;
}

/**
 * A recipient as hints list it: an age key whole (people compare them by eye), an SSH key as OpenSSH shows its
 * fingerprint (`ssh-ed25519 SHA256:…`, what `ssh-keygen -lf KEY.pub` prints), anything else shortened.
 */
export function describeRecipient(r: string): string {
  if (looksLikeSshPublicKey(r)) {
    try {
      const key = parseSshPublicKey(r);
      return `${key.type} SHA256:${createHash("sha256").update(key.blob).digest("base64").replace(/=+$/, "")}`;
    } catch {
      return shortKey(r);
    }
  }
  return /^age1[0-9a-z]+$/.test(r) ? r : shortKey(r);
}

/** A public key for messages: its start only (`"age1qyqszqgp…"`, `"ssh-ed25519 AAAAC3Nz…"`), never control characters. */
export function shortKey(key: string): string {
  const flat = key.trim().replace(/[^\x20-\x7e]/g, "?");
  return flat.length <= 24 ? `"${flat}"` : `"${flat.slice(0, 20)}…"`;
}

/** Why a word of identity text is not a usable age identity; never says anything about the key itself. */
function identityProblem(word: string): { kind: KeyKind } | { problem: string } {
  const pq = word.startsWith("AGE-SECRET-KEY-PQ-1");
  if (pq ? !PQ_IDENTITY.test(word) : !X25519_IDENTITY.test(word)) {
    if (word.startsWith("age1")) return { problem: "that is a public key (age1…), not an identity" };
    if (/^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-|sk-)/.test(word))
      return { problem: "that is an SSH public key (.pub), not its private key" };
    if (/^AGE-PLUGIN-/i.test(word)) return { problem: "age plugin identities are not supported yet" };
    return { problem: "not an age identity" };
  }
  // The shape is right (bech32 characters, one case): a failed decode is a bad checksum, a typo in the key.
  const decoded = bech32.decodeUnsafe(word, false);
  if (!decoded) return { problem: "bad checksum" };
  const bytes = bech32.fromWordsUnsafe(decoded.words);
  const hrp = pq ? "age-secret-key-pq-" : "age-secret-key-";
  if (decoded.prefix.toLowerCase() !== hrp || !bytes || bytes.length !== 32) return { problem: "not an age identity" };
  return { kind: pq ? "pq" : "x25519" };
}

/**
 * Parses identity text: one key a line, blank lines and `#` comments ignored. Also accepts several keys on one line
 * separated by whitespace (the `SOPS_AGE_KEY` convention). Each key is fully checked here (bech32 checksum, length),
 * so no library later sees a damaged key and echoes it in its own message.
 *
 * @throws {@link InvalidIdentityError} naming the source and line, never any part of the key.
 */
export function parseIdentities(text: string, source: string): Identity[] {
  const out: Identity[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    for (const word of trimmed.split(/\s+/)) {
      const checked = identityProblem(word);
      if ("kind" in checked) {
        out.push({ secret: word, kind: checked.kind, source });
        continue;
      }
      throw new InvalidIdentityError(`invalid age identity in ${source} (line ${i + 1}): ${checked.problem}`, {
        hint:
          checked.problem === "bad checksum"
            ? "a character of the key was changed or lost; copy the key again from where it is kept"
            : "an identity file holds one AGE-SECRET-KEY-1… per line; lines starting with # are comments",
      });
    }
  });
  return out;
}

// Keyed by the identity object, not its text: what is derived from a key lives only as long as the key itself.
const nativeCache = new WeakMap<Identity, NativeX25519 | undefined>();
const recipientCache = new WeakMap<Identity, Promise<string>>();

/**
 * True for an identity that can be used without a person or a program to ask: not a key command, not a
 * passphrase-protected file or SSH key. Git's drivers (textconv, merge), which git runs unasked, use only these.
 */
export function isUnattended(identity: Identity): boolean {
  return !identity.expand && identity.ssh?.encrypted !== true;
}

/** An X25519 identity as node:crypto key objects (memoised per identity object), else `undefined`. */
export function nativeOf(identity: Identity): NativeX25519 | undefined {
  if (identity.kind !== "x25519") return undefined;
  if (!nativeCache.has(identity)) nativeCache.set(identity, decodeX25519Identity(identity.secret));
  return nativeCache.get(identity);
}

/**
 * The public `age1…` recipient of an identity (memoised: PQ derivation is not free). X25519 keys are derived with
 * node:crypto; `age-encryption` is loaded only for the others. A library failure is reported in vaultfile's words
 * (the library's message may quote the key).
 *
 * @throws {@link InvalidIdentityError} naming the identity's source.
 */
export function recipientOf(identity: Identity): Promise<string> {
  let p = recipientCache.get(identity);
  if (p) return p;
  if (identity.ssh) {
    p = Promise.resolve(identity.ssh.publicKey.text);
  } else if (identity.expand) {
    p = identity.expand().then((ids) => {
      if (ids.length === 0) throw new InvalidIdentityError(`${identity.source} holds no identity`);
      return recipientOf(ids[0]!);
    });
  } else {
    const native = nativeOf(identity);
    p = native
      ? Promise.resolve(native.recipient)
      : import("age-encryption")
          .then((age) => age.identityToRecipient(identity.secret))
          .catch(() => {
            // Never the library's message: it may quote the key.
            throw new InvalidIdentityError(
              `invalid age identity in ${identity.source}: its public key cannot be derived`,
            );
          });
  }
  recipientCache.set(identity, p);
  return p;
}
