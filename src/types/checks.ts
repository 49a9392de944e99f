/**
 * Format checks for the built-in types. Each returns `null` or a description of what was expected; none of them
 * may put the value, or any part of it, into its message (the messages reach terminals, CI logs and JSON).
 */
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import type { FormatCheck } from "./definition.js";

/** Whitespace at either end is almost always a paste mistake (a trailing newline, a leading space). */
const EDGE_SPACE = /^\s|\s$/;
const ANY_SPACE = /\s/;

/** A token: one line, no spaces, matching `shape`; `expected` says what the shape is. */
export function tokenCheck(shape: RegExp, expected: string): FormatCheck {
  return (value) => {
    if (ANY_SPACE.test(value)) return `it contains whitespace (a pasted newline or space?); expected ${expected}`;
    return shape.test(value) ? null : `expected ${expected}`;
  };
}

/** At least `min` characters; nothing else is checked (a password may contain anything). */
export function minLengthCheck(min: number): FormatCheck {
  return (value) => ([...value].length >= min ? null : `expected at least ${min} characters`);
}

/** Any value without whitespace at its ends. */
export const trimmedCheck: FormatCheck = (value) =>
  EDGE_SPACE.test(value) ? "it starts or ends with whitespace (a pasted newline?)" : null;

/** One line with no whitespace at all (a user name, a key id). */
export const noSpaceCheck: FormatCheck = (value) => (ANY_SPACE.test(value) ? "it contains whitespace" : null);

/** No check at all. */
export const anyValue: FormatCheck = () => null;

/** Passes when any of the checks passes; else reports the first check's message. */
export function anyOf(...checks: FormatCheck[]): FormatCheck {
  return (value) => {
    const messages = checks.map((c) => c(value));
    return messages.includes(null) ? null : messages[0]!;
  };
}

/** A URL that `new URL` parses, with a scheme and (for http, https, ftp, ws) a host. Credentials are allowed. */
export const urlCheck: FormatCheck = (value) => {
  if (ANY_SPACE.test(value)) return "it contains whitespace; expected a URL such as https://host/path";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "it does not parse as a URL; expected a URL such as https://host/path";
  }
  if (/^(https?|ftp|wss?):$/.test(url.protocol) && url.hostname === "") return "the URL has no host";
  return null;
};

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)\r?\n?-----END \1-----/g;
const BASE64_BODY = /^[A-Za-z0-9+/=\s]+$/;

/**
 * One or more PEM blocks (a key, a certificate, a chain), each of which parses: private keys with
 * `createPrivateKey`, public keys with `createPublicKey`, certificates with `X509Certificate`. Encrypted private
 * keys and OpenSSH keys cannot be parsed without a passphrase or an SSH library: their body must be base64 of the
 * right outer structure.
 */
export const pemCheck: FormatCheck = (value) => {
  const blocks = [...value.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) return "expected a PEM block (-----BEGIN …----- … -----END …-----)";
  // Text around the blocks (openssl's "Bag Attributes", comments) is allowed, as PEM readers skip it.
  for (const [block, label, body] of blocks) {
    const problem = pemBlockProblem(label!, body!, block);
    if (problem) return problem;
  }
  return null;
};

/** Labels named in messages; any other label is the value's own text and is not repeated. */
const KNOWN_LABELS = new Set([
  "CERTIFICATE",
  "PRIVATE KEY",
  "RSA PRIVATE KEY",
  "EC PRIVATE KEY",
  "ENCRYPTED PRIVATE KEY",
  "OPENSSH PRIVATE KEY",
  "PUBLIC KEY",
  "RSA PUBLIC KEY",
  "X509 CRL",
  "CERTIFICATE REQUEST",
]);

function pemBlockProblem(label: string, body: string, block: string): string | null {
  const problem = pemPayloadProblem(label, body, block);
  return problem?.replace("{block}", KNOWN_LABELS.has(label) ? `the ${label} block` : "a PEM block") ?? null;
}

function pemPayloadProblem(label: string, body: string, block: string): string | null {
  // Legacy encrypted keys carry headers ("Proc-Type: 4,ENCRYPTED") and a blank line before the payload.
  const hasHeaders = /^[A-Za-z-]+:/m.test(body);
  const payload = hasHeaders
    ? body
        .split(/\r?\n\r?\n/)
        .slice(1)
        .join("\n")
    : body;
  if (!BASE64_BODY.test(payload)) return "{block} is not base64";
  const der = Buffer.from(payload.replace(/\s/g, ""), "base64");
  if (der.length === 0) return "{block} is empty";
  try {
    if (hasHeaders)
      return /^Proc-Type:.*ENCRYPTED/m.test(body) ? null : "{block} has headers but is not an encrypted key";
    if (label === "CERTIFICATE") new X509Certificate(block);
    else if (label === "OPENSSH PRIVATE KEY") {
      if (!der.subarray(0, 15).equals(Buffer.from("openssh-key-v1\0"))) return "{block} is not an OpenSSH key";
    } else if (label === "ENCRYPTED PRIVATE KEY") {
      if (der[0] !== 0x30) return "{block} is not DER";
    } else if (label.endsWith("PRIVATE KEY")) createPrivateKey(block);
    else if (label.endsWith("PUBLIC KEY")) createPublicKey(block);
    else if (der[0] !== 0x30) return "{block} is not DER";
  } catch {
    // Node's message may describe the content; say only which block failed.
    return "{block} does not parse";
  }
  return null;
}
