/**
 * How sops turns a leaf into bytes (for encryption and for the MAC) and back. Mirrors sops's `ToBytes` and the
 * per-type parsing in `aes/cipher.go`: ints in decimal, floats as Go's `FormatFloat(v, 'f', -1, 64)`, booleans
 * as `True`/`False`.
 */
import { FormatError } from "../errors.js";
import { placeName, type Place, type SopsValueType } from "./enc.js";

/** A scalar as it appears in the decrypted tree. `bigint` holds integers beyond 2^53 exactly. */
export type Scalar = string | number | bigint | boolean | null;

const utf8 = new TextEncoder();
// ignoreBOM: a value that starts with U+FEFF keeps it (by default the decoder drops a leading BOM).
const utf8Strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Go's `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest representation that round-trips, never exponent. */
export function formatGoFloat(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (Object.is(v, -0)) return "-0";
  const s = String(v);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, lead, frac = "", expText] = m as unknown as [string, string, string, string | undefined, string];
  const digits = lead + frac;
  const exp = Number(expText);
  const point = 1 + exp; // position of the decimal point within `digits`
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** The sops type name for a scalar found in a tree. */
export function sopsTypeOf(v: Exclude<Scalar, null>, isFloat: boolean): SopsValueType {
  if (typeof v === "string") return "str";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  return isFloat || !Number.isInteger(v) ? "float" : "int";
}

/** The bytes sops hashes and encrypts for a scalar (`ToBytes`). `null` is empty. */
export function scalarToBytes(v: Scalar, type: SopsValueType): Uint8Array {
  if (v === null) return new Uint8Array(0);
  switch (type) {
    case "bool":
      return utf8Bytes(v === true || v === "True" ? "True" : "False");
    case "float":
      return utf8Bytes(typeof v === "number" ? formatGoFloat(v) : String(v));
    case "int":
      return utf8Bytes(typeof v === "number" ? formatGoFloat(v) : String(v));
    default:
      return utf8Bytes(String(v));
  }
}

/** Parses decrypted bytes back into a scalar of the given sops type. */
export function bytesToScalar(b: Uint8Array, type: SopsValueType, place: Place): Scalar {
  let text: string;
  try {
    text = utf8Strict.decode(b);
  } catch {
    if (type === "bytes") return Buffer.from(b).toString("latin1");
    throw new FormatError(`decrypted value at ${placeName(place)} is not valid UTF-8`);
  }
  switch (type) {
    case "str":
    case "comment":
    case "time":
    case "bytes":
      return text;
    case "int": {
      if (!/^[-+]?\d+$/.test(text)) throw new FormatError(`decrypted int at ${placeName(place)} is not an integer`);
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : BigInt(text);
    }
    case "float": {
      const special: Record<string, number> = { "+Inf": Infinity, "-Inf": -Infinity, NaN: NaN };
      const n = text in special ? special[text]! : Number(text);
      if (Number.isNaN(n) && text !== "NaN")
        throw new FormatError(`decrypted float at ${placeName(place)} is not a number`);
      return n;
    }
    case "bool":
      if (text === "True") return true;
      if (text === "False") return false;
      throw new FormatError(`decrypted bool at ${placeName(place)} is neither True nor False`);
  }
}

/**
 * Writes `s` into `buf` at `at` as UTF-8 and returns the bytes written; `buf` has room for `3 * s.length` bytes
 * from `at`. ASCII is copied in JS: for the short strings of a vault's walk (key names, types, dates) that costs
 * less than a call into `Buffer#write` or `TextEncoder#encodeInto` from cold code.
 */
export function writeUtf8(buf: Uint8Array, at: number, s: string): number {
  const n = s.length;
  let i = 0;
  if (n <= 64) {
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) break;
      buf[at + i++] = c;
    }
    if (i === n) return n;
  }
  return utf8.encodeInto(s, buf.subarray(at)).written;
}

/**
 * The UTF-8 bytes of a string. Short ASCII strings (key names, types, dates: most of a vault's leaves) are copied in
 * JS, since `TextEncoder.encode` allocates a fresh buffer per call, which dominated walking a big vault.
 */
export function utf8Bytes(s: string): Uint8Array {
  const n = s.length;
  if (n > 64) return utf8.encode(s);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return utf8.encode(s);
    b[i] = c;
  }
  return b;
}
