/**
 * Prints a decrypted document the way `sops -d --output-type json` does (`stores/json`): keys in file order,
 * comments dropped, values through Go's `encoding/json` (exact integers, `<`, `>`, `&` escaped, floats in Go's
 * form), re-indented with a tab by `json.Indent`, and a final newline. sops prints the first document of a
 * multi-document file only (`EmitPlainFile` takes `branches[0]`); so does this.
 */
import { FormatError } from "../errors.js";
import type { PlainMap, PlainNode } from "./plain-tree.js";
import { formatGoFloat } from "./values.js";

/** The JSON text of one document, as sops prints it. */
export function printSopsJson(doc: PlainMap): string {
  return value(doc, "") + "\n";
}

function value(node: PlainNode, indent: string): string {
  switch (node.kind) {
    case "map": {
      const pairs = node.items.filter((i) => i.kind === "pair");
      if (pairs.length === 0) return "{}";
      const inner = indent + "\t";
      return (
        "{\n" +
        pairs.map((p) => `${inner}${goJsonString(p.key)}: ${value(p.value, inner)}`).join(",\n") +
        `\n${indent}}`
      );
    }
    case "list": {
      const items = node.items.filter((i) => i.kind !== "comment") as PlainNode[];
      if (items.length === 0) return "[]";
      const inner = indent + "\t";
      return "[\n" + items.map((i) => inner + value(i, inner)).join(",\n") + `\n${indent}]`;
    }
    case "null":
      return "null";
    case "bool":
      return node.value ? "true" : "false";
    case "int":
      return node.value.toString();
    case "float":
      return goJsonFloat(node.value);
    case "time":
      return goJsonString(node.value);
    case "bytes":
      // encoding/json writes a []byte as base64.
      return goJsonString(Buffer.from(node.value).toString("base64"));
    case "str":
      return goJsonString(node.value);
  }
}

/** Go's `encoding/json` float64: `'f'` form, or `'e'` below 1e-6 and from 1e21 on, with `e-07` shortened to `e-7`. */
export function goJsonFloat(v: number): string {
  if (!Number.isFinite(v)) {
    throw new FormatError(`the value ${String(v)} cannot be printed as JSON`, {
      hint: "sops refuses it too (json: unsupported value); decrypt to YAML instead",
    });
  }
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    const [mant, exp] = abs.toExponential().split("e") as [string, string];
    const e = Number(exp);
    const digits = Math.abs(e) < 10 && e > 0 ? `0${e}` : String(Math.abs(e));
    return `${v < 0 ? "-" : ""}${mant}e${e < 0 ? "-" : "+"}${digits}`;
  }
  return formatGoFloat(v);
}

/** Go's `encoding/json` string: `"`, `\`, control characters, `<`, `>`, `&`, U+2028 and U+2029 escaped. */
export function goJsonString(s: string): string {
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (c === '"' || c === "\\") out += "\\" + c;
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (c === "\t") out += "\\t";
    else if (cp < 0x20 || c === "<" || c === ">" || c === "&" || cp === 0x2028 || cp === 0x2029)
      out += "\\u" + cp.toString(16).padStart(4, "0");
    else if (cp >= 0xd800 && cp <= 0xdfff) out += "\\ufffd";
    else out += c;
  }
  return out + '"';
}
