/** The data of a decrypted sops document as plain values, from either tree (light nodes or `yaml`'s). */
import { isMap, isScalar, isSeq, SOPS_KEY, type TreeDocument, type TreeScalar } from "../format/yaml-tree.js";
import type { PlainLeaf } from "./integrity.js";

/** The decrypted data tree as plain JavaScript values (no `sops` block). */
export function toPlain(doc: TreeDocument, plain: ReadonlyMap<TreeScalar, PlainLeaf>): Record<string, unknown> {
  const convert = (node: unknown): unknown => {
    if (isScalar(node)) {
      const p = plain.get(node);
      const v = p ? p.value : node.value;
      // Integers are parsed as bigint so that 64-bit values stay exact; give plain numbers where they fit.
      return typeof v === "bigint" && Number.isSafeInteger(Number(v)) ? Number(v) : v;
    }
    if (isMap(node)) {
      const o: Record<string, unknown> = {};
      for (const pair of node.items) o[String(isScalar(pair.key) ? pair.key.value : pair.key)] = convert(pair.value);
      return o;
    }
    if (isSeq(node)) return node.items.map(convert);
    return node ?? null;
  };
  const out = convert(doc.contents) as Record<string, unknown>;
  delete out[SOPS_KEY];
  return out;
}
