/**
 * The vault model: named secrets with lifecycle metadata, the required names, and the named recipients, in a sops
 * document. Pure: it reads from and prints to text; files, locks and key discovery are `io/vault-file.ts`. The
 * layout and its checks are `schema.ts`, metadata fields `metadata.ts`, the verdict `validation.ts`.
 */
import type { Scalar, YAMLMap, YAMLSeq } from "yaml";
import { InvalidInputError, SecretNotFoundError, StaleSealError } from "../errors.js";
import { parseIdentities, type Identity } from "../crypto/identities.js";
import type { KeySearch } from "../crypto/key-search.js";
import { hasConflictReport } from "../format/conflict-markers.js";
import { yamlWrite } from "../format/yaml-load.js";
import { getNode, isMap, isScalar, isSeq, scalarText } from "../format/yaml-tree.js";
import { SopsFile } from "../sops/sops-file.js";
import { TypeCatalogue } from "../types/catalogue.js";
import type { CustomTypeEntry } from "../types/custom.js";
import { formatTimestamp } from "../rules/time.js";
import { checkSecretName, checkSecretValue } from "../rules/names.js";
import { closestNames } from "../rules/suggest.js";
import { DEFAULT_WARN_DAYS, selectForExport, type ExportSelection } from "./lifecycle.js";
import { applyMeta, fieldText, newEntry, planMeta, setField, type MetaPlan, type SetOptions } from "./metadata.js";
import { buildLayout, checkRecipientList, checkStructure, structureOf, DEFAULT_TYPE, readRecipients, readRequired, readTypeEntries, SECTION, typeEntryNode, VALUE_FIELD, valuePath, VAULT_RULES } from "./schema.js";
import type { VaultModelOptions, VaultSettings, VaultStore } from "./options.js";
import { clearExposure, markExposed } from "./exposure.js";
import { addRecipient, removeRecipient } from "./recipients.js";
import { readSecret, type Secret } from "./secret.js";
import { expiryReport, validateSecrets, type ExpiryEntry, type ValidateOptions, type ValidationResult } from "./validation.js";

export type { SetOptions } from "./metadata.js";
export { Secret } from "./secret.js";
export type { ExpiryEntry, ValidateOptions, ValidationResult } from "./validation.js";
export type { ExportSelection } from "./lifecycle.js";
export type { VaultModelOptions, VaultSettings, VaultStore } from "./options.js";

/**
 * A decrypted vault. Reading methods never change it; changing methods change the document in memory, and
 * {@link Vault.save} (or `updateVault`) writes it. Holds plaintext values: do not log it.
 */
export class Vault {
  /** Name → entry node, built once: `YAMLMap.get` is a linear scan, which made big vaults quadratic. */
  private index: Map<string, YAMLMap> | undefined;

  private constructor(
    /** The file name, as given when opened (used in messages). */
    readonly path: string,
    private readonly sf: SopsFile,
    private readonly store: VaultStore | undefined,
    /** The text the vault was read from (`undefined` for a new one). */
    private readonly source: string | undefined,
    private readonly clock: () => Date,
    /** Days below which a secret counts as expiring soon. */
    readonly warnDays: number,
  ) {}

  /**
   * Opens a vault from its text with the given identities: decrypts every value, verifies the MAC, the name seal
   * and the vault's structure. Reads no file and no environment (`openVault` finds keys and reads the file).
   * @param identities - age identities as key text (each string one or more `AGE-SECRET-KEY-…` lines, as in a key
   * file), or identities already parsed, or (from `io/`) a key search that also says where it looked.
   * @throws InvalidIdentityError for key text that is not an identity.
   * @throws NoIdentityError / WrongKeyError when no identity opens it (its `keys` lists the named recipients, the
   * places searched and the keys tried);
   * IntegrityError, DecryptionError or FormatError for a damaged or altered file; StaleSealError for a file whose
   * name seal is stale (unless `acceptStaleSeal`).
   */
  static async fromText(text: string, identities: readonly (string | Identity)[] | KeySearch, opts: VaultModelOptions = {}): Promise<Vault> {
    const path = opts.file ?? "vault";
    const keys: KeySearch = Array.isArray(identities)
      ? { identities: (identities as readonly (string | Identity)[]).flatMap((id, i) => (typeof id === "string" ? parseIdentities(id, `identity #${i + 1} given by the caller`) : [id])), searched: [] }
      : (identities as KeySearch);
    const sf = await SopsFile.open(text, path, keys, { named: (t) => readRecipients(t.contents), editable: opts.editable });
    checkStructure(structureOf(sf, path, text));
    if (sf.sealState === "stale" && !opts.acceptStaleSeal) {
      throw new StaleSealError(`${path} was last saved by a tool that does not seal names (plain sops?), or its key names were edited`, {
        hint: "its sops MAC is valid, so values and their order are as a key holder wrote them; run `vaultfile reseal` to review the names and metadata (values hidden) and seal it again",
      });
    }
    return new Vault(path, sf, opts.store, text, opts.now ?? (() => new Date()), opts.warnDays ?? DEFAULT_WARN_DAYS);
  }

