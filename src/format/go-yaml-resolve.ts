/**
 * go-yaml v3's resolver, as sops's YAML store meets it: what an untagged plain scalar decodes to (null, bool, int,
 * float, timestamp or string), with Go's `strconv` number syntax and go-yaml's timestamp layouts. The printer
 * (sops-yaml-print.ts) asks it whether a string may be written plain; the decrypter whether a value is a string.
 */
import type { PlainScalar } from "./plain-tree.js";

/** YAML 1.1 booleans and base-60 floats: go-yaml reads them as strings but quotes them when it writes. */
export const OLD_BOOL = new Set([
  "y",
  "Y",
  "yes",
  "Yes",
  "YES",
  "on",
  "On",
  "ON",
  "n",
  "N",
  "no",
  "No",
  "NO",
  "off",
  "Off",
  "OFF",
]);
export const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const RESOLVE_MAP = new Set([
  "",
  "~",
  "null",
  "Null",
  "NULL",
  "true",
  "True",
  "TRUE",
  "false",
  "False",
  "FALSE",
  ".nan",
  ".NaN",
  ".NAN",
  ".inf",
  ".Inf",
  ".INF",
  "+.inf",
  "+.Inf",
  "+.INF",
  "-.inf",
  "-.Inf",
  "-.INF",
]);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** go-yaml v3's `resolve("", s)` gives `!!str` (for a value, `<<` does). */
export function resolvesToString(s: string): boolean {
  if (RESOLVE_MAP.has(s)) return false;
  const c = s[0]!;
  if (c === ".") return !goParseFloat(s);
  if (c === "+" || c === "-" || (c >= "0" && c <= "9")) {
    if (isGoYamlTimestamp(s)) return false;
    const plain = s.replace(/_/g, "");
    if (goParseInt(plain) !== undefined || (YAML_STYLE_FLOAT.test(plain) && goParseFloat(plain))) return false;
    if (/^-?0b[01]+$/.test(plain) || /^-?0o[0-7]+$/.test(plain)) return false;
  }
  return true;
}

/**
 * What go-yaml v3 decodes an untagged plain scalar to (into `interface{}`, as sops's YAML store does): null, bool,
 * int, float, or string. Timestamps stay strings there (go-yaml keeps them so for `interface{}` targets).
 */
export function resolveGoYaml(s: string): PlainScalar {
  if (s === "" || s === "~" || s === "null" || s === "Null" || s === "NULL") return { kind: "null" };
  if (s === "true" || s === "True" || s === "TRUE") return { kind: "bool", value: true };
  if (s === "false" || s === "False" || s === "FALSE") return { kind: "bool", value: false };
  const special: Record<string, number> = {
    ".nan": NaN,
    ".NaN": NaN,
    ".NAN": NaN,
    ".inf": Infinity,
    ".Inf": Infinity,
    ".INF": Infinity,
    "+.inf": Infinity,
    "+.Inf": Infinity,
    "+.INF": Infinity,
    "-.inf": -Infinity,
    "-.Inf": -Infinity,
    "-.INF": -Infinity,
  };
  if (s in special) return { kind: "float", value: special[s]! };
  const c = s[0]!;
  if (c === ".") return goParseFloat(s) ? { kind: "float", value: goFloatValue(s) } : { kind: "str", value: s };
  if (c === "+" || c === "-" || (c >= "0" && c <= "9")) {
    if (isGoYamlTimestamp(s)) return { kind: "str", value: s };
    const plain = s.replace(/_/g, "");
    const n = goParseInt(plain);
    if (n !== undefined) return { kind: "int", value: n };
    if (YAML_STYLE_FLOAT.test(plain) && goParseFloat(plain)) return { kind: "float", value: Number(plain) };
    const bin = /^(-?)0b([01]+)$/.exec(plain) ?? /^(-?)0o([0-7]+)$/.exec(plain);
    if (bin) {
      const v = BigInt((plain.includes("0b") ? "0b" : "0o") + bin[2]!) * (bin[1] === "-" ? -1n : 1n);
      if (v >= -(2n ** 63n) && v < 2n ** 63n) return { kind: "int", value: v };
    }
  }
  return { kind: "str", value: s };
}

function goFloatValue(s: string): number {
  const t = s.toLowerCase().replace(/^\+/, "");
  if (t === "inf" || t === "infinity") return Infinity;
  if (t === "-inf" || t === "-infinity") return -Infinity;
  if (t === "nan") return NaN;
  return Number(s);
}

/** Go's `strconv.ParseInt(s, 0, 64)`, else `ParseUint(s, 0, 64)` (underscores already removed), or `undefined`. */
function goParseInt(s: string): bigint | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const body = m[2]!;
  let n: bigint;
  if (/^0[xXoObB]/.test(body)) n = BigInt(body.toLowerCase());
  else if (body.length > 1 && body[0] === "0") n = BigInt("0o" + body.slice(1));
  else n = BigInt(body);
  if (m[1] === "-") n = -n;
  if (n < -(2n ** 63n)) return undefined;
  if (n >= 2n ** 63n && (m[1] === "-" || m[1] === "+" || n >= 2n ** 64n)) return undefined;
  return n;
}

/** Go's `strconv.ParseFloat(s, 64)` succeeds (decimal and hex floats, inf/infinity/nan in any case). */
function goParseFloat(s: string): boolean {
  if (/^[-+]?(inf|infinity|nan)$/i.test(s)) return !/^[-+]nan$/i.test(s);
  if (/^[-+]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][-+]?[0-9]+$/.test(s)) return true;
  return /^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/.test(s);
}

/** go-yaml v3's `parseTimestamp`: a four-digit year and `-`, then one of its four layouts, with Go's range checks. */
export function isGoYamlTimestamp(s: string): boolean {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:([Tt])|( ))(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[-+]\d{2}:\d{2})?)?$/.exec(s);
  if (!m) return false;
  const [, y, mo, d, t, space, h, mi, sec, , zone] = m;
  if (!validDate(Number(y), Number(mo), Number(d))) return false;
  if (h === undefined) return true;
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return false;
  if (t !== undefined)
    return zone !== undefined && (zone === "Z" || (Number(zone.slice(1, 3)) < 24 && Number(zone.slice(4)) < 60));
  return space !== undefined && zone === undefined;
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[m - 1]!;
}
