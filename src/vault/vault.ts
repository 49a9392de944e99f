/**
 * The vault model: named secrets with lifecycle metadata, the required names, and the named recipients, in a sops
 * document. Pure: it reads from and prints to text; files, locks and key discovery are `io/vault-file.ts`. The
 * layout and its checks are `schema.ts`, metadata fields `metadata.ts`, the verdict `validation.ts`.
 */
import type { Scalar, YAMLMap } from "yaml";
import { InvalidInputError } from "../errors.js";
import type { Identity } from "../crypto/identities.js";
import type { KeySearch } from "../crypto/key-search.js";
import { hasConflictReport } from "../format/conflict-markers.js";
import { getNode, isScalar } from "../format/yaml-tree.js";
import { SopsFile } from "../sops/sops-file.js";
import { TypeCatalogue } from "../types/catalogue.js";
import type { CustomTypeEntry } from "../types/custom.js";
import { formatTimestamp } from "../rules/time.js";
import { checkSecretName, checkSecretValue } from "../rules/names.js";
import { DEFAULT_WARN_DAYS, selectForExport, type ExportSelection } from "./lifecycle.js";
import {
  applyMeta,
  fieldText,
  newEntry,
  planMeta,
  rotationOptions,
  setField,
  unchangedRotation,
  type MetaPlan,
  type SetOptions,
} from "./metadata.js";
import {
  buildLayout,
  checkRecipientList,
  checkStructure,
  structureOf,
  DEFAULT_TYPE,
  readRecipients,
  readRequired,
  readTypeEntries,
  VALUE_FIELD,
  valuePath,
  VAULT_RULES,
  staleSealError,
} from "./schema.js";
import type { VaultModelOptions, VaultSettings, VaultStore } from "./options.js";
import { clearExposure, markExposed } from "./exposure.js";
import { addRecipient, removeRecipient } from "./recipients.js";
import { SecretEntries } from "./entries.js";
import { givenIdentities } from "../crypto/key-search.js";
import { addRequired, dataOf, removeRequired, removeTypeEntry, rootOf, setTypeEntry } from "./sections.js";
import { readSecret, type Secret } from "./secret.js";
import {
  expiryReport,
  validateSecrets,
  type ExpiryEntry,
  type ValidateOptions,
  type ValidationResult,
} from "./validation.js";

export type { SetOptions } from "./metadata.js";
export { Secret } from "./secret.js";
export type { ExpiryEntry, ValidateOptions, ValidationResult } from "./validation.js";
export type { ExportSelection } from "./lifecycle.js";
export type { VaultModelOptions, VaultSettings, VaultStore } from "./options.js";

/** The settings a vault keeps once opened: its clock and the expiring-soon window. */
type ClockSettings = Pick<VaultSettings, "now" | "warnDays">;

/**
 * A decrypted vault. Reading methods never change it; changing methods change the document in memory, and
 * {@link Vault.save} (or `updateVault`) writes it. Holds plaintext values: do not log it.
 */
export class Vault {
  /** The `secrets:` entries by name. */
  private readonly entries: SecretEntries;
  private readonly clock: () => Date;
  /** Days below which a secret counts as expiring soon. */
  readonly warnDays: number;

  private constructor(
    /** The file name, as given when opened (used in messages). */
    readonly path: string,
    private readonly sf: SopsFile,
    private readonly store: VaultStore | undefined,
    /** The text the vault was read from (`undefined` for a new one). */
    private readonly source: string | undefined,
    settings: ClockSettings,
  ) {
    this.entries = new SecretEntries(sf);
    this.clock = settings.now ?? (() => new Date());
    this.warnDays = settings.warnDays ?? DEFAULT_WARN_DAYS;
  }

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
  static async fromText(
    text: string,
    identities: readonly (string | Identity)[] | KeySearch,
    opts: VaultModelOptions = {},
  ): Promise<Vault> {
    const path = opts.file ?? "vault";
    const keys: KeySearch = Array.isArray(identities) ? givenIdentities(identities) : (identities as KeySearch);
    const named = (t: { contents: unknown }): Record<string, string> => readRecipients(t.contents);
    const sf = await SopsFile.open(text, path, keys, { named, editable: opts.editable });
    checkStructure(structureOf(sf, path, text));
    if (sf.sealState === "stale" && !opts.acceptStaleSeal) throw staleSealError(path);
    return new Vault(path, sf, opts.store, text, opts);
  }

