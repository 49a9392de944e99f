/**
 * age identities and recipients as text: parsing identity files (one key a line, `#` comments), telling
 * X25519 from post-quantum hybrid keys, and deriving a recipient from an identity. No file or env access.
 */
import { bech32 } from "@scure/base";
import { InvalidIdentityError, InvalidInputError } from "../errors.js";
import { decodeX25519Identity, type NativeX25519 } from "./age-x25519.js";

export type KeyKind = "x25519" | "pq";

export interface Identity {
  /** The `AGE-SECRET-KEY-…` string. Never printed. */
  secret: string;
  kind: KeyKind;
  /** Where it came from, for messages: `$SOPS_AGE_KEY`, a path, … */
  source: string;
}

const X25519_IDENTITY = /^AGE-SECRET-KEY-1[0-9A-Z]{58}$/;
const PQ_IDENTITY = /^AGE-SECRET-KEY-PQ-1[0-9A-Z]+$/;
const X25519_RECIPIENT = /^age1[0-9a-z]{58}$/;
const PQ_RECIPIENT = /^age1pq1[0-9a-z]+$/;

/** The kind of an `age1…` recipient, or `undefined` when it is not one vaultfile supports. */
export function recipientKind(r: string): KeyKind | undefined {
  if (PQ_RECIPIENT.test(r)) return "pq";
  if (X25519_RECIPIENT.test(r)) return "x25519";
  return undefined;
}

/** Checks an `age1…` recipient string; throws a clear error naming `label` otherwise. */
export function checkRecipient(r: string, label: string): KeyKind {
  const kind = recipientKind(r);
  if (!kind) {
    throw new InvalidInputError("E_RECIPIENT", `${label} is not a valid age recipient`, {
      hint: "an age recipient starts with age1 (or age1pq1 for post-quantum keys); get one with `vaultfile keygen` or `age-keygen -y KEYFILE`",
    });
  }
  return kind;
}

/** Why a word of identity text is not a usable age identity; never says anything about the key itself. */
function identityProblem(word: string): { kind: KeyKind } | { problem: string } {
  const pq = word.startsWith("AGE-SECRET-KEY-PQ-1");
  if (pq ? !PQ_IDENTITY.test(word) : !X25519_IDENTITY.test(word)) {
    if (word.startsWith("age1")) return { problem: "that is a public key (age1…), not an identity" };
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
  if (!p) {
    const native = nativeOf(identity);
    p = native
      ? Promise.resolve(native.recipient)
      : import("age-encryption").then(
          (age) => age.identityToRecipient(identity.secret),
          () => {
            throw new InvalidIdentityError(`invalid age identity in ${identity.source}`);
          },
        );
    p = p.catch((err: unknown) => {
      if (err instanceof InvalidIdentityError) throw err;
      throw new InvalidIdentityError(`invalid age identity in ${identity.source}: its public key cannot be derived`);
    });
    recipientCache.set(identity, p);
  }
  return p;
}
