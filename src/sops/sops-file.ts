/**
 * A decrypted sops file: the editable YAML document, its data key, and the plaintext of every encrypted leaf.
 * Opening verifies every value, the sops MAC and vaultfile's name seal; saving re-encrypts only what changed and
 * recomputes `lastmodified`, the MAC and the seal. Works for any sops YAML file with age recipients, not only
 * vaults (the `decrypt` command uses it directly).
 */
import { custodyHolds, custodyLink, type CustodyLink } from "../crypto/custody.js";
import type { Document, Scalar, YAMLMap, YAMLSeq } from "yaml";
import { FormatError, NoIdentityError, WrongKeyError, type KeyErrorDetails } from "../errors.js";
import { deriveKey, generateDataKey, encryptAead } from "../crypto/aead.js";
import { wrapDataKey } from "../crypto/age.js";
import { checkRecipient } from "../crypto/identities.js";
import type { KeySearch } from "../crypto/key-search.js";
import { formatEncryptedValue, looksEncrypted, parseEncryptedValue, type SopsValueType } from "../format/enc.js";
import { additionalData, type EncryptionRules } from "../format/rules.js";
import { formatTimestamp } from "../rules/time.js";
import { utf8Bytes, type Scalar as ScalarValue } from "../format/values.js";
import { loadYamlWrite, yamlWrite } from "../format/yaml-load.js";
import {
  detectIndentSeq,
  getNode,
  isSeq,
  readMetadata,
  readYamlTree,
  SOPS_KEY,
  walkTree,
  type SopsAgeEntry,
  type Leaf,
  type SopsMetadata,
  type TreeDocument,
  type TreeScalar,
} from "../format/yaml-tree.js";
import { keyErrorDetails, requireAge, unwrapAgeList, type MislabelledStanza } from "./data-key.js";
import { toPlain } from "./plain-view.js";
import { clearLeaf, reencryptLeaves, setScalar, stanzaNode } from "./nodes.js";
import { authenticate, decryptLeaf, macValue, verifyMac, type PlainLeaf } from "./integrity.js";

/** The sops version vaultfile writes into new files: one whose format it matches. */
export const SOPS_VERSION = "3.9.4";

export type SealState = "valid" | "stale";

export class SopsFile {
  /** Plaintext of each encrypted scalar node, keyed by node identity: unchanged nodes keep their ENC[] text. */
  private readonly plain = new Map<TreeScalar, PlainLeaf>();
  private dirty = false;
  /**
   * The text the document was parsed from and the shape it had then, so that {@link serialize} can splice changed
   * values into it instead of printing the whole document; `undefined` for a new file or after nodes came in from
   * another text ({@link adoptLeaves}), whose ranges point into that other text.
   */
  private parsedFrom: { text: string; shape: number[] } | undefined;
  /** The `sops.age` item that gave the data key when it is labelled for another key (its `enc` was moved). */
  mislabelled: MislabelledStanza | undefined;

  private constructor(
    /** `yaml`'s document, or for a file opened read-only the fast reader's light tree. */
    readonly tree: TreeDocument,
    readonly file: string,
    public meta: SopsMetadata,
    private dataKey: Uint8Array,
    readonly indentSeq: boolean,
    public sealState: SealState,
    /** False for a file opened without a key ({@link openUnverified}): nothing decrypted, MAC and seal not checked. */
    readonly verified = true,
    /** False for a file opened read-only: its tree may be light nodes, and `yaml` is not loaded. */
    readonly editable = true,
  ) {}

  /** The `yaml` document, to change or print it. */
  get doc(): Document {
    this.assertEditable();
    return this.tree as Document;
  }

  /** Refuses a change of a file opened without its key (NoIdentityError) or read-only (an internal error). */
  assertEditable(): void {
    // A file opened without its key says so first: that is what a change needs.
    this.needsKey();
    if (!this.editable) throw new Error(`internal: ${this.file} was opened read-only and is changed or printed`);
  }

  /**
   * The file's clear text only, without a key: parsed and its `sops` block read, nothing decrypted, the MAC and the
   * seal NOT checked (anyone could have edited what it shows). Read-only: changing or printing it throws.
   */
  static async openUnverified(text: string, file: string): Promise<SopsFile> {
    const doc = await readYamlTree(text, file);
    const meta = readMetadata(doc, file, text);
    requireAge(meta, file);
    return new SopsFile(doc, file, meta, new Uint8Array(0), false, "valid", false, false);
  }