  /**
   * A read-only view of a vault's clear metadata (names, types, dates, `required`, recipients) without a key, checked
   * by the same structure rules as {@link Vault.fromText}. NOT verified: the MAC and seal are not checked, so anyone
   * could have edited what it shows (`verified` is false). Values are not available (`secret.value` throws), and
   * changing or saving it throws.
   * @throws FormatError for a malformed file; NoIdentityError for a sops file without age recipients.
   */
  static async openMetadata(text: string, path: string, opts: Pick<VaultSettings, "now" | "warnDays"> = {}): Promise<Vault> {
    const sf = await SopsFile.openUnverified(text, path);
    checkStructure(structureOf(sf, path, text));
    return new Vault(path, sf, undefined, text, opts.now ?? (() => new Date()), opts.warnDays ?? DEFAULT_WARN_DAYS);
  }

  /** True when the vault was opened with a key: every value decrypted, the MAC and seal verified. */
  get verified(): boolean {
    return this.sf.verified;
  }

  /** Whether the file opened holds the merge driver's conflict report (a valid vault, our side of each conflict). */
  get hasConflictReport(): boolean {
    return this.source !== undefined && hasConflictReport(this.source);
  }

  /**
   * A new, empty vault encrypted to the named recipients (name → age recipient). Not written until {@link Vault.save}.
   * @throws InvalidInputError without recipients, for a bad name or key, or for mixed key kinds.
   */
  static async create(recipients: Record<string, string>, opts: VaultModelOptions = {}): Promise<Vault> {
    const path = opts.file ?? "vault";
    if (Object.keys(recipients).length === 0) throw new InvalidInputError("E_RECIPIENT", "a vault needs at least one recipient", { hint: "pass --recipient NAME=age1…, or create a key with `vaultfile keygen`" });
    checkRecipientList(recipients);
    const sf = await SopsFile.create(path, Object.values(recipients), VAULT_RULES, (doc) => buildLayout(doc.contents as YAMLMap, recipients));
    return new Vault(path, sf, opts.store, undefined, opts.now ?? (() => new Date()), opts.warnDays ?? DEFAULT_WARN_DAYS);
  }

  // ---- reading -------------------------------------------------------------------------------------------------

  /** The root mapping, to change it (`yaml`'s node; a vault opened read-only or without its key refuses). */
  private root(): YAMLMap {
    return this.sf.doc.contents as YAMLMap;
  }

  /** The root mapping, to read it: `yaml`'s, or the light tree's for a vault opened read-only (`editable: false`). */
  private get data(): YAMLMap {
    return this.sf.tree.contents as YAMLMap;
  }

  private section(key: string, make: () => YAMLMap | YAMLSeq): YAMLMap | YAMLSeq {
    const m: unknown = this.root().get(key, true);
    if (isMap(m) || isSeq(m)) return m as YAMLMap | YAMLSeq;
    const fresh = make();
    this.root().set(key, fresh);
    this.sf.keepMetadataLast();
    return fresh;
  }

  private secretsMap(): YAMLMap | undefined {
    const m: unknown = this.data.get(SECTION.secrets, true);
    return isMap(m) ? (m as YAMLMap) : undefined;
  }

