/**
 * The one walk that authenticates a sops tree: sops's MAC (SHA-512 over the leaves in order) and vaultfile's seal
 * (an HMAC under a key derived from the data key over the whole tree, names included, and `lastmodified`). Opening
 * runs it over the decrypted leaves and compares; saving runs it over the current leaves and writes the results.
 */
import { timingSafeEqual } from "node:crypto";
import { DecryptionError, FormatError, IntegrityError } from "../errors.js";
import { decryptAead, deriveKey, encryptAead, hmac } from "../crypto/aead.js";
import { formatEncryptedValue, looksEncrypted, parseEncryptedValue, type SopsValueType } from "../format/enc.js";
import { MacBuilder } from "../format/mac.js";
import { additionalData, type EncryptionRules } from "../format/rules.js";
import { SEAL_CONTEXT, SealEncoder } from "../format/seal.js";
import { bytesToScalar, scalarToBytes, utf8Bytes, type Scalar as ScalarValue } from "../format/values.js";
import {
  lineOf,
  macAdditionalData,
  walkTree,
  type Leaf,
  type TreeDocument,
  type TreeScalar,
} from "../format/yaml-tree.js";
import { ClearLeaf } from "./nodes.js";

/** A leaf's plaintext as the MAC and seal see it. */
export interface PlainLeaf {
  value: ScalarValue;
  type: SopsValueType;
  bytes: Uint8Array;
}

/** What one walk gives: the MAC digest, and the seal once `lastmodified` is known. */
export interface WalkResult {
  digest: string;
  seal(lastModified: string): Uint8Array;
}

/**
 * Walks `tree` in sops's order, feeding each leaf's plaintext (`leafOf`; `null` for a YAML null) to the MAC and the
 * seal. `text` is the source, for line numbers in errors.
 */
export function authenticate(
  tree: TreeDocument,
  rules: EncryptionRules,
  macOnlyEncrypted: boolean,
  dataKey: Uint8Array,
  leafOf: (leaf: Leaf) => PlainLeaf | null,
  text = "",
): WalkResult {
  const mac = new MacBuilder(macOnlyEncrypted);
  const h = hmac(deriveKey(dataKey, SEAL_CONTEXT));
  const enc = new SealEncoder((chunk) => h.update(chunk));
  const visitor = {
    map: (size: number) => enc.map(size),
    seq: (size: number) => enc.seq(size),
    key: (name: string) => enc.key(name),
    leaf: (leaf: Leaf) => {
      const p = leafOf(leaf);
      if (p === null) {
        enc.null();
      } else if (p instanceof ClearLeaf && typeof p.value === "string") {
        // A clear string: its text goes into both buffers as UTF-8, with no bytes made for it.
        mac.addText(p.value, leaf.encrypted);
        enc.textLeaf(p.type, leaf.encrypted, p.value);
      } else {
        mac.add(p.bytes, leaf.encrypted);
        enc.leaf(p.type, leaf.encrypted, p.bytes);
      }
    },
  };
  walkTree(tree, rules, visitor, text);
  return {
    digest: mac.digest(),
    seal: (lastModified) => {
      enc.key("lastmodified");
      enc.textLeaf("str", false, macAdditionalData(lastModified));
      enc.flush();
      return h.digest();
    },
  };
}

/**
 * Decrypts one encrypted leaf under the data key and its path (the AAD), as sops hashes it: the value re-encoded
 * from its type (floats normalise, e.g. "1.50" → "1.5").
 * @throws FormatError for a plaintext where sops expects ciphertext; DecryptionError when it does not open.
 */
export function decryptLeaf(leaf: Leaf, value: string, dataKey: Uint8Array, text: string): PlainLeaf {
  // The leaf's dotted path names it in errors only (joined then: this runs for every value of a file).
  if (!looksEncrypted(value)) {
    throw new FormatError(`${leaf.path.join(".")} holds a plaintext value where sops expects an encrypted one`, {
      ...lineOf(leaf.node, text),
      hint: "never write values into the file by hand; use `vaultfile set` (and rotate this secret: it was exposed in clear)",
    });
  }
  const enc = parseEncryptedValue(value, leaf.path);
  const bytes = decryptAead(dataKey, enc, additionalData(leaf.path));
  if (!bytes) {
    throw new DecryptionError(
      `the value at ${leaf.path.join(".")} does not decrypt: it was altered, moved from another entry, or encrypted with another key`,
      { hint: "the file was changed outside vaultfile; restore it from git" },
    );
  }
  const plain = bytesToScalar(bytes, enc.type, leaf.path);
  return { value: plain, type: enc.type, bytes: enc.type === "str" ? bytes : scalarToBytes(plain, enc.type) };
}

/**
 * Checks the stored MAC (`sops.mac`) against the walk's digest, in constant time; says whether the seal riding in
 * the MAC's IV is valid or stale.
 * @throws IntegrityError (`E_MAC`) when the MAC is missing, does not decrypt, or differs.
 */
export function verifyMac(
  file: string,
  stored: { mac: string | undefined; lastModified: string; macNode: TreeScalar | undefined },
  dataKey: Uint8Array,
  walk: WalkResult,
  text: string,
): "valid" | "stale" {
  const where = lineOf(stored.macNode, text);
  if (!stored.mac)
    throw new IntegrityError("E_MAC", `${file} has no MAC`, {
      hint: "the sops block was damaged; restore the file from git",
    });
  const enc = parseEncryptedValue(stored.mac, "sops.mac");
  const opened = decryptAead(dataKey, enc, macAdditionalData(stored.lastModified));
  if (!opened) {
    throw new IntegrityError("E_MAC", `the MAC of ${file} does not decrypt: the MAC or lastmodified was altered`, {
      hint: "restore the file from git",
      ...where,
    });
  }
  const computed = utf8Bytes(walk.digest);
  if (opened.length !== computed.length || !timingSafeEqual(opened, computed)) {
    throw new IntegrityError("E_MAC", `MAC mismatch in ${file}: its contents were changed outside sops/vaultfile`, {
      hint: "a value, a metadata field or their order was edited by hand; restore the file from git",
    });
  }
  const seal = walk.seal(stored.lastModified);
  return enc.iv.length === seal.length && timingSafeEqual(enc.iv, seal) ? "valid" : "stale";
}

/** The `sops.mac` text for a walk: its digest encrypted under the data key, with the seal as the IV. */
export function macValue(dataKey: Uint8Array, walk: WalkResult, lastModified: string): string {
  const iv = walk.seal(lastModified);
  return formatEncryptedValue(encryptAead(dataKey, utf8Bytes(walk.digest), macAdditionalData(lastModified), "str", iv));
}
