/** Small node helpers of the sops engine: clear leaves as sops hashes them, and the nodes of the `sops` block. */
import type { Scalar, YAMLMap, Document } from "yaml";
import { encryptAead } from "../crypto/aead.js";
import { formatEncryptedValue, type SopsValueType } from "../format/enc.js";
import { additionalData, type EncryptionRules } from "../format/rules.js";
import { yamlWrite } from "../format/yaml-load.js";
import { getNode, isScalar, walkTree, type SopsAgeEntry, type TreeScalar } from "../format/yaml-tree.js";
import { scalarToBytes, sopsTypeOf, type Scalar as ScalarValue } from "../format/values.js";
import type { PlainLeaf } from "./integrity.js";

/**
 * A clear-text leaf as sops hashes it. Ints and integral floats print alike, so the YAML tag does not matter. Its
 * bytes are made only when asked for: the MAC and the seal take a string's text as it is (most leaves of a vault).
 */
export class ClearLeaf implements PlainLeaf {
  readonly type: SopsValueType;
  private made: Uint8Array | undefined;
  constructor(readonly value: ScalarValue) {
    this.type = typeof value === "object" || value === null ? "str" : sopsTypeOf(value, false);
  }
  get bytes(): Uint8Array {
    this.made ??= scalarToBytes(this.value, this.type);
    return this.made;
  }
}

export function clearLeaf(v: ScalarValue): ClearLeaf {
  return new ClearLeaf(v);
}

export function setScalar(map: YAMLMap, key: string, value: string, quote: boolean): void {
  const existing = getNode(map, key) as Scalar | undefined;
  if (isScalar(existing)) {
    existing.value = value;
    // Keep the file's own quoting of lastmodified (sops writes it bare in older versions).
    if (quote && existing.type === undefined) existing.type = "QUOTE_DOUBLE";
  } else {
    const y = yamlWrite();
    map.set(key, quote ? y.doubleQuoted(value) : new y.Scalar(value));
  }
}

export function stanzaNode(entry: SopsAgeEntry): YAMLMap {
  const { Scalar, YAMLMap } = yamlWrite();
  const m = new YAMLMap();
  m.set("recipient", new Scalar(entry.recipient));
  const enc = new Scalar(entry.enc);
  enc.type = "BLOCK_LITERAL";
  m.set("enc", enc);
  return m;
}

/**
 * Re-encrypts every remembered encrypted leaf of `doc` under `key` (a rolled or adopted data key), and forgets the
 * leaves no longer in the document. One walk for every path: looking each node up apart was quadratic (77 s for
 * 4,000 secrets).
 */
export function reencryptLeaves(
  doc: Document,
  rules: EncryptionRules,
  plain: Map<TreeScalar, PlainLeaf>,
  key: Uint8Array,
): void {
  const paths = new Map<TreeScalar, readonly string[]>();
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