  private entry(name: string): YAMLMap | undefined {
    if (!this.index) {
      this.index = new Map();
      for (const p of this.secretsMap()?.items ?? []) {
        if (isMap(p.value)) this.index.set(scalarText(p.key), p.value as YAMLMap);
      }
    }
    return this.index.get(name);
  }

  private existing(name: string): YAMLMap {
    const e = this.entry(name);
    if (!e) throw new SecretNotFoundError(name, closestNames(name, this.list()));
    return e;
  }

  /** Secret names in file order. */
  list(): string[] {
    return (this.secretsMap()?.items ?? []).map((p) => scalarText(p.key));
  }

  /** True when a secret of that name exists. */
  has(name: string): boolean {
    return this.entry(name) !== undefined;
  }

  /**
   * The secret with its value.
   * @throws SecretNotFoundError (with close names) when absent; FormatError for a malformed date in its entry.
   */
  get(name: string): Secret {
    const e = this.existing(name);
    const valueNode = getNode(e, VALUE_FIELD) as Scalar | undefined;
    const plain = valueNode ? this.sf.plaintextOf(valueNode) : undefined;
    return readSecret(e, name, !this.sf.verified ? undefined : plain ? (plain.value as string) : "", this.path, this.clock);
  }

  /** Every secret, in file order. @throws FormatError for a malformed entry. */
  secrets(): Secret[] {
    return this.list().map((n) => this.get(n));
  }

  /** Names that must be present (`required:`), in file order. */
  get required(): string[] {
    return readRequired(this.data);
  }

  /** Named recipients (`recipients:`): name → age recipient. */
  recipients(): Record<string, string> {
    return readRecipients(this.data);
  }

  /** Whether the name seal was valid when opened (`stale` only with `acceptStaleSeal`). */
  get sealState(): "valid" | "stale" {
    return this.sf.sealState;
  }

  /** The vault's clock, read now. */
  get now(): Date {
    return this.clock();
  }

  // ---- policy --------------------------------------------------------------------------------------------------

  /**
   * Missing required, expired and expiring-soon secrets, the type findings (values that do not match their type,
   * missing companions, unknown types), and the verdict `allValid`: false when anything is missing or expired;
   * with `strict` also when a secret expires soon or on a format or companion finding.
   * @throws FormatError for a malformed entry or custom type.
   */
  validate(opts: ValidateOptions = {}): ValidationResult {
    return validateSecrets(this.secrets(), this.required, this.typeCatalogue(), this.clock(), opts.warnDays ?? this.warnDays, opts);
  }

  /** Per secret: days until expiry, the expiry date and a status; required-but-absent names appear as `missing`. */
  expiryReport(opts: { warnDays?: number } = {}): Record<string, ExpiryEntry> {
    return expiryReport(this.secrets(), this.required, this.clock(), opts.warnDays ?? this.warnDays);
  }

  // ---- types ---------------------------------------------------------------------------------------------------

  /** The custom types declared in the file (`types:`), name → fields as written, in file order. */
  typeEntries(): Record<string, unknown> {
    return readTypeEntries(this.data);
  }

  /** The built-in types plus the file's custom types. @throws FormatError for a malformed custom type. */
  typeCatalogue(): TypeCatalogue {
    return TypeCatalogue.withCustom(this.typeEntries(), this.path);
  }

  /** Adds or replaces a custom type's entry (check it first with `customTypeEntry`). */
  setTypeEntry(name: string, entry: CustomTypeEntry): void {
    (this.section(SECTION.types, () => new (yamlWrite().YAMLMap)()) as YAMLMap).set(name, typeEntryNode(this.sf.doc, entry));
    this.sf.markDirty();
  }

  /** Removes a custom type's entry (and the `types:` mapping once empty); false when there was none. */
  removeTypeEntry(name: string): boolean {
    const m = this.root().get(SECTION.types, true) as YAMLMap | undefined;
    if (!isMap(m) || !m.has(name)) return false;
    m.delete(name);
    if (m.items.length === 0) this.root().delete(SECTION.types);
    this.sf.markDirty();
    return true;
  }

  /** Name → value for an environment. `excludeExpired` leaves expired secrets out; `only` picks names. @throws SecretNotFoundError for a name in `only` that is absent. */
  exportSecrets(opts: { excludeExpired?: boolean; only?: readonly string[] } = {}): Record<string, string> {
    return this.exportSelection(opts).env;
  }

