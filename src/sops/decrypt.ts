/**
 * `sops -d` for any age sops YAML file: every document of the stream decrypted (sops keeps one `sops` block in each
 * and one MAC over all of them), comments where sops has them (encrypted ones opened, a comment between list items
 * included), every value with the type sops gives it, the MAC verified. Walks the tree as sops's `Tree.Decrypt`
 * does, including comment-based selection (`encrypted_comment_regex`, `unencrypted_comment_regex`).
 */
import { timingSafeEqual } from "node:crypto";
import { isMap, isScalar, isSeq, Scalar, type Document, type YAMLMap, type YAMLSeq } from "yaml";
import { DecryptionError, FormatError, IntegrityError } from "../errors.js";
import { decryptAead } from "../crypto/aead.js";
import { looksEncrypted, parseEncryptedValue } from "../format/enc.js";
import { MacBuilder } from "../format/mac.js";
import type { PlainComment, PlainList, PlainMap, PlainNode, PlainScalar } from "../format/plain-tree.js";
import { additionalData, type EncryptionRules } from "../format/rules.js";
import { resolveGoYaml } from "../format/go-yaml-resolve.js";
import { formatGoFloat, utf8Bytes } from "../format/values.js";
import {
  lineOf,
  macAdditionalData,
  parseYamlDocuments,
  readMetadata,
  SOPS_KEY,
  type SopsMetadata,
} from "../format/yaml.js";
import { unlockDataKey, type KeySearch } from "./data-key.js";
import { selector } from "./select.js";

export interface DecryptedSops {
  /** Every document of the file, decrypted, without its `sops` block. */
  documents: PlainMap[];
  /** The metadata of the first document (sops reads it from there). */
  meta: SopsMetadata;
}

/**
 * Decrypts a sops YAML file and verifies its MAC.
 * @throws FormatError (exit 6) for malformed YAML or sops structure; NoIdentityError / WrongKeyError (exit 4) when
 * no key opens it; DecryptionError / IntegrityError (exit 5) when a value or the MAC does not verify.
 */
export async function decryptSops(text: string, file: string, keys: KeySearch): Promise<DecryptedSops> {
  const docs = parseYamlDocuments(text, file);
  if (docs.length === 0)
    throw new FormatError(`${file} has no sops metadata block`, { hint: "it is not an encrypted sops file" });
  const meta = readMetadata(docs[0]!, file, text);
  const dataKey = await unlockDataKey(meta, file, keys);
  const mac = new MacBuilder(meta.macOnlyEncrypted);
  const walker = new Walker(meta.rules, dataKey, mac, text);
  const documents = docs.map((d) => walker.document(d));
  verifyMac(meta, dataKey, mac.digest(), file);
  return { documents, meta };
}

function verifyMac(meta: SopsMetadata, dataKey: Uint8Array, digest: string, file: string): void {
  if (!meta.mac)
    throw new IntegrityError("E_MAC", `${file} has no MAC`, {
      hint: "the sops block was damaged; restore the file from git",
    });
  const enc = parseEncryptedValue(meta.mac, "sops.mac");
  const stored = decryptAead(dataKey, enc, macAdditionalData(meta.lastModified));
  if (!stored)
    throw new IntegrityError("E_MAC", `the MAC of ${file} does not decrypt: the MAC or lastmodified was altered`, {
      hint: "restore the file from git",
    });
  const computed = utf8Bytes(digest);
  if (stored.length !== computed.length || !timingSafeEqual(stored, computed)) {
    throw new IntegrityError("E_MAC", `MAC mismatch in ${file}: its contents were changed outside sops/vaultfile`, {
      hint: "a value, a metadata field or their order was edited by hand; restore the file from git",
    });
  }
}

/** The comment lines of a `yaml` comment string (blank lines dropped, as sops drops them). */
function commentLines(c: string | null | undefined): string[] {
  return c ? c.split("\n").filter((l) => l !== "") : [];
}

class Walker {
  private readonly shouldEncrypt: ReturnType<typeof selector>;

  constructor(
    rules: EncryptionRules,
    private readonly dataKey: Uint8Array,
    private readonly mac: MacBuilder,
    private readonly text: string,
  ) {
    this.shouldEncrypt = selector(rules);
  }