  /** Refuses to change, write or derive keys from a file opened without its key. */
  private needsKey(): void {
    if (!this.verified)
      throw new NoIdentityError(`${this.file} was opened without a key, read-only`, {
        hint: "changing it needs a key: set VAULTFILE_AGE_KEY or pass --identity",
      });
  }

  /**
   * The sops type of an encrypted value node: from its plaintext once decrypted, else (opened without a key) the
   * `type:` its `ENC[…]` text declares. `undefined` when the node is not an encrypted value.
   */
  valueTypeOf(node: TreeScalar): SopsValueType | undefined {
    if (this.verified) return this.plain.get(node)?.type;
    if (!looksEncrypted(node.value)) return undefined;
    try {
      return parseEncryptedValue(node.value, "").type;
    } catch {
      return undefined;
    }
  }

  /**
   * Parses, unwraps the data key, decrypts every value and checks the MAC and seal. When no identity opens the
   * file, the error carries {@link KeyErrorDetails} (`named` from `opts.named`, e.g. a vault's recipients section).
   * `editable: false` opens it read-only, without loading `yaml` (the fast reader's light tree when the file lies in
   * its subset): every check is the same, but changing or printing it is an internal error. `parsed`: the document
   * `parseYaml` made of `text`, for a caller that reads the text in other ways too (one parse, not two).
   */
  static async open(
    text: string,
    file: string,
    keys: KeySearch,
    opts: { named?: (tree: TreeDocument) => Record<string, string>; editable?: boolean; parsed?: Document } = {},
  ): Promise<SopsFile> {
    const editable = opts.editable !== false;
    // To change the file, `yaml`'s own nodes straight from the text (one tree; the light one first cost memory).
    const y = editable ? await loadYamlWrite() : undefined;
    const doc = opts.parsed ?? (y ? y.parseYaml(text, file) : await readYamlTree(text, file));
    const meta = readMetadata(doc, file, text);
    if (meta.keyGroups) {
      throw new FormatError(`${file} splits its data key over key_groups (Shamir), which vault commands do not edit`, {
        hint: "read it with `vaultfile decrypt`",
      });
    }
    requireAge(meta, file);
    if (keys.identities.length === 0) {
      throw new NoIdentityError(`no age identity found to open ${file}`, {
        hint: "set VAULTFILE_AGE_KEY or pass an identity (--identity FILE)",
        keys: await keyErrorDetails(file, meta, keys, doc, opts.named),
      });
    }
    const { key: dataKey, mislabelled } = await unwrapAgeList(meta.age, keys.identities);
    if (!dataKey) {
      throw new WrongKeyError(`none of your age identities can open ${file}`, {
        hint: "ask a recipient of the file to add your public key with `vaultfile recipients add`",
        keys: await keyErrorDetails(file, meta, keys, doc, opts.named),
      });
    }
    // Only printing needs the sequence style (its search scans to the sops block at the end); read-only never prints.
    const sf = new SopsFile(doc, file, meta, dataKey, editable && detectIndentSeq(text), "valid", true, editable);
    sf.mislabelled = mislabelled;
    sf.decryptAll(text);
    if (y) sf.parsedFrom = { text, shape: y.shapeOf(doc as Document) };
    return sf;
  }

  /** A new, empty sops document with one encryption rule (`encrypted_regex`); `build` fills it. */
  static async create(
    file: string,
    recipients: readonly string[],
    rules: EncryptionRules & { encryptedRegex: string },
    build: (doc: Document) => void,
  ): Promise<SopsFile> {
    const { Document, doubleQuoted, Scalar, YAMLMap, YAMLSeq } = await loadYamlWrite();
    const doc = new Document(new YAMLMap());
    build(doc);
    const dataKey = generateDataKey();
    const meta: SopsMetadata = {
      age: [],
      lastModified: "",
      mac: undefined,
      rules: { encryptedRegex: rules.encryptedRegex },
      macOnlyEncrypted: false,
      version: SOPS_VERSION,
      otherKeySources: [],
    };
    const sops = new YAMLMap();
    sops.set("age", new YAMLSeq());
    sops.set("lastmodified", doubleQuoted(""));
    sops.set("mac", new Scalar(""));
    sops.set("encrypted_regex", new Scalar(rules.encryptedRegex));
    sops.set("version", new Scalar(SOPS_VERSION));
    (doc.contents as YAMLMap).set(SOPS_KEY, sops);
    const sf = new SopsFile(doc, file, meta, dataKey, false, "valid");
    for (const r of recipients) await sf.addRecipient(r);
    sf.dirty = true;
    return sf;
  }