  /** {@link Vault.exportSecrets}, and the expired secrets among those asked for (each secret is read once). */
  exportSelection(opts: { excludeExpired?: boolean; only?: readonly string[] } = {}): ExportSelection {
    return selectForExport((opts.only ?? this.list()).map((n) => this.get(n)), this.clock(), opts.excludeExpired === true);
  }

  /** Puts one secret into an environment (default `process.env`). @throws SecretNotFoundError when absent. */
  addToEnv(name: string, env: Record<string, string | undefined> = process.env): void {
    env[name] = this.get(name).value;
  }

  // ---- changing ------------------------------------------------------------------------------------------------

  /**
   * Creates or updates a secret. A new value is encrypted with a fresh IV and sets `rotated_at`; an unchanged value
   * keeps its ciphertext. Metadata options that are `undefined` are left as they are.
   * @throws InvalidInputError for a bad name, a value over 1 MiB, or bad metadata (the vault is then unchanged).
   */
  set(name: string, value: string, opts: SetOptions = {}): Secret {
    this.sf.assertEditable();
    checkSecretName(name);
    if (typeof value !== "string") throw new InvalidInputError("E_VALUE", `the value of ${name} must be a string`);
    checkSecretValue(name, value);
    const now = this.clock();
    const stamp = formatTimestamp(now);
    let e = this.entry(name);
    const isNew = !e;
    const plan = planMeta(name, opts, now, e ? fieldText(e, "created_at") : stamp);
    if (!e) {
      e = newEntry(stamp, opts.type ?? DEFAULT_TYPE, opts.description);
      const secrets = this.section(SECTION.secrets, () => new (yamlWrite().YAMLMap)()) as YAMLMap;
      // A new vault's empty map is written `secrets: {}` and parses back as a flow map; entries go in block style,
      // one line each, so that diffs stay per entry.
      secrets.flow = false;
      secrets.set(name, e);
      this.index?.set(name, e);
    }
    const valueNode = getNode(e, VALUE_FIELD) as Scalar;
    const before = this.sf.plaintextOf(valueNode)?.value;
    this.sf.setEncryptedString(valueNode, valuePath(name), value);
    if (!isNew && before !== value) {
      setField(e, "rotated_at", stamp, true);
      clearExposure(e); // a removed recipient knew the old value only
    }
    this.applyPlan(e, name, plan);
    return this.get(name);
  }

  /**
   * Changes metadata only (type, description, expiry, policy, required); the value keeps its ciphertext.
   * @throws SecretNotFoundError when absent; InvalidInputError for bad metadata (the vault is then unchanged).
   */
  update(name: string, opts: SetOptions): Secret {
    const e = this.existing(name);
    this.applyPlan(e, name, planMeta(name, opts, this.clock(), fieldText(e, "created_at")));
    return this.get(name);
  }

  /**
   * Replaces a secret's value as a rotation: `rotated_at` = now, and `expires_at` renewed from `rotate_every` when
   * the secret has a policy (an explicit `expiresAt`/`expiresIn` wins). A rotation to the same value is refused:
   * it would mark a secret rotated (and renew its expiry) while its ciphertext and its credential stay the same.
   * @throws SecretNotFoundError when absent; InvalidInputError (`E_VALUE`) for the same value or one over 1 MiB,
   * or for bad expiry options (the vault is then unchanged).
   */
  rotate(name: string, value: string, opts: Pick<SetOptions, "expiresAt" | "expiresIn"> = {}): Secret {
    const e = this.existing(name);
    checkSecretValue(name, value);
    const valueNode = getNode(e, VALUE_FIELD) as Scalar;
    const old = this.sf.plaintextOf(valueNode)?.value ?? (valueNode.value === "" ? "" : undefined);
    if (old === value) {
      throw new InvalidInputError("E_VALUE", `the new value of ${name} is the same as the old one; nothing was changed`, { hint: "create a new credential at its source first, then rotate to it" });
    }
    const now = this.clock();
    const every = fieldText(e, "rotate_every");
    const meta: SetOptions = { ...opts };
    if (meta.expiresAt === undefined && meta.expiresIn === undefined && every !== null) meta.expiresIn = every;
    const plan = planMeta(name, meta, now, fieldText(e, "created_at"));
    this.sf.setEncryptedString(valueNode, valuePath(name), value);
    setField(e, "rotated_at", formatTimestamp(now), true);
    clearExposure(e);
    this.applyPlan(e, name, plan);
    return this.get(name);
  }

