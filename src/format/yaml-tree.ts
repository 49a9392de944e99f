/**
 * The read side of a sops file's YAML, for either tree (the fast reader's light nodes or `yaml`'s own): read the
 * text ({@link readYamlTree}: `yaml` loaded only to change the file or for one outside the fast reader's subset),
 * refuse duplicate keys, read the `sops` metadata block, and walk the data tree leaf by leaf in document order.
 * No cryptography and no printing here (yaml.ts prints, and parses with `yaml`).
 */
import { FormatError } from "../errors.js";
import { refuseGitConflictMarkers } from "./conflict-markers.js";
import { compileRules, type EncryptionRules } from "./rules.js";
import { checkTextLimits, positionAt, tooDeep } from "./yaml-guard.js";
import {
  getNode,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LightScalar,
  readSopsYamlLight,
  type LightDocument,
  type TreeDocument,
  type TreeMap,
  type TreeScalar,
} from "./yaml-nodes.js";

export {
  getNode,
  isMap,
  isScalar,
  isSeq,
  scalarText,
  type TreeDocument,
  type TreeMap,
  type TreePair,
  type TreeScalar,
  type TreeSeq,
} from "./yaml-nodes.js";

export interface SopsAgeEntry {
  recipient: string;
  enc: string;
}

/** One of sops's `key_groups`: its age stanzas, and the other kinds of keys it holds (which vaultfile cannot use). */
export interface KeyGroup {
  age: SopsAgeEntry[];
  otherKeySources: string[];
}

/** The parts of the `sops` block vaultfile reads. Unknown keys are preserved untouched in the document. */
export interface SopsMetadata {
  age: SopsAgeEntry[];
  /**
   * `key_groups`, when the file has them (then `age` is empty): the data key is split with Shamir's secret sharing,
   * one share per group, and `shamirThreshold` shares give it back.
   */
  keyGroups?: KeyGroup[] | undefined;
  shamirThreshold?: number | undefined;
  lastModified: string;
  mac: string | undefined;
  rules: EncryptionRules;
  macOnlyEncrypted: boolean;
  version: string | undefined;
  /** Key sources vaultfile cannot use (kms, pgp, …) that hold entries. */
  otherKeySources: string[];
}

export const SOPS_KEY = "sops";

/** Any node of either tree, as far as error positions go. */
type Positioned = { range?: readonly number[] | null };

/**
 * Reads a sops file's text into a read-only tree: the fast reader's light nodes when the text lies in its subset,
 * without loading `yaml`; else `yaml`'s document (`parseYaml`, loaded then). To change a file, parse it with
 * `parseYaml` instead (the fast reader building `yaml`'s nodes): one tree, not two. Syntax errors, duplicate keys,
 * non-mapping roots, tags, anchors, aliases and text over the limits become a {@link FormatError} with the
 * position, alike on every path.
 */
export async function readYamlTree(text: string, file: string): Promise<TreeDocument> {
  checkTextLimits(text, file);
  refuseGitConflictMarkers(text, file);
  let light: LightDocument | undefined;
  try {
    light = readSopsYamlLight(text);
  } catch (err) {
    // The depth scan bounds nesting; a stack overflow that still happens is the same problem.
    if (err instanceof RangeError) throw tooDeep(file);
    throw err;
  }
  if (!light) return (await import("./yaml.js")).parseYaml(text, file);
  // No checkNodes walk: the fast reader's subset has no tags, anchors or aliases, and it declines nesting deeper
  // than the limit, which then reaches `yaml`'s path and its checks.
  checkUniqueKeys(light, file, text);
  return light;
}