  /** Walks the tree once: decrypts each encrypted leaf, feeds the MAC and the seal, and checks both. */
  private decryptAll(text: string): void {
    const walk = authenticate(
      this.tree,
      this.meta.rules,
      this.meta.macOnlyEncrypted,
      this.dataKey,
      (leaf) => this.readLeaf(leaf, text),
      text,
    );
    const macNode = getNode(getNode(this.tree.contents, SOPS_KEY), "mac") as TreeScalar | undefined;
    this.sealState = verifyMac(
      this.file,
      { mac: this.meta.mac, lastModified: this.meta.lastModified, macNode },
      this.dataKey,
      walk,
      text,
    );
  }

  /** The plaintext of one leaf; decrypts and remembers encrypted ones. `null` for YAML nulls. */
  private readLeaf(leaf: Leaf, text: string): PlainLeaf | null {
    const v = leaf.node.value as ScalarValue | undefined;
    if (v === null || v === undefined) return null;
    if (!leaf.encrypted || v === "") return clearLeaf(v);
    const p = decryptLeaf(leaf, v as string, this.dataKey, text);
    this.plain.set(leaf.node, p);
    return p;
  }

  /** The decrypted value of an encrypted scalar node, or `undefined` when the node is not encrypted. */
  plaintextOf(node: TreeScalar): PlainLeaf | undefined {
    return this.plain.get(node);
  }

  /**
   * Puts a string into an encrypted leaf. Unchanged plaintext keeps its ciphertext byte for byte; a changed one gets
   * a fresh random IV. An empty string is stored as `''`, as sops does.
   */
  setEncryptedString(node: Scalar, path: readonly string[], value: string): void {
    this.needsKey();
    this.assertEditable();
    const old = this.plain.get(node);
    if (old && old.type === "str" && old.value === value) return;
    const bytes = utf8Bytes(value);
    if (value === "") {
      node.value = "";
      node.type = "QUOTE_SINGLE";
    } else {
      node.value = formatEncryptedValue(encryptAead(this.dataKey, bytes, additionalData(path), "str"));
      node.type = "PLAIN";
    }
    this.plain.set(node, { value, type: "str", bytes });
    this.dirty = true;
  }