  /**
   * A read-only view of a vault's clear metadata (names, types, dates, `required`, recipients) without a key, checked
   * by the same structure rules as {@link Vault.fromText}. NOT verified: the MAC and seal are not checked, so anyone
   * could have edited what it shows (`verified` is false). Values are not available (`secret.value` throws), and
   * changing or saving it throws.
   * @throws FormatError for a malformed file; NoIdentityError for a sops file without age recipients.
   */
  static async openMetadata(
    text: string,
    path: string,
    opts: Pick<VaultSettings, "now" | "warnDays"> = {},
  ): Promise<Vault> {
    const sf = await SopsFile.openUnverified(text, path);
    checkStructure(structureOf(sf, path, text));
    return new Vault(path, sf, undefined, text, opts);
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
    checkRecipientList(recipients);
    const sf = await SopsFile.create(path, Object.values(recipients), VAULT_RULES, (doc) =>
      buildLayout(doc.contents as YAMLMap, recipients),
    );
    return new Vault(path, sf, opts.store, undefined, opts);
  }

  // ---- reading -------------------------------------------------------------------------------------------------

  /** Secret names in file order. */
  list(): string[] {
    return this.entries.names();
  }

  /** True when a secret of that name exists. */
  has(name: string): boolean {
    return this.entries.find(name) !== undefined;
  }

  /**
   * The secret with its value.
   * @throws SecretNotFoundError (with close names) when absent; FormatError for a malformed date in its entry.
   */
  get(name: string): Secret {
    const e = this.entries.get(name);
    return readSecret(e, name, this.sf.verified ? this.entries.valueOf(e) : undefined, this.path, this.clock);
  }

  /** Every secret, in file order. @throws FormatError for a malformed entry. */
  secrets(): Secret[] {
    return this.list().map((n) => this.get(n));
  }

  /** Names that must be present (`required:`), in file order. */
  get required(): string[] {
    return readRequired(dataOf(this.sf));
  }

  /** Named recipients (`recipients:`): name → age recipient. */
  recipients(): Record<string, string> {
    return readRecipients(dataOf(this.sf));
  }

  /** Whether the name seal was valid when opened (`stale` only with `acceptStaleSeal`). */
  get sealState(): "valid" | "stale" {
    return this.sf.sealState;
  }

  /** The vault's clock, read now. */
  get now(): Date {
    return this.clock();
  }

  // ---- policy and types ----------------------------------------------------------------------------------------

  /**
   * Missing required, expired and expiring-soon secrets, the type findings (values that do not match their type,
   * missing companions, unknown types), and the verdict `allValid`: false when anything is missing or expired;
   * with `strict` also when a secret expires soon or on a format or companion finding.
   * @throws FormatError for a malformed entry or custom type.
   */
  validate(opts: ValidateOptions = {}): ValidationResult {
    const warnDays = opts.warnDays ?? this.warnDays;
    return validateSecrets(this.secrets(), this.required, this.typeCatalogue(), this.clock(), warnDays, opts);
  }

  /** Per secret: days until expiry, the expiry date and a status; required-but-absent names appear as `missing`. */
  expiryReport(opts: { warnDays?: number } = {}): Record<string, ExpiryEntry> {
    return expiryReport(this.secrets(), this.required, this.clock(), opts.warnDays ?? this.warnDays);
  }

