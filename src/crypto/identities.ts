/**
 * age identities and recipients as text: parsing identity files (one key a line, `#` comments), telling
 * X25519 from post-quantum hybrid keys, and deriving a recipient from an identity. No file or env access.
 */
import { InvalidInputError } from "../errors.js";
import { nativeX25519Identity } from "./age-x25519.js";

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

/**
 * Parses identity text: one key a line, blank lines and `#` comments ignored. Also accepts several keys on one line
 * separated by whitespace (the `SOPS_AGE_KEY` convention). Line numbers are reported, contents never.
 */
export function parseIdentities(text: string, source: string): Identity[] {
  const out: Identity[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) return;
    for (const word of trimmed.split(/\s+/)) {
      const upper = word;
      if (X25519_IDENTITY.test(upper)) out.push({ secret: upper, kind: "x25519", source });
      else if (PQ_IDENTITY.test(upper)) out.push({ secret: upper, kind: "pq", source });
      else {
        const looksPublic = word.startsWith("age1");
        throw new InvalidInputError("E_IDENTITY", `malformed age identity in ${source}${lines.length > 1 ? ` at line ${i + 1}` : ""}`, {
          hint: looksPublic
            ? "that is a public key (age1…); an identity file holds the secret key (AGE-SECRET-KEY-1…)"
            : "an identity file holds one AGE-SECRET-KEY-1… per line; lines starting with # are comments",
        });
      }
    }
  });
  return out;
}

const recipientCache = new Map<string, Promise<string>>();

/**
 * The public `age1…` recipient of an identity (memoised: PQ derivation is not free). X25519 keys are derived with
 * node:crypto; `age-encryption` is loaded only for the others.
 */
export function recipientOf(identity: Identity): Promise<string> {
  let p = recipientCache.get(identity.secret);
  if (!p) {
    const native = identity.kind === "x25519" ? nativeX25519Identity(identity.secret) : undefined;
    p = native ? Promise.resolve(native.recipient) : import("age-encryption").then((age) => age.identityToRecipient(identity.secret));
    recipientCache.set(identity.secret, p);
  }
  return p;
}