  document(doc: Document.Parsed): PlainMap {
    const root = doc.contents as YAMLMap | null;
    const out: PlainMap = { kind: "map", items: [] };
    // sops's walk starts with one level of comments for the document's top mapping.
    const stack: string[][] = [[]];
    for (const l of commentLines(doc.commentBefore)) out.items.push(this.comment(l, [], stack));
    if (root) this.mapItems(root, [], stack, out, true);
    for (const l of commentLines(doc.comment)) out.items.push(this.comment(l, [], stack));
    return out;
  }

  /** A comment item: opened when sops would have encrypted it, else as it is (sops keeps what does not decrypt). */
  private comment(line: string, path: readonly string[], stack: string[][]): PlainComment {
    stack[stack.length - 1]!.push(line);
    if (!looksEncrypted(line) || !this.shouldEncrypt(path, stack, true)) return { kind: "comment", text: line };
    try {
      const enc = parseEncryptedValue(line, "a comment");
      const bytes = decryptAead(this.dataKey, enc, additionalData(path));
      return { kind: "comment", text: bytes ? Buffer.from(bytes).toString("utf8") : line };
    } catch {
      return { kind: "comment", text: line };
    }
  }

  /** The items of a mapping into `out`; `stack` already holds this mapping's level of comments. */
  private mapItems(node: YAMLMap, path: readonly string[], stack: string[][], out: PlainMap, top = false): void {
    const comment = (c: string | null | undefined): void => {
      for (const l of commentLines(c)) out.items.push(this.comment(l, path, stack));
    };
    comment(node.commentBefore);
    for (const pair of node.items) {
      const keyNode = pair.key;
      const key = isScalar(keyNode) ? keyNode.value : keyNode;
      if (key === null || typeof key === "object")
        throw new FormatError("mapping keys must be plain strings", lineOf(keyNode as Scalar, this.text));
      const name = String(key);
      if (top && name === SOPS_KEY) continue;
      comment((keyNode as Scalar).commentBefore);
      comment((keyNode as Scalar).comment);
      const v = pair.value;
      if (isScalar(v)) {
        comment(v.commentBefore);
        comment(v.comment);
      }
      const value = this.value(v, [...path, name], stack);
      out.items.push({
        kind: "pair",
        key: name,
        value: value.kind === "comment" ? { kind: "str", value: value.text } : value,
      });
      stack[stack.length - 1] = [];
    }
    comment(node.comment);
  }

  private value(node: unknown, path: readonly string[], stack: string[][]): PlainNode | PlainComment {
    if (isMap(node)) {
      const out: PlainMap = { kind: "map", items: [] };
      this.mapItems(node, path, [...stack, []], out);
      return out;
    }
    if (isSeq(node)) return this.list(node, path, [...stack, []]);
    if (node === null || node === undefined) return { kind: "null" };
    if (isScalar(node)) return this.leaf(node, path, stack);
    throw new FormatError(
      `unsupported YAML node at ${path.join(".")} (anchors and aliases are not supported)`,
      lineOf(node as Scalar, this.text),
    );
  }

  private list(node: YAMLSeq, path: readonly string[], stack: string[][]): PlainList {
    const out: PlainList = { kind: "list", items: [] };
    const comment = (c: string | null | undefined): void => {
      for (const l of commentLines(c)) out.items.push(this.comment(l, path, stack));
    };
    comment(node.commentBefore);
    for (const item of node.items) {
      if (isScalar(item) || isMap(item) || isSeq(item)) comment(item.commentBefore);
      if (isScalar(item)) comment(item.comment);
      const v = this.value(item, path, stack);
      out.items.push(v);
      // An encrypted list comment was a string item to sops's walk, so it clears the comments too.
      stack[stack.length - 1] = [];
    }
    comment(node.comment);
    return out;
  }