/** Refuses duplicate keys in any mapping of the document, with the position of the second occurrence. */
export function checkUniqueKeys(doc: TreeDocument, file: string, text: string): void {
  const visit = (node: unknown): void => {
    if (isMap(node)) {
      // Keys compare by value and type: string keys as themselves, others (numbers, booleans, null) by type and
      // text in a set of their own, collections by identity. (No template string per key: 70,000 keys in a big vault.)
      const strings = new Set<string>();
      const others = new Set<unknown>();
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? pair.key.value : pair.key;
        const seen = typeof k === "string" ? strings : others;
        const id = typeof k === "string" || (typeof k === "object" && k !== null) ? k : `${typeof k}:${String(k)}`;
        if (seen.has(id as string)) {
          throw new FormatError(`duplicate key in ${file}`, {
            ...lineOf(pair.key as Positioned, text),
            hint: "each name may appear once in a mapping",
          });
        }
        seen.add(id as string);
        visit(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(doc.contents);
}

/** 1-based line and column of a node, for error messages. */
export function lineOf(node: Positioned | null | undefined, text: string): { line?: number; column?: number } {
  const start = node?.range?.[0];
  if (start === undefined) return {};
  const { line, col } = positionAt(start, text);
  return { line, column: col };
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : v === undefined || v === null ? undefined : String(v);
}

/** Reads and checks the `sops` block. */
export function readMetadata(doc: TreeDocument, file: string, text: string): SopsMetadata {
  const root = doc.contents as TreeMap | null;
  const node = root?.get(SOPS_KEY, true) as Positioned | undefined;
  if (!isMap(node)) {
    throw new FormatError(`${file} has no sops metadata block`, {
      hint: "it is not an encrypted sops file; create a vault with `vaultfile init`",
      ...lineOf((node ?? root) as Positioned | null, text),
    });
  }
  const meta = node.toJSON() as Record<string, unknown>;
  const version = str(meta.version);
  if (version !== undefined && !/^3\.\d+(\.\d+)?([-+].*)?$/.test(version)) {
    throw new FormatError(`unsupported sops version ${version} in ${file}`, {
      hint: "vaultfile reads files written by sops 3.x",
      ...lineOf(getNode(node, "version") as Positioned, text),
    });
  }
  const where = lineOf(getNode(node, "age") as Positioned, text);
  const age = readAgeList(meta.age, "sops.age", file, where);
  const lastModified = str(meta.lastmodified);
  if (lastModified === undefined) throw new FormatError(`sops.lastmodified is missing in ${file}`, lineOf(node, text));
  let keyGroups: KeyGroup[] | undefined;
  let shamirThreshold: number | undefined;
  if (Array.isArray(meta.key_groups) && meta.key_groups.length > 0) {
    const groupsWhere = lineOf(getNode(node, "key_groups") as Positioned, text);
    keyGroups = meta.key_groups.map((g: unknown, i: number) => {
      if (!g || typeof g !== "object" || Array.isArray(g))
        throw new FormatError(`sops.key_groups item ${i + 1} in ${file} is not a mapping`, groupsWhere);
      const group = g as Record<string, unknown>;
      return {
        age: readAgeList(group.age, `sops.key_groups item ${i + 1}: age`, file, groupsWhere),
        otherKeySources: otherSources(group),
      };
    });
    const t = meta.shamir_threshold;
    if (t !== undefined && t !== null) {
      const n = Number(t);
      if (!Number.isInteger(n) || n < 1 || n > 255)
        throw new FormatError(
          `sops.shamir_threshold in ${file} is not a number of key groups`,
          lineOf(getNode(node, "shamir_threshold") as Positioned, text),
        );
      shamirThreshold = n;
    }
  } else if (meta.key_groups !== undefined && meta.key_groups !== null && !Array.isArray(meta.key_groups)) {
    throw new FormatError(
      `sops.key_groups in ${file} is not a list`,
      lineOf(getNode(node, "key_groups") as Positioned, text),
    );
  }
  const rules: EncryptionRules = {
    unencryptedSuffix: str(meta.unencrypted_suffix),
    encryptedSuffix: str(meta.encrypted_suffix),
    unencryptedRegex: str(meta.unencrypted_regex),
    encryptedRegex: str(meta.encrypted_regex),
    unencryptedCommentRegex: str(meta.unencrypted_comment_regex),
    encryptedCommentRegex: str(meta.encrypted_comment_regex),
  };
  if (Object.values(rules).filter((v) => v !== undefined && v !== "").length > 1) {
    throw new FormatError(
      `${file} sets more than one of unencrypted_suffix, encrypted_suffix, unencrypted_regex, encrypted_regex, unencrypted_comment_regex, encrypted_comment_regex`,
    );
  }
  return {
    age,
    keyGroups,
    shamirThreshold,
    lastModified,
    mac: str(meta.mac),
    rules,
    macOnlyEncrypted: meta.mac_only_encrypted === true,
    version,
    otherKeySources: otherSources(meta),
  };
}

/** The key kinds other than age that hold entries, in a `sops` block or a key group. */
function otherSources(m: Record<string, unknown>): string[] {
  return ["kms", "gcp_kms", "azure_kv", "hc_vault", "pgp", "huaweicloud_kms"].filter((k) => {
    const v = m[k];
    return Array.isArray(v) ? v.length > 0 : v !== undefined && v !== null && v !== "";
  });
}

function readAgeList(
  list: unknown,
  label: string,
  file: string,
  where: { line?: number; column?: number },
): SopsAgeEntry[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new FormatError(`${label} in ${file} is not a list`, where);
  return list.map((e: unknown, i: number) => {
    const o = e as Record<string, unknown> | null;
    if (!o || typeof o.recipient !== "string" || typeof o.enc !== "string") {
      throw new FormatError(`${label} item ${i + 1} in ${file} needs a recipient and an enc`, where);
    }
    return { recipient: o.recipient.trim(), enc: o.enc };
  });
}

/**
 * Go's `time.Format(time.RFC3339)` of a time parsed with `time.Parse(time.RFC3339, …)`: sops's MAC associated
 * data. Only what Go parses is normalised (fractions dropped, `+00:00` as `Z`); anything else (a space or a
 * lowercase `t` for `T`, surrounding blanks), which sops refuses, is returned as it is, so its MAC does not open.
 */
export function macAdditionalData(lastModified: string): string {
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(lastModified);
  if (!m) return lastModified;
  const zone = m[3] === "Z" || m[3] === "+00:00" || m[3] === "-00:00" ? "Z" : m[3]!;
  return `${m[1]}T${m[2]}${zone}`;
}

/** What the walker reports for every scalar leaf of the data tree. */
export interface Leaf {
  node: TreeScalar;
  path: readonly string[];
  encrypted: boolean;
}

export interface TreeVisitor {
  map?(size: number): void;
  seq?(size: number): void;
  key?(name: string): void;
  leaf(leaf: Leaf): void;
}

/**
 * Walks the data tree (every top-level key but `sops`) depth first in document order, as sops does, telling the
 * visitor about maps, keys, lists and leaves. List items add nothing to the path.
 */
export function walkTree(doc: TreeDocument, rules: EncryptionRules, visitor: TreeVisitor, text = ""): void {
  const shouldEncrypt = compileRules(rules);
  const root = doc.contents;
  if (!isMap(root)) return;
  const items = root.items.filter((p) => keyName(p.key, text) !== SOPS_KEY);
  visitor.map?.(items.length);
  for (const pair of items) {
    const name = keyName(pair.key, text);
    visitor.key?.(name);
    visit(pair.value as Positioned | null, [name]);
  }

  function visit(node: Positioned | null, path: string[]): void {
    if (node === null || node === undefined) {
      // `key:` with nothing after it is a null leaf.
      visitor.leaf({
        node: new LightScalar(null, undefined, undefined, -1, -1, -1),
        path,
        encrypted: shouldEncrypt(path),
      });
      return;
    }
    if (isAlias(node))
      throw new FormatError(`YAML aliases are not supported (at ${path.join(".")})`, lineOf(node, text));
    if (isMap(node)) {
      visitor.map?.(node.items.length);
      for (const pair of node.items) {
        const name = keyName(pair.key, text);
        visitor.key?.(name);
        visit(pair.value as Positioned | null, [...path, name]);
      }
      return;
    }
    if (isSeq(node)) {
      visitor.seq?.(node.items.length);
      for (const item of node.items) {
        // sops writes a comment between list items as an item `ENC[…,type:comment]`: not data, not in the MAC.
        if (isListComment(item)) continue;
        visit(item as Positioned | null, path);
      }
      return;
    }
    if (isScalar(node)) {
      visitor.leaf({ node, path, encrypted: shouldEncrypt(path) });
      return;
    }
    const raw = node as unknown;
    if (typeof raw !== "object") {
      // A plain JS value set into the document without a node wrapper.
      visitor.leaf({
        node: new LightScalar(raw, undefined, undefined, -1, -1, -1),
        path,
        encrypted: shouldEncrypt(path),
      });
      return;
    }
    throw new FormatError(`unsupported YAML node at ${path.join(".")}`, lineOf(node, text));
  }
}

/** A list item that is an encrypted comment (`- ENC[…,type:comment]`), as sops writes comments between list items. */
export function isListComment(item: unknown): boolean {
  const v = isScalar(item) ? item.value : item;
  return typeof v === "string" && v.startsWith("ENC[AES256_GCM,") && v.endsWith(",type:comment]");
}

function keyName(key: unknown, text: string): string {
  if (isScalar(key)) {
    const v = key.value;
    if (v === null || typeof v === "object")
      throw new FormatError("mapping keys must be plain strings", lineOf(key, text));
    return String(v);
  }
  if (typeof key === "string") return key;
  throw new FormatError("mapping keys must be plain strings", lineOf(key as Positioned, text));
}

/** Detects whether block sequences in `text` are indented under their key (`key:\n  - a`) or not (`key:\n- a`). */
export function detectIndentSeq(text: string): boolean {
  const m = /^( *)[^\s#-][^\n]*:[ \t]*\n( *)- /m.exec(text);
  if (!m) return false;
  return m[2]!.length > m[1]!.length;
}