  private applyPlan(e: YAMLMap, name: string, plan: MetaPlan): void {
    this.sf.assertEditable();
    applyMeta(e, plan);
    if (plan.required) this.require([name]);
    this.sf.markDirty();
  }

  /** Deletes a secret (it stays in the required list if it is there, and then shows as missing). @throws SecretNotFoundError when absent. */
  remove(name: string): void {
    this.sf.assertEditable();
    const e = this.existing(name);
    const node = e.get(VALUE_FIELD, true);
    if (isScalar(node)) this.sf.forget(node);
    this.secretsMap()!.delete(name);
    this.index = undefined;
    this.sf.markDirty();
  }

  /** Adds names to the required list (they need not exist yet). @throws InvalidInputError for a bad name. */
  require(names: readonly string[]): void {
    const seq = this.section(SECTION.required, () => Object.assign(new (yamlWrite().YAMLSeq)(), { flow: true })) as YAMLSeq;
    const have = new Set(this.required);
    for (const n of names) {
      checkSecretName(n);
      if (!have.has(n)) {
        seq.items.push(new (yamlWrite().Scalar)(n));
        have.add(n);
        this.sf.markDirty();
      }
    }
  }

  /** Removes names from the required list. */
  unrequire(names: readonly string[]): void {
    const seq = this.root().get(SECTION.required, true);
    if (!isSeq(seq)) return;
    const drop = new Set(names);
    const before = seq.items.length;
    seq.items = seq.items.filter((i) => !drop.has(scalarText(i)));
    if (seq.items.length !== before) this.sf.markDirty();
  }

  /**
   * Adds a named recipient and wraps the data key for it; other lines of the file stay as they are.
   * @throws InvalidInputError for a bad name or key or a key of another kind; ConflictError (`E_EXISTS`) for a
   * name or key already there.
   */
  async addRecipient(name: string, recipient: string): Promise<void> {
    return addRecipient(this.root(), this.sf, name, recipient);
  }

  /**
   * Removes a named recipient, rolls the data key and re-encrypts every value. Every secret present is marked as
   * exposed to that name (`exposed_to`) until its value changes. Returns the names of the secrets the removed holder
   * could read: rotate them at their source.
   * @throws NotFoundError for an unknown name; InvalidInputError for the only recipient.
   */
  async removeRecipient(name: string): Promise<string[]> {
    await removeRecipient(this.root(), this.sf, name);
    const now = this.clock();
    const names = this.list();
    for (const n of names) markExposed(this.existing(n), name, now);
    return names;
  }

  /** Marks the file as changed so that {@link Vault.save} writes it (used to re-seal). */
  touch(): void {
    this.sf.markDirty();
  }

  /** True when something changed since the vault was opened or last saved. */
  get isDirty(): boolean {
    return this.sf.isDirty;
  }

  /** The file text as it would be saved now (new `lastmodified`, MAC and seal); unchanged values keep their text. */
  toText(): string {
    this.sf.keepMetadataLast();
    return this.sf.serialize(this.clock());
  }

  /**
   * Writes the vault through its store: atomically under the lock, refusing (`E_CONFLICT`) when the file changed on
   * disk since it was opened, so a concurrent edit is never overwritten; use `updateVault` to serialise
   * read-modify-write.
   * @throws ConflictError (`E_CONFLICT`) when the file changed on disk; IoError when it cannot be written;
   * InvalidInputError when the vault was made from text without a store.
   */
  async save(opts: { exclusive?: boolean } = {}): Promise<void> {
    if (!this.store) throw new InvalidInputError("E_INPUT", `${this.path} was opened from text and has no file to save to`, { hint: "open it with openVault(path), or print it with toText()" });
    await this.store.save(this, opts);
  }
}