  /** The custom types declared in the file (`types:`), name → fields as written, in file order. */
  typeEntries(): Record<string, unknown> {
    return readTypeEntries(dataOf(this.sf));
  }

  /** The built-in types plus the file's custom types. @throws FormatError for a malformed custom type. */
  typeCatalogue(): TypeCatalogue {
    return TypeCatalogue.withCustom(this.typeEntries(), this.path);
  }

  /** Adds or replaces a custom type's entry (check it first with `customTypeEntry`). */
  setTypeEntry(name: string, entry: CustomTypeEntry): void {
    setTypeEntry(this.sf, name, entry);
  }

  /** Removes a custom type's entry (and the `types:` mapping once empty); false when there was none. */
  removeTypeEntry(name: string): boolean {
    return removeTypeEntry(this.sf, name);
  }

  /** Name → value for an environment. `excludeExpired` leaves expired secrets out; `only` picks names. @throws SecretNotFoundError for a name in `only` that is absent. */
  exportSecrets(opts: { excludeExpired?: boolean; only?: readonly string[] } = {}): Record<string, string> {
    return this.exportSelection(opts).env;
  }

  /** {@link Vault.exportSecrets}, and the expired secrets among those asked for (each secret is read once). */
  exportSelection(opts: { excludeExpired?: boolean; only?: readonly string[] } = {}): ExportSelection {
    const secrets = (opts.only ?? this.list()).map((n) => this.get(n));
    return selectForExport(secrets, this.clock(), opts.excludeExpired === true);
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
    let e = this.entries.find(name);
    const isNew = !e;
    const plan = planMeta(name, opts, now, e ? fieldText(e, "created_at") : stamp);
    if (!e) {
      e = newEntry(stamp, opts.type ?? DEFAULT_TYPE, opts.description);
      this.entries.add(name, e);
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
    const e = this.entries.get(name);
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
    const e = this.entries.get(name);
    checkSecretValue(name, value);
    if (this.entries.valueOf(e) === value) throw unchangedRotation(name);
    const now = this.clock();
    const plan = planMeta(name, rotationOptions(e, opts), now, fieldText(e, "created_at"));
    this.sf.setEncryptedString(getNode(e, VALUE_FIELD) as Scalar, valuePath(name), value);
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
    const e = this.entries.get(name);
    const node = e.get(VALUE_FIELD, true);
    if (isScalar(node)) this.sf.forget(node);
    this.entries.delete(name);
    this.sf.markDirty();
  }

  /** Adds names to the required list (they need not exist yet). @throws InvalidInputError for a bad name. */
  require(names: readonly string[]): void {
    addRequired(this.sf, names);
  }

  /** Removes names from the required list. */
  unrequire(names: readonly string[]): void {
    removeRequired(this.sf, names);
  }

  /**
   * Adds a named recipient and wraps the data key for it; other lines of the file stay as they are.
   * @throws InvalidInputError for a bad name or key or a key of another kind; ConflictError (`E_EXISTS`) for a
   * name or key already there.
   */
  async addRecipient(name: string, recipient: string): Promise<void> {
    return addRecipient(rootOf(this.sf), this.sf, name, recipient);
  }

  /**
   * Removes a named recipient, rolls the data key and re-encrypts every value. Every secret present is marked as
   * exposed to that name (`exposed_to`) until its value changes. Returns the names of the secrets the removed holder
   * could read: rotate them at their source.
   * @throws NotFoundError for an unknown name; InvalidInputError for the only recipient.
   */
  async removeRecipient(name: string): Promise<string[]> {
    await removeRecipient(rootOf(this.sf), this.sf, name);
    const now = this.clock();
    const names = this.list();
    for (const n of names) markExposed(this.entries.get(n), name, now);
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
    if (!this.store)
      throw new InvalidInputError("E_INPUT", `${this.path} was opened from text and has no file to save to`, {
        hint: "open it with openVault(path), or print it with toText()",
      });
    await this.store.save(this, opts);
  }
}
