/**
 * A vault file read without a key: the YAML document, its sops metadata, and per secret its metadata fields and
 * the value's ciphertext text. What `check`, `history` and the keyless `git textconv` work from.
 */
import { createHash } from "node:crypto";
import { isMap, isScalar, type Document, type Scalar, type YAMLMap } from "yaml";
import { looksEncrypted, parseEncryptedValue } from "../format/enc.js";
import { parseYaml, readMetadata, walkTree, type SopsMetadata } from "../format/yaml.js";
import { isValuePath, readRecipients, readRequired, SECTION, VALUE_FIELD } from "../vault/schema.js";

export interface EntryView {
  name: string;
  node: YAMLMap;
  /** The `value` leaf as written in the file: `ENC[…]`, `''`, or (in a broken file) plaintext. Never print it. */
  valueText: string | null;
  /** The clear-text metadata fields (`type`, `expires_at`, …) as strings. */
  fields: Record<string, string | null>;
}

export interface CiphertextView {
  doc: Document.Parsed;
  meta: SopsMetadata;
  /** Secrets in file order. */
  entries: Map<string, EntryView>;
  required: string[];
  /** Named recipients: name → age recipient. */
  recipients: Record<string, string>;
}

const text = (v: unknown): string | null =>
  v === undefined || v === null ? null : String(isScalar(v) ? (v as Scalar).value : v);

/** Parses a vault file without decrypting anything. Throws FormatError on bad YAML or a missing sops block. */
export function readVaultView(source: string, file: string): CiphertextView {
  return vaultViewOf(parseYaml(source, file), source, file);
}

/** {@link readVaultView} of a document already parsed from `source`. Throws FormatError on a missing sops block. */
function vaultViewOf(doc: Document.Parsed, source: string, file: string): CiphertextView {
  const meta = readMetadata(doc, file, source);
  const root = doc.contents as YAMLMap;
  const entries = new Map<string, EntryView>();
  const secrets = root.get(SECTION.secrets, true);
  if (isMap(secrets)) {
    for (const pair of secrets.items) {
      const name = String(text(pair.key));
      const node = pair.value;
      if (!isMap(node)) continue;
      const fields: Record<string, string | null> = {};
      let valueText: string | null = null;
      for (const p of node.items) {
        const key = String(text(p.key));
        if (key === VALUE_FIELD) valueText = text(p.value);
        else fields[key] = text(p.value);
      }
      entries.set(name, { name, node: node as YAMLMap, valueText, fields });
    }
  }
  return { doc, meta, entries, required: readRequired(root), recipients: readRecipients(root) };
}

/**
 * Paths (`secrets.NAME.value`) of leaves that should be encrypted but hold clear text: on an encrypted path by the
 * file's rules, or a secret's `value` whatever the rules say. Empty strings and nulls are allowed (sops leaves them).
 */
export function plaintextLeaves(view: CiphertextView): string[] {
  const found: string[] = [];
  walkTree(view.doc, view.meta.rules, {
    leaf: (leaf) => {
      const isSecretValue = isValuePath(leaf.path);
      if (!leaf.encrypted && !isSecretValue) return;
      const v: unknown = leaf.node.value;
      if (v === null || v === undefined || v === "" || isWellFormedEncrypted(v)) return;
      found.push(leaf.path.join("."));
    },
  });
  return found;
}

/** An `ENC[…]` string that parses completely (so `ENC[password]` typed by hand is caught as plaintext). */
function isWellFormedEncrypted(v: unknown): boolean {
  if (!looksEncrypted(v)) return false;
  try {
    parseEncryptedValue(v, "");
    return true;
  } catch {
    return false;
  }
}

/** A short, keyless tag of a ciphertext: the first 8 hex digits of its SHA-256. Changes exactly when the ciphertext does. */
export function ciphertextTag(ciphertext: string): string {
  return createHash("sha256").update(ciphertext, "utf8").digest("hex").slice(0, 8);
}

/**
 * One version's text, parsed at most once however many views are read from it (textconv's keyed and keyless views,
 * the version before's): a hostile file near the node limit costs seconds and hundreds of MB per parse. The outcome
 * is kept, a parse error too, so a failed parse is not tried again either.
 */
export class VersionText {
  private parsed: { doc: Document.Parsed } | { error: unknown } | undefined;
  private viewed: { view: CiphertextView } | { error: unknown } | undefined;

  constructor(
    readonly text: string,
    readonly file: string,
  ) {}

  /** The parsed document. Whoever changes it must read {@link view} first, if at all. */
  doc(): Document.Parsed {
    this.parsed ??= attempt(() => ({ doc: parseYaml(this.text, this.file) }));
    if ("error" in this.parsed) throw this.parsed.error;
    return this.parsed.doc;
  }

  /** {@link readVaultView} of the text, from {@link doc}. */
  view(): CiphertextView {
    this.viewed ??= attempt(() => ({ view: vaultViewOf(this.doc(), this.text, this.file) }));
    if ("error" in this.viewed) throw this.viewed.error;
    return this.viewed.view;
  }
}

function attempt<T extends object>(f: () => T): T | { error: unknown } {
  try {
    return f();
  } catch (error) {
    return { error };
  }
}

export { CONFLICT_MARKER } from "../format/conflict-markers.js";