  markDirty(): void {
    this.assertEditable();
    this.dirty = true;
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  /** The recipients the data key is wrapped for. */
  get ageRecipients(): string[] {
    return this.meta.age.map((a) => a.recipient);
  }

  /** Wraps the current data key for one more recipient (only the `sops.age` list changes). */
  async addRecipient(recipient: string): Promise<void> {
    this.needsKey();
    checkRecipient(recipient, "recipient");
    if (this.meta.age.some((a) => a.recipient === recipient)) return;
    const entry: SopsAgeEntry = { recipient, enc: await wrapDataKey(this.dataKey, recipient) };
    this.meta.age.push(entry);
    this.ageList().add(stanzaNode(entry));
    this.dirty = true;
  }

  /**
   * Drops a recipient, then rolls the data key: a new key, every encrypted value re-encrypted, the key wrapped anew
   * for each remaining recipient. The removed holder knew the old key, so nothing encrypted under it may stay.
   */
  async removeRecipient(recipient: string): Promise<CustodyLink | undefined> {
    this.needsKey();
    const remaining = this.meta.age.filter((a) => a.recipient !== recipient).map((a) => a.recipient);
    if (remaining.length === this.meta.age.length) return undefined;
    const oldKey = this.dataKey;
    this.reencryptAll(generateDataKey());
    const link = custodyLink(oldKey, this.dataKey);
    this.meta.age = [];
    const list = this.ageList();
    list.items = [];
    for (const r of remaining) await this.addRecipient(r);
    this.dirty = true;
    return link;
  }

  /** Whether `links` (this version's custody links) prove that whoever replaced `parent`'s data key held it. */
  custodyFrom(parent: SopsFile, links: readonly CustodyLink[]): boolean {
    return custodyHolds(parent.dataKey, this.dataKey, links);
  }

  /** Moves this file onto another's data key and `sops.age` (merging a side that rolled it): every value re-encrypted. */
  adoptDataKeyOf(other: SopsFile): void {
    this.reencryptAll(other.dataKey);
    this.meta.age = other.meta.age.map((a) => ({ ...a }));
    this.ageList().items = this.meta.age.map(stanzaNode);
    this.dirty = true;
  }

  /** Re-encrypts every encrypted value of the document under `key`, which becomes the data key. */
  private reencryptAll(key: Uint8Array): void {
    this.dataKey = key;
    reencryptLeaves(this.doc, this.meta.rules, this.plain, key);
  }

  private ageList(): YAMLSeq {
    const sops = getNode(this.doc.contents, SOPS_KEY) as YAMLMap;
    let list = getNode(sops, "age") as YAMLSeq | undefined;
    if (!isSeq(list)) {
      list = new (yamlWrite().YAMLSeq)();
      sops.set("age", list);
    }
    return list;
  }

  /**
   * A sub-key of the data key for one purpose (HKDF-SHA-256), e.g. keyed fingerprints for `git textconv`. Two files
   * give the same sub-key exactly when they share the data key; the data key itself never leaves this class.
   */
  deriveKey(purpose: string): Uint8Array {
    this.needsKey();
    return deriveKey(this.dataKey, purpose);
  }

  /**
   * Brings the remembered plaintexts in line with the document after nodes were moved in from another file under
   * the same data key (the git merge driver): each encrypted leaf not seen yet is decrypted and authenticated, so
   * that {@link serialize} keeps its ciphertext; nodes no longer in the document are forgotten.
   * @throws DecryptionError when a moved value does not open under this file's data key and path.
   */
  adoptLeaves(): void {
    const present = new Set<TreeScalar>();
    walkTree(this.doc, this.meta.rules, {
      leaf: (leaf) => {
        if (!leaf.encrypted) return;
        present.add(leaf.node);
        if (!this.plain.has(leaf.node)) this.readLeaf(leaf, "");
      },
    });
    for (const node of [...this.plain.keys()]) if (!present.has(node)) this.plain.delete(node);
    this.parsedFrom = undefined;
    this.dirty = true;
  }

  /** Drops plaintext remembered for nodes no longer in the document (after deletions). */
  forget(node: TreeScalar): void {
    this.plain.delete(node);
  }

  /**
   * Prints the file: `lastmodified` = `now`, a new MAC over the current tree, sealed. Encrypted leaves that were not
   * changed keep their text. New string leaves on encrypted paths must have gone through {@link setEncryptedString}.
   */
  serialize(now: Date): string {
    this.needsKey();
    const lastModified = formatTimestamp(now);
    const walk = authenticate(this.doc, this.meta.rules, this.meta.macOnlyEncrypted, this.dataKey, (leaf) => {
      const v = leaf.node.value as ScalarValue | undefined;
      if (v === null || v === undefined) return null;
      if (!leaf.encrypted || v === "") return clearLeaf(v);
      const known = this.plain.get(leaf.node);
      if (!known) throw new Error(`internal: ${leaf.path.join(".")} is on an encrypted path but was never encrypted`);
      return known;
    });
    const macText = macValue(this.dataKey, walk, lastModified);
    const sops = getNode(this.doc.contents, SOPS_KEY) as YAMLMap;
    setScalar(sops, "lastmodified", lastModified, true);
    setScalar(sops, "mac", macText, false);
    this.meta.lastModified = lastModified;
    this.meta.mac = macText;
    this.sealState = "valid";
    this.dirty = false;
    // Only values changed (a rotation, new metadata): the old text with those values replaced, which is what the
    // full print gives for a file vaultfile wrote, and keeps a hand-formatted file's layout. Else the full print.
    const from = this.parsedFrom;
    const y = yamlWrite();
    const spliced = from && y.spliceChangedScalars(this.doc, from.text, from.shape, y.printOptions(this.indentSeq));
    return spliced ?? y.printYaml(this.doc, this.indentSeq);
  }

  /** The decrypted data tree as plain JavaScript values (no `sops` block). */
  toPlain(): Record<string, unknown> {
    return toPlain(this.tree, this.plain);
  }

  /** Moves the `sops` block to the end of the document, where sops keeps it. */
  keepMetadataLast(): void {
    const root = this.doc.contents as YAMLMap;
    // A vault made by `create` has a plain string key here, a parsed one a Scalar.
    const i = root.items.findIndex((p) => ((p.key as Scalar | undefined)?.value ?? p.key) === SOPS_KEY);
    if (i >= 0 && i !== root.items.length - 1) root.items.push(...root.items.splice(i, 1));
  }
}
