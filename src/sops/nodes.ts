/** Small node helpers of the sops engine: clear leaves as sops hashes them, and the nodes of the `sops` block. */
import { Scalar, YAMLMap, type Document } from "yaml";
import { encryptAead } from "../crypto/aead.js";
import { formatEncryptedValue } from "../format/enc.js";
import { additionalData, type EncryptionRules } from "../format/rules.js";
import { doubleQuoted, getNode, walkTree, type SopsAgeEntry } from "../format/yaml.js";
import { scalarToBytes, sopsTypeOf, type Scalar as ScalarValue } from "../format/values.js";
import type { PlainLeaf } from "./sops-file.js";

/** A clear-text leaf as sops hashes it. Ints and integral floats print alike, so the YAML tag does not matter. */
export function clearLeaf(v: ScalarValue): PlainLeaf {
  const type = typeof v === "object" || v === null ? "str" : sopsTypeOf(v, false);
  return { value: v, type, bytes: scalarToBytes(v, type) };
}

export function setScalar(map: YAMLMap, key: string, value: string, quote: boolean): void {
  const existing = getNode(map, key) as Scalar | undefined;
  if (existing instanceof Scalar) {
    existing.value = value;
    // Keep the file's own quoting of lastmodified (sops writes it bare in older versions).
    if (quote && existing.type === undefined) existing.type = Scalar.QUOTE_DOUBLE;
  } else {
    map.set(key, quote ? doubleQuoted(value) : new Scalar(value));
  }
}


export function stanzaNode(entry: SopsAgeEntry): YAMLMap {
  const m = new YAMLMap();
  m.set("recipient", new Scalar(entry.recipient));
  const enc = new Scalar(entry.enc);
  enc.type = Scalar.BLOCK_LITERAL;
  m.set("enc", enc);
  return m;
}

/**
 * Re-encrypts every remembered encrypted leaf of `doc` under `key` (a rolled or adopted data key), and forgets the
 * leaves no longer in the document. One walk for every path: looking each node up apart was quadratic (77 s for
 * 4,000 secrets).
 */
export function reencryptLeaves(doc: Document, rules: EncryptionRules, plain: Map<Scalar, PlainLeaf>, key: Uint8Array): void {
  const paths = new Map<Scalar, readonly string[]>();
  walkTree(doc, rules, { leaf: (leaf) => void (leaf.encrypted && paths.set(leaf.node, leaf.path)) });
  for (const [node, p] of plain) {
    const path = paths.get(node);
    if (!path) {
      plain.delete(node); // no longer in the document
      continue;
    }
    if (p.value === null || node.value === "") continue;
    node.value = formatEncryptedValue(encryptAead(key, p.bytes, additionalData(path), p.type));
  }
}
