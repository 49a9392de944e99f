/**
 * The sops value encoding: `ENC[AES256_GCM,data:<b64>,iv:<b64>,tag:<b64>,type:<t>]`. Pure string ↔ bytes; the
 * cipher itself lives in `crypto/aead.ts`.
 */
import { FormatError } from "../errors.js";

/** The value types sops knows. vaultfile writes `str` only but reads them all. */
export type SopsValueType = "str" | "int" | "float" | "bool" | "comment" | "time" | "bytes";
const VALUE_TYPES = new Set<string>(["str", "int", "float", "bool", "comment", "time", "bytes"]);

export interface EncryptedValue {
  data: Uint8Array;
  iv: Uint8Array;
  tag: Uint8Array;
  type: SopsValueType;
}

const ENC_RE = /^ENC\[AES256_GCM,data:([A-Za-z0-9+/=]*),iv:([A-Za-z0-9+/=]+),tag:([A-Za-z0-9+/=]+),type:([a-z]+)\]$/;
const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** True when `s` looks like a sops encrypted value (it may still be malformed inside). */
export function looksEncrypted(s: unknown): s is string {
  return typeof s === "string" && s.startsWith("ENC[") && s.endsWith("]");
}

/**
 * An `ENC[…]` string that passes every check of {@link parseEncryptedValue} but the lengths, in one match and three
 * length checks: base64 fields (what {@link B64_RE} accepts is exactly alphabet characters, at most two `=` at the
 * end, a multiple of 4 in all) and a known type. Anything else takes the checks one by one, for the error.
 */
const WELL_FORMED =
  /^ENC\[AES256_GCM,data:([A-Za-z0-9+/]*={0,2}),iv:([A-Za-z0-9+/]*={0,2}),tag:([A-Za-z0-9+/]*={0,2}),type:(str|int|float|bool|comment|time|bytes)\]$/;

/**
 * Where a value is, for errors: a dotted path given as its keys (joined only for an error) or as text.
 */
export type Place = string | readonly string[];
export function placeName(where: Place): string {
  return typeof where === "string" ? where : where.join(".");
}

/** Parses an `ENC[…]` string. Throws {@link FormatError} (naming `where`, never the value) when malformed. */
export function parseEncryptedValue(s: string, place: Place): EncryptedValue {
  const ok = WELL_FORMED.exec(s);
  if (ok && ok[1]!.length % 4 === 0 && ok[2]!.length % 4 === 0 && ok[3]!.length % 4 === 0) {
    const iv = fromBase64(ok[2]!);
    const tag = fromBase64(ok[3]!);
    if (iv.length > 0 && tag.length === 16) return { data: fromBase64(ok[1]!), iv, tag, type: ok[4] as SopsValueType };
  }
  const where = placeName(place);
  const m = ENC_RE.exec(s);
  if (!m)
    throw new FormatError(`malformed encrypted value at ${where}`, {
      hint: "the ENC[…] string was damaged; restore the file from git",
    });
  const [, data, iv, tag, type] = m as unknown as [string, string, string, string, string];
  for (const part of [data, iv, tag]) {
    if (!B64_RE.test(part))
      throw new FormatError(`malformed base64 in encrypted value at ${where}`, {
        hint: "the ENC[…] string was damaged; restore the file from git",
      });
  }
  if (!VALUE_TYPES.has(type)) throw new FormatError(`unknown value type "${type}" at ${where}`);
  const ivBytes = fromBase64(iv);
  const tagBytes = fromBase64(tag);
  if (ivBytes.length === 0 || tagBytes.length !== 16)
    throw new FormatError(`malformed iv or tag in encrypted value at ${where}`);
  return { data: fromBase64(data), iv: ivBytes, tag: tagBytes, type: type as SopsValueType };
}

/** Formats an encrypted value exactly as sops writes it (standard base64 with padding). */
export function formatEncryptedValue(v: EncryptedValue): string {
  // One flat string: a template literal makes a rope of nine, which a document keeps (535 bytes a value instead of
  // 273: 2.6 MB when `recipients remove` re-encrypts 10,000 values).
  const b64 = [toBase64(v.data), toBase64(v.iv), toBase64(v.tag)];
  return ["ENC[AES256_GCM,data:", b64[0], ",iv:", b64[1], ",tag:", b64[2], ",type:", v.type, "]"].join("");
}

export function toBase64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
}
export function fromBase64(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, "base64"));
}
