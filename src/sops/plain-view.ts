/**
 * Views of a decrypted sops document in clear: the YAML `sops -d` prints (encrypted comments decrypted too) and the
 * data as plain values. The document is changed only while printing and restored before returning.
 */
import { Scalar, YAMLMap, YAMLSeq, type Document } from "yaml";
import { looksEncrypted, parseEncryptedValue, type EncryptedValue } from "../format/enc.js";
import { printYaml, SOPS_KEY } from "../format/yaml.js";
import type { PlainLeaf } from "./sops-file.js";

/** Decrypts an encrypted comment (`type:comment`) found under `path`; `null` when it does not open. */
export type OpenComment = (enc: EncryptedValue, path: readonly string[]) => Uint8Array | null;

/**
 * The decrypted document as YAML (what `sops -d` prints): comments and order kept, no `sops` block. Encrypted
 * nodes are swapped for their plaintext while printing and restored afterwards.
 */
export function decryptedYaml(doc: Document, plain: ReadonlyMap<Scalar, PlainLeaf>, indentSeq: boolean, openComment: OpenComment): string {
  const root = doc.contents as YAMLMap;
  const sopsIndex = root.items.findIndex((p) => (p.key as Scalar | undefined)?.value === SOPS_KEY);
  const sopsPair = sopsIndex >= 0 ? root.items.splice(sopsIndex, 1)[0] : undefined;
  const saved: [Scalar, unknown, Scalar["type"]][] = [];
  try {
    for (const [node, p] of plain) {
      saved.push([node, node.value, node.type]);
      node.value = p.value;
      node.type = undefined;
    }
    return withDecryptedComments(doc, openComment, () => printYaml(doc, indentSeq));
  } finally {
    for (const [node, value, type] of saved) {
      node.value = value;
      node.type = type;
    }
    if (sopsPair) root.items.splice(sopsIndex, 0, sopsPair);
  }
}

/**
 * Runs `fn` with comments that sops encrypted (`#ENC[…,type:comment]`, under encrypted paths) shown in clear.
 * sops uses the path of the collection holding the comment as associated data; a comment that does not decrypt
 * is shown as it is, as sops does.
 */
function withDecryptedComments<T>(doc: Document, openComment: OpenComment, fn: () => T): T {
  const restore: (() => void)[] = [];
  const decryptLines = (text: string, path: readonly string[]): string =>
    text
      .split("\n")
      .map((line) => {
        const t = line.trim();
        if (!looksEncrypted(t)) return line;
        try {
          const enc = parseEncryptedValue(t, "a comment");
          const bytes = openComment(enc, path);
          return bytes ? " " + Buffer.from(bytes).toString("utf8").replace(/^ /, "") : line;
        } catch {
          return line;
        }
      })
      .join("\n");
  const visit = (node: unknown, path: readonly string[]): void => {
    if (!node || typeof node !== "object") return;
    const n = node as { commentBefore?: string | null; comment?: string | null };
    for (const field of ["commentBefore", "comment"] as const) {
      const c = n[field];
      if (typeof c === "string" && c.includes("ENC[")) {
        restore.push(() => (n[field] = c));
        n[field] = decryptLines(c, path);
      }
    }
    if (node instanceof YAMLMap) {
      for (const pair of node.items) {
        const key = pair.key instanceof Scalar ? String(pair.key.value) : String(pair.key);
        if (path.length === 0 && key === SOPS_KEY) continue;
        visit(pair.key, path);
        visit(pair.value, [...path, key]);
      }
    } else if (node instanceof YAMLSeq) {
      for (const item of node.items) visit(item, path);
    }
  };
  visit(doc, []);
  visit(doc.contents, []);
  try {
    return fn();
  } finally {
    for (const r of restore.reverse()) r();
  }
}

/** The decrypted data tree as plain JavaScript values (no `sops` block). */
export function toPlain(doc: Document, plain: ReadonlyMap<Scalar, PlainLeaf>): Record<string, unknown> {
  const convert = (node: unknown): unknown => {
    if (node instanceof Scalar) {
      const p = plain.get(node);
      const v = p ? p.value : node.value;
      // Integers are parsed as bigint so that 64-bit values stay exact; give plain numbers where they fit.
      return typeof v === "bigint" && Number.isSafeInteger(Number(v)) ? Number(v) : v;
    }
    if (node instanceof YAMLMap) {
      const o: Record<string, unknown> = {};
      for (const pair of node.items) o[String(pair.key instanceof Scalar ? pair.key.value : pair.key)] = convert(pair.value);
      return o;
    }
    if (node instanceof YAMLSeq) return node.items.map(convert);
    return node ?? null;
  };
  const out = convert(doc.contents) as Record<string, unknown>;
  delete out[SOPS_KEY];
  return out;
}