  /** One scalar: decrypted when sops would have encrypted it; fed to the MAC as sops's `ToBytes` gives it. */
  private leaf(node: Scalar, path: readonly string[], stack: string[][]): PlainScalar | PlainComment {
    const clear = clearScalar(node);
    const encrypted = this.shouldEncrypt(path, stack, false);
    if (!encrypted || clear.kind === "null" || (clear.kind === "str" && clear.value === "")) {
      if (clear.kind !== "null") this.mac.add(macBytes(clear), encrypted);
      return clear;
    }
    const where = path.join(".");
    if (clear.kind !== "str" || !looksEncrypted(clear.value)) {
      throw new FormatError(`${where} holds a plaintext value where sops expects an encrypted one`, {
        ...lineOf(node, this.text),
        hint: "restore the file from git (and rotate the value: it was exposed in clear)",
      });
    }
    const enc = parseEncryptedValue(clear.value, where);
    const bytes = decryptAead(this.dataKey, enc, additionalData(path));
    if (!bytes) {
      throw new DecryptionError(
        `the value at ${where} does not decrypt: it was altered, moved from another entry, or encrypted with another key`,
        { hint: "the file was changed outside sops; restore it from git" },
      );
    }
    const text = () => {
      try {
        return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
      } catch {
        throw new FormatError(`decrypted value at ${where} is not valid UTF-8`);
      }
    };
    let value: PlainScalar;
    switch (enc.type) {
      case "comment":
        // A comment between list items: not data, not in the MAC.
        return { kind: "comment", text: text() };
      case "str":
        value = { kind: "str", value: text() };
        break;
      case "int": {
        const t = text();
        if (!/^[-+]?\d+$/.test(t) || BigInt(t) < -(2n ** 63n) || BigInt(t) >= 2n ** 63n)
          throw new FormatError(`decrypted int at ${where} is not a 64-bit integer`);
        value = { kind: "int", value: BigInt(t) };
        break;
      }
      case "float": {
        const t = text();
        const n = /^[-+]?(inf|infinity)$/i.test(t)
          ? t.startsWith("-")
            ? -Infinity
            : Infinity
          : /^nan$/i.test(t)
            ? NaN
            : Number(t);
        if (Number.isNaN(n) && !/^nan$/i.test(t)) throw new FormatError(`decrypted float at ${where} is not a number`);
        value = { kind: "float", value: n };
        break;
      }
      case "bool": {
        const t = text();
        if (["1", "t", "T", "TRUE", "true", "True"].includes(t)) value = { kind: "bool", value: true };
        else if (["0", "f", "F", "FALSE", "false", "False"].includes(t)) value = { kind: "bool", value: false };
        else throw new FormatError(`decrypted bool at ${where} is neither true nor false`);
        break;
      }
      case "time":
        value = { kind: "time", value: text() };
        break;
      case "bytes":
        value = { kind: "bytes", value: bytes };
        break;
    }
    this.mac.add(macBytes(value), true);
    return value;
  }
}

/** A scalar as sops's YAML store reads it (go-yaml v3 into `interface{}`): quoted and block scalars are strings. */
function clearScalar(node: Scalar): PlainScalar {
  const v = node.value;
  if (v === null || v === undefined) return { kind: "null" };
  if (node.type === Scalar.PLAIN && !node.tag) {
    const src = (node as Scalar & { source?: string }).source ?? String(v);
    return resolveGoYaml(src);
  }
  if (typeof v === "string") return { kind: "str", value: v };
  if (typeof v === "boolean") return { kind: "bool", value: v };
  if (typeof v === "bigint") return { kind: "int", value: v };
  if (typeof v === "number")
    return Number.isInteger(v) && !String(v).includes(".")
      ? { kind: "int", value: BigInt(v) }
      : { kind: "float", value: v };
  return { kind: "str", value: String(v) };
}

/** sops's `ToBytes`: what a value contributes to the MAC. */
function macBytes(v: PlainScalar): Uint8Array {
  switch (v.kind) {
    case "str":
    case "time":
      return utf8Bytes(v.value);
    case "int":
      return utf8Bytes(v.value.toString());
    case "float":
      return utf8Bytes(formatGoFloat(v.value));
    case "bool":
      return utf8Bytes(v.value ? "True" : "False");
    case "bytes":
      return v.value;
    case "null":
      return new Uint8Array(0);
  }
}
