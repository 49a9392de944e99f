/**
 * The vault: named secrets with lifecycle metadata, the required names, and the named recipients, stored in a sops
 * file. This is the library API (design.md §4); the CLI is a thin layer over it.
 */
import { readFileSync } from "node:fs";
import { isMap, isScalar, isSeq, Scalar, YAMLMap, YAMLSeq, type Document } from "yaml";
import { ConflictError, FormatError, IntegrityError, InvalidInputError, ioErrorFrom, NoIdentityError, NotFoundError, SecretNotFoundError, StaleSealError, WrongKeyError } from "../errors.js";
import { checkRecipient, describeRecipient, recipientId, recipientKind, recipientOf, type Identity } from "../crypto/identities.js";
import { hasConflictReport } from "../format/conflict-markers.js";
import { getNode, lineOf, parseYaml, scalarText } from "../format/yaml.js";
import { findIdentities, type KeySourceOptions } from "../io/keys.js";
import { acquireLock, type Lock } from "../io/lock.js";
import { writeFileAtomic } from "../io/atomic.js";
import { SopsFile, VAULT_RULES } from "./sops-file.js";
import { TypeCatalogue } from "../types/catalogue.js";
import { typeFindings, type TypeFindings } from "../types/findings.js";
import { TYPE_NAME_RE, type CustomTypeEntry } from "../types/custom.js";
import {
  addDuration,
  checkRecipientName,
  checkSecretName,
  checkSecretValue,
  closestNames,
  daysUntil,
  DEFAULT_WARN_DAYS,
  formatTimestamp,
  isDue,
  isNever,
  MIXED_KINDS_MESSAGE,
  parseDate,
  parseDuration,
  statusOf,
  type Duration,
  type ExpiryStatus,
} from "./policy.js";

export interface VaultOptions extends KeySourceOptions {
  /** The clock; inject one for deterministic expiry. Defaults to the system time. */
  now?: () => Date;
  /** Days below which a secret counts as expiring soon (default 30). */
  warnDays?: number;
  /**
   * Open a file whose sops MAC is valid but whose name seal is missing or stale (last written by plain sops or
   * another tool). Saving re-seals it. Without this, such a file is refused with a `StaleSealError`.
   */
  acceptStaleSeal?: boolean;
}

export interface SetOptions {
  type?: string | undefined;
  description?: string | null | undefined;
  /** A date, or text as `parseDate` reads it; `null` or `"never"` removes the expiry. */
  expiresAt?: Date | string | null | undefined;
  /** A duration from now (`90d`); alternative to `expiresAt`. */
  expiresIn?: string | undefined;
  /** Rotation policy (`90d`); `null` or `"never"` removes it. */
  rotateEvery?: string | null | undefined;
  /** Add the name to the required list. */
  required?: boolean | undefined;
}

export interface ExpiryEntry {
  /** Whole days left, negative once expired, `null` without expiry (or for a missing required secret). */
  daysUntilExpiry: number | null;
  expiresAt: Date | null;
  status: ExpiryStatus;
}

export interface ValidationResult extends TypeFindings {
  /** False when a required secret is missing or one expired; with `strictTypes`, also on a format or companion finding. */
  allValid: boolean;
  /** Required names with no entry. */
  missing: string[];
  expired: string[];
  expiringSoon: string[];
  /** Past their `rotate_every`: reported, not a failure. */
  due: string[];
}

const DEFAULT_TYPE = "generic";

/** One secret, read from the vault. Holds its plaintext value: do not log it. */
export class Secret {
  readonly #value: string | undefined;

  constructor(
    readonly name: string,
    /** `undefined` for a vault opened without a key ({@link Vault.openMetadata}). */
    value: string | undefined,
    readonly type: string,
    readonly description: string | null,
    readonly createdAt: Date | null,
    readonly rotatedAt: Date | null,
    readonly expiresAt: Date | null,
    readonly rotateEvery: Duration | null,
    private readonly clock: () => Date,
  ) {
    this.#value = value;
  }

  /** The plaintext. Throws {@link NoIdentityError} when the vault was opened without a key. */
  get value(): string {
    if (this.#value === undefined) throw new NoIdentityError(`the value of ${this.name} is not available: the vault was opened without a key`, { hint: "set VAULTFILE_AGE_KEY or pass --identity to read values" });
    return this.#value;
  }

  /** False when the vault was opened without a key: only the metadata is known. */
  get hasValue(): boolean {
    return this.#value !== undefined;
  }

  /** True once the expiry time has passed. */
  isExpired(now: Date = this.clock()): boolean {
    return this.expiresAt !== null && this.expiresAt.getTime() < now.getTime();
  }

  /** Whole days until expiry (negative once expired), `null` without expiry. */
  daysUntilExpiry(now: Date = this.clock()): number | null {
    return this.expiresAt === null ? null : daysUntil(this.expiresAt, now);
  }

  /** True when `rotate_every` has passed since the last rotation. */
  isDue(now: Date = this.clock()): boolean {
    return isDue(this, now);
  }

  status(now: Date = this.clock(), warnDays = DEFAULT_WARN_DAYS): Exclude<ExpiryStatus, "missing"> {
    return statusOf(this, now, warnDays);
  }

  /** Never reveal the value by accident (console.log, JSON.stringify, template strings). */
  toJSON(): Record<string, unknown> {
    return { name: this.name, type: this.type, description: this.description, createdAt: this.createdAt, rotatedAt: this.rotatedAt, expiresAt: this.expiresAt, rotateEvery: this.rotateEvery?.text ?? null };
  }
  toString(): string {
    return `Secret(${this.name})`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

export class Vault {
  private lock: Lock | undefined;

  private constructor(
    readonly path: string,
    private readonly sf: SopsFile,
    private diskText: string | undefined,
    private readonly clock: () => Date,
    readonly warnDays: number,
  ) {}

  /** Opens and verifies a vault file. */
  static async open(path: string, opts: VaultOptions = {}): Promise<Vault> {
    const text = readVaultText(path);
    return Vault.fromText(text, path, opts);
  }

  /** Opens a vault from text already read (the file name is used in messages and by `save`). */
  static async fromText(text: string, path: string, opts: VaultOptions = {}): Promise<Vault> {
    const keys = findIdentities(opts);
    let sf: SopsFile;
    try {
      sf = await SopsFile.open(text, path, keys);
    } catch (err) {
      throw err instanceof NoIdentityError || err instanceof WrongKeyError ? await explainKeyError(err, text, path, keys.identities) : err;
    }
    const v = new Vault(path, sf, text, opts.now ?? (() => new Date()), opts.warnDays ?? DEFAULT_WARN_DAYS);
    v.checkStructure(text);
    if (sf.sealState === "stale" && !opts.acceptStaleSeal) {
      throw new StaleSealError(`${path} was last saved by a tool that does not seal names (plain sops?), or its key names were edited`, {
        hint: "its sops MAC is valid, so values and their order are as a key holder wrote them; run `vaultfile reseal` to review the names and metadata (values hidden) and seal it again",
      });
    }
    return v;
  }

  /**
   * A read-only view of a vault's clear metadata (names, types, dates, `required`, recipients) without a key, checked
   * by the same structure rules as {@link fromText}. NOT verified: the MAC and seal are not checked, so anyone could
   * have edited what it shows (`verified` is false). Values are not available (`secret.value` throws), and changing
   * or saving it throws.
   */
  static openMetadata(text: string, path: string, opts: Pick<VaultOptions, "now" | "warnDays"> = {}): Vault {
    const v = new Vault(path, SopsFile.openUnverified(text, path), text, opts.now ?? (() => new Date()), opts.warnDays ?? DEFAULT_WARN_DAYS);
    v.checkStructure(text);
    return v;
  }

  /** True when the vault was opened with a key: every value decrypted, the MAC and seal verified. */
  get verified(): boolean {
    return this.sf.verified;
  }

  /** A new, empty vault encrypted to the named recipients. Not written until {@link save}. */
  static async create(path: string, recipients: Record<string, string>, opts: VaultOptions = {}): Promise<Vault> {
    const names = Object.keys(recipients);
    if (names.length === 0) throw new InvalidInputError("E_RECIPIENT", "a vault needs at least one recipient", { hint: "pass --recipient NAME=age1…, or create a key with `vaultfile keygen`" });
    const kinds = new Set<string>();
    for (const [name, key] of Object.entries(recipients)) {
      checkRecipientName(name);
      kinds.add(checkRecipient(key, `recipient ${name}`));
    }
    if (kinds.size > 1) throw mixedKindsError();
    const sf = await SopsFile.create(path, Object.values(recipients), (doc) => {
      const root = doc.contents as YAMLMap;
      root.set("secrets", new YAMLMap());
      const req = new YAMLSeq();
      req.flow = true;
      root.set("required", req);
      const rec = new YAMLMap();
      for (const [name, key] of Object.entries(recipients)) rec.set(name, new Scalar(key));
      root.set("recipients", rec);
      root.commentBefore = " Secrets managed with vaultfile: values are encrypted, names and metadata are readable.\n Edit with `vaultfile set/rotate/edit`; do not edit by hand (a MAC covers everything).";
    });
    return new Vault(path, sf, undefined, opts.now ?? (() => new Date()), opts.warnDays ?? DEFAULT_WARN_DAYS);
  }

  // ---- reading -------------------------------------------------------------------------------------------------

  private get doc(): Document {
    return this.sf.doc;
  }

  private root(): YAMLMap {
    return this.doc.contents as YAMLMap;
  }

  private secretsMap(create = false): YAMLMap | undefined {
    let m: unknown = this.root().get("secrets", true);
    if (!isMap(m)) {
      if (!create) return undefined;
      m = new YAMLMap();
      this.insertBeforeSops("secrets", m);
    }
    return m as YAMLMap;
  }

  /** Name → entry node, built once: `YAMLMap.get` is a linear scan, which made big vaults quadratic. */
  private index: Map<string, YAMLMap> | undefined;

  private entry(name: string): YAMLMap | undefined {
    if (!this.index) {
      this.index = new Map();
      for (const p of this.secretsMap()?.items ?? []) {
        if (isMap(p.value)) this.index.set(scalarText(p.key), p.value as YAMLMap);
      }
    }
    return this.index.get(name);
  }

  /** Secret names in file order. */
  list(): string[] {
    return (this.secretsMap()?.items ?? []).map((p) => scalarText(p.key));
  }

  has(name: string): boolean {
    return this.entry(name) !== undefined;
  }

  /** The secret with its value; throws {@link SecretNotFoundError} (with close names) when absent. */
  get(name: string): Secret {
    const e = this.entry(name);
    if (!e) throw new SecretNotFoundError(name, closestNames(name, this.list()));
    const valueNode = getNode(e, "value") as Scalar | undefined;
    const plain = valueNode ? this.sf.plaintextOf(valueNode) : undefined;
    const value = !this.sf.verified ? undefined : plain ? (plain.value as string) : "";
    const str = (k: string): string | null => {
      const v = e.get(k);
      return v === undefined || v === null ? null : String(v);
    };
    const date = (k: string): Date | null => {
      const v = str(k);
      if (v === null) return null;
      try {
        return parseDate(v, `${k} of ${name}`);
      } catch (err) {
        throw new FormatError(`secrets.${name}.${k} in ${this.path} is not a valid date`, { ...lineOf(getNode(e, k) as Scalar, ""), cause: err });
      }
    };
    const every = str("rotate_every");
    let rotateEvery: Duration | null = null;
    if (every !== null) {
      try {
        rotateEvery = parseDuration(every, `rotate_every of ${name}`);
      } catch (err) {
        throw new FormatError(`secrets.${name}.rotate_every in ${this.path} is not a valid duration`, { cause: err });
      }
    }
    return new Secret(name, value, str("type") ?? DEFAULT_TYPE, str("description"), date("created_at"), date("rotated_at") ?? date("created_at"), date("expires_at"), rotateEvery, this.clock);
  }

  /** Every secret, in file order. */
  secrets(): Secret[] {
    return this.list().map((n) => this.get(n));
  }

  /** Names that must be present (`required:`), in file order. */
  get required(): string[] {
    const r = this.root().get("required", true);
    return isSeq(r) ? (r as YAMLSeq).items.map((i) => scalarText(i)) : [];
  }

  /** Named recipients (`recipients:`): name → age recipient. */
  recipients(): Record<string, string> {
    const r = this.root().get("recipients", true);
    // No prototype: a secret may be named __proto__ (a valid environment variable name).
    const out: Record<string, string> = Object.create(null) as Record<string, string>;
    if (isMap(r)) for (const p of (r as YAMLMap).items) out[scalarText(p.key)] = scalarText(p.value);
    return out;
  }

  /** Whether the name seal was valid when opened (`stale` only with `acceptStaleSeal`). */
  get sealState(): "valid" | "stale" {
    return this.sf.sealState;
  }

  get now(): Date {
    return this.clock();
  }

  /** Whether the file opened holds the merge driver's conflict report (a valid vault, our side of each conflict). */
  get hasConflictReport(): boolean {
    return this.diskText !== undefined && hasConflictReport(this.diskText);
  }

  // ---- policy --------------------------------------------------------------------------------------------------

  /**
   * Missing required, expired and expiring-soon secrets, and the type findings (values that do not match their
   * type, missing companions, unknown types). `allValid` is false when anything is missing or expired; format and
   * companion findings count too with `strictTypes`, else they are warnings.
   */
  validate(opts: { warnDays?: number; strictTypes?: boolean } = {}): ValidationResult {
    const warnDays = opts.warnDays ?? this.warnDays;
    const now = this.clock();
    const present = new Set(this.list());
    const missing = this.required.filter((n) => !present.has(n));
    const expired: string[] = [];
    const expiringSoon: string[] = [];
    const due: string[] = [];
    const secrets = this.secrets();
    for (const s of secrets) {
      const st = s.status(now, warnDays);
      if (st === "expired") expired.push(s.name);
      else if (st === "expiring") expiringSoon.push(s.name);
      if (s.isDue(now)) due.push(s.name);
    }
    const types = typeFindings(secrets, this.typeCatalogue());
    // An unknown type is only a label nobody declared: reported, never a failure.
    const typesOk = !opts.strictTypes || (types.invalidFormat.length === 0 && types.companionsMissing.length === 0);
    return { allValid: missing.length === 0 && expired.length === 0 && typesOk, missing, expired, expiringSoon, due, ...types };
  }

  // ---- types ---------------------------------------------------------------------------------------------------

  /** The custom types declared in the file (`types:`), name → fields as written, in file order. */
  typeEntries(): Record<string, unknown> {
    const m = this.root().get("types", true);
    const out: Record<string, unknown> = {};
    if (isMap(m)) for (const p of (m as YAMLMap).items) out[scalarText(p.key)] = isMap(p.value) || isScalar(p.value) || isSeq(p.value) ? p.value.toJSON() : p.value;
    return out;
  }

  /** The built-in types plus the file's custom types. Throws `FormatError` for a malformed custom type. */
  typeCatalogue(): TypeCatalogue {
    return TypeCatalogue.withCustom(this.typeEntries(), this.path);
  }

  /** Adds or replaces a custom type's entry (check it first with `customTypeEntry`). */
  setTypeEntry(name: string, entry: CustomTypeEntry): void {
    let m = this.root().get("types", true) as YAMLMap | undefined;
    if (!isMap(m)) {
      m = new YAMLMap();
      this.insertBeforeSops("types", m);
    }
    const node = this.doc.createNode(entry) as YAMLMap;
    const companions = node.get("companions", true);
    if (isSeq(companions)) companions.flow = true;
    m.set(name, node);
    this.sf.markDirty();
  }

  /** Removes a custom type's entry (and the `types:` mapping once empty); false when there was none. */
  removeTypeEntry(name: string): boolean {
    const m = this.root().get("types", true);
    if (!isMap(m) || !m.has(name)) return false;
    m.delete(name);
    if (m.items.length === 0) this.root().delete("types");
    this.sf.markDirty();
    return true;
  }

  /** Per secret: days until expiry, the expiry date and a status; required-but-absent names appear as `missing`. */
  expiryReport(opts: { warnDays?: number } = {}): Record<string, ExpiryEntry> {
    const warnDays = opts.warnDays ?? this.warnDays;
    const now = this.clock();
    const out: Record<string, ExpiryEntry> = Object.create(null) as Record<string, ExpiryEntry>;
    for (const s of this.secrets()) out[s.name] = { daysUntilExpiry: s.daysUntilExpiry(now), expiresAt: s.expiresAt, status: s.status(now, warnDays) };
    for (const n of this.required) if (!(n in out)) out[n] = { daysUntilExpiry: null, expiresAt: null, status: "missing" };
    return out;
  }

  /** Name → value for an environment. `excludeExpired` leaves expired secrets out; `only` picks names. */
  exportSecrets(opts: { excludeExpired?: boolean; only?: readonly string[] } = {}): Record<string, string> {
    const names = opts.only ? [...opts.only] : this.list();
    // No prototype: a secret may be named __proto__ (a valid environment variable name).
    const out: Record<string, string> = Object.create(null) as Record<string, string>;
    const now = this.clock();
    for (const n of names) {
      const s = this.get(n);
      if (opts.excludeExpired && s.isExpired(now)) continue;
      out[n] = s.value;
    }
    return out;
  }

  /** Puts one secret into an environment (default `process.env`). */
  addToEnv(name: string, env: Record<string, string | undefined> = process.env): void {
    env[name] = this.get(name).value;
  }

  // ---- changing ------------------------------------------------------------------------------------------------

  /**
   * Creates or updates a secret. A new value is encrypted with a fresh IV and sets `rotated_at`; an unchanged value
   * keeps its ciphertext. Metadata options that are `undefined` are left as they are.
   */
  set(name: string, value: string, opts: SetOptions = {}): Secret {
    checkSecretName(name);
    if (typeof value !== "string") throw new InvalidInputError("E_VALUE", `the value of ${name} must be a string`);
    checkSecretValue(name, value);
    const now = this.clock();
    const stamp = formatTimestamp(now);
    let e = this.entry(name);
    const isNew = !e;
    const createdAt = e ? fieldText(e, "created_at") : stamp;
    const plan = this.planMeta(name, opts, now, createdAt);
    if (!e) {
      e = new YAMLMap();
      e.set("value", new Scalar(""));
      const secrets = this.secretsMap(true)!;
      // A new vault's empty map is written `secrets: {}` and parses back as a flow map; entries go in block style,
      // one line each, so that diffs stay per entry.
      secrets.flow = false;
      secrets.set(name, e);
      this.index?.set(name, e);
      setField(e, "type", opts.type ?? DEFAULT_TYPE, false);
      if (opts.description) setField(e, "description", opts.description, false);
      setField(e, "created_at", stamp, true);
      setField(e, "rotated_at", stamp, true);
    }
    const valueNode = getNode(e, "value") as Scalar;
    const before = this.sf.plaintextOf(valueNode)?.value;
    this.sf.setEncryptedString(valueNode, ["secrets", name, "value"], value);
    if (!isNew && before !== value) setField(e, "rotated_at", stamp, true);
    this.applyMeta(e, name, plan);
    this.sf.markDirty();
    return this.get(name);
  }

  /** Changes metadata only (type, description, expiry, policy, required); the value keeps its ciphertext. */
  update(name: string, opts: SetOptions): Secret {
    const e = this.entry(name);
    if (!e) throw new SecretNotFoundError(name, closestNames(name, this.list()));
    this.applyMeta(e, name, this.planMeta(name, opts, this.clock(), fieldText(e, "created_at")));
    this.sf.markDirty();
    return this.get(name);
  }

  /**
   * Replaces a secret's value as a rotation: `rotated_at` = now, and `expires_at` renewed from `rotate_every` when
   * the secret has a policy (an explicit `expiresAt`/`expiresIn` wins).
   */
  rotate(name: string, value: string, opts: Pick<SetOptions, "expiresAt" | "expiresIn"> = {}): Secret {
    const e = this.entry(name);
    if (!e) throw new SecretNotFoundError(name, closestNames(name, this.list()));
    checkSecretValue(name, value);
    const now = this.clock();
    const every = fieldText(e, "rotate_every");
    const meta: SetOptions = { ...opts };
    if (meta.expiresAt === undefined && meta.expiresIn === undefined && every !== null) meta.expiresIn = every;
    const plan = this.planMeta(name, meta, now, fieldText(e, "created_at"));
    this.sf.setEncryptedString(getNode(e, "value") as Scalar, ["secrets", name, "value"], value);
    setField(e, "rotated_at", formatTimestamp(now), true);
    this.applyMeta(e, name, plan);
    this.sf.markDirty();
    return this.get(name);
  }

  /**
   * Validates metadata options into a plan without touching the document, so that a bad option (date, duration,
   * type) leaves the vault exactly as it was.
   */
  private planMeta(name: string, opts: SetOptions, now: Date, createdAt: string | null): MetaPlan {
    const plan: MetaPlan = {};
    if (opts.type !== undefined) {
      if (!TYPE_NAME_RE.test(opts.type)) throw new InvalidInputError("E_INPUT", `invalid type ${JSON.stringify(opts.type)}`, { hint: "a type is a lower-case word such as pypi, docker or generic" });
      plan.type = opts.type;
    }
    if (opts.description !== undefined) plan.description = opts.description === "" ? null : opts.description;
    if (opts.expiresAt !== undefined && opts.expiresIn !== undefined) throw new InvalidInputError("E_DATE", "give either an expiry date or a duration, not both");
    let expires: Date | null | undefined;
    if (opts.expiresIn !== undefined) expires = addDuration(now, parseDuration(opts.expiresIn, "expiry duration"));
    else if (opts.expiresAt === null || (typeof opts.expiresAt === "string" && isNever(opts.expiresAt))) expires = null;
    else if (opts.expiresAt !== undefined) expires = opts.expiresAt instanceof Date ? opts.expiresAt : parseDate(opts.expiresAt, "expiry date");
    if (expires) {
      if (Number.isNaN(expires.getTime())) throw new InvalidInputError("E_DATE", `invalid expiry date for ${name}`);
      if (createdAt !== null && expires.getTime() < parseDate(createdAt).getTime()) {
        throw new InvalidInputError("E_DATE", `the expiry of ${name} (${formatTimestamp(expires)}) is before its creation (${createdAt})`, { hint: "check the date; an expiry must come after the secret was created" });
      }
    }
    if (expires !== undefined) plan.expiresAt = expires;
    if (opts.rotateEvery !== undefined) plan.rotateEvery = opts.rotateEvery === null || isNever(opts.rotateEvery) ? null : parseDuration(opts.rotateEvery, "rotation period").text;
    if (opts.required) {
      checkSecretName(name);
      plan.required = true;
    }
    return plan;
  }

  private applyMeta(e: YAMLMap, name: string, plan: MetaPlan): void {
    if (plan.type !== undefined) setField(e, "type", plan.type, false);
    if (plan.description === null) e.delete("description");
    else if (plan.description !== undefined) setField(e, "description", plan.description, false);
    if (plan.expiresAt === null) e.delete("expires_at");
    else if (plan.expiresAt !== undefined) setField(e, "expires_at", formatTimestamp(plan.expiresAt), true);
    if (plan.rotateEvery === null) e.delete("rotate_every");
    else if (plan.rotateEvery !== undefined) setField(e, "rotate_every", plan.rotateEvery, false);
    if (plan.required) this.require([name]);
  }


  /** Deletes a secret (it stays in the required list if it is there, and then shows as missing). */
  remove(name: string): void {
    const e = this.entry(name);
    if (!e) throw new SecretNotFoundError(name, closestNames(name, this.list()));
    const node = e.get("value", true);
    if (isScalar(node)) this.sf.forget(node);
    this.secretsMap()!.delete(name);
    this.index = undefined;
    this.sf.markDirty();
  }

  /** Adds names to the required list (they need not exist yet). */
  require(names: readonly string[]): void {
    let seq = getNode(this.root(), "required") as YAMLSeq | undefined;
    if (!isSeq(seq)) {
      seq = new YAMLSeq();
      seq.flow = true;
      this.insertBeforeSops("required", seq);
    }
    const have = new Set(this.required);
    for (const n of names) {
      checkSecretName(n);
      if (!have.has(n)) {
        seq.items.push(new Scalar(n));
        have.add(n);
        this.sf.markDirty();
      }
    }
  }

  /** Removes names from the required list. */
  unrequire(names: readonly string[]): void {
    const seq = this.root().get("required", true);
    if (!isSeq(seq)) return;
    const drop = new Set(names);
    const before = seq.items.length;
    seq.items = seq.items.filter((i) => !drop.has(scalarText(i)));
    if (seq.items.length !== before) this.sf.markDirty();
  }

  /** Adds a named recipient and wraps the data key for it; other lines of the file stay as they are. */
  async addRecipient(name: string, recipient: string): Promise<void> {
    checkRecipientName(name);
    const kind = checkRecipient(recipient, `recipient ${name}`);
    const existing = this.recipients();
    if (name in existing) throw new ConflictError("E_EXISTS", `a recipient named ${name} already exists`, { hint: `remove it first with \`vaultfile recipients remove ${name}\`` });
    const holder = Object.entries(existing).find(([, k]) => k === recipient);
    if (holder) throw new ConflictError("E_EXISTS", `that key is already a recipient, named ${holder[0]}`);
    if (Object.values(existing).some((k) => recipientKind(k) !== kind)) throw mixedKindsError();
    (getNode(this.root(), "recipients") as YAMLMap).set(name, new Scalar(recipient));
    await this.sf.addRecipient(recipient);
  }

  /**
   * Removes a named recipient, rolls the data key and re-encrypts every value. Returns the names of the secrets
   * the removed holder could read: rotate them at their source.
   */
  async removeRecipient(name: string): Promise<string[]> {
    const rec = this.recipients();
    const key = rec[name];
    if (key === undefined) throw new NotFoundError(`no recipient named ${name}`, { hint: `recipients: ${Object.keys(rec).join(", ")}` });
    if (Object.keys(rec).length === 1) throw new InvalidInputError("E_RECIPIENT", `${name} is the only recipient`, { hint: "add another recipient first, or nobody could open the vault" });
    (getNode(this.root(), "recipients") as YAMLMap).delete(name);
    await this.sf.removeRecipient(key);
    return this.list();
  }

  /** Marks the file as changed so that {@link save} writes it (used to re-seal). */
  touch(): void {
    this.sf.markDirty();
  }

  get isDirty(): boolean {
    return this.sf.isDirty;
  }

  /** The file text as it would be saved now (new `lastmodified`, MAC and seal). */
  toText(): string {
    this.sf.keepMetadataLast();
    return this.sf.serialize(this.clock());
  }

  /**
   * Writes the vault atomically under the lock. Refuses (`E_CONFLICT`) when the file changed on disk since it was
   * opened, so a concurrent edit is never overwritten; use {@link updateVault} to serialise read-modify-write.
   */
  async save(opts: { exclusive?: boolean } = {}): Promise<void> {
    const own = this.lock === undefined;
    const lock = this.lock ?? acquireLock(this.path);
    try {
      if (this.diskText !== undefined) {
        const now = readVaultText(this.path);
        if (now !== this.diskText) throw new ConflictError("E_CONFLICT", `${this.path} changed on disk since it was opened`, { hint: "run the command again" });
      }
      const text = this.toText();
      writeFileAtomic(this.path, text, { exclusive: opts.exclusive ?? this.diskText === undefined });
      this.diskText = text;
    } finally {
      if (own) lock.release();
    }
  }

  /** @internal Used by {@link updateVault}. */
  holdLock(lock: Lock): void {
    this.lock = lock;
  }

  // ---- structure checks ------------------------------------------------------------------------------------------

  private insertBeforeSops(key: string, node: unknown): void {
    this.root().set(key, node);
    this.sf.keepMetadataLast();
  }

  /** Checks the vault's own structure on open; the sops layer has already checked MAC and values. */
  private checkStructure(text: string): void {
    const root = this.root();
    const file = this.path;
    const rules = this.sf.meta.rules;
    if (rules.encryptedRegex !== VAULT_RULES.encryptedRegex) {
      throw new FormatError(`${file} is a sops file but not a vault: it must use encrypted_regex: ^value$`, { hint: "read any sops file with `vaultfile decrypt`" });
    }
    const secrets = root.get("secrets", true);
    if (secrets !== undefined && secrets !== null && !isMap(secrets)) throw new FormatError(`secrets in ${file} must be a mapping`, lineOf(secrets as Scalar, text));
    if (isMap(secrets)) {
      for (const p of (secrets as YAMLMap).items) {
        const name = scalarText(p.key);
        // Positions are computed only for an error: lineOf scans the text.
        const where = () => lineOf((p.key as Scalar) ?? null, text);
        try {
          checkSecretName(name);
        } catch (err) {
          throw new FormatError(`invalid secret name ${JSON.stringify(name)} in ${file}`, { ...where(), cause: err });
        }
        if (!isMap(p.value)) throw new FormatError(`secret ${name} in ${file} must be a mapping with a value`, where());
        const valueNode = (p.value as YAMLMap).get("value", true);
        if (!isScalar(valueNode)) throw new FormatError(`secret ${name} in ${file} has no value`, where());
        const type = this.sf.valueTypeOf(valueNode);
        const isEmpty = valueNode.value === "";
        if (!isEmpty && type !== "str") {
          throw new FormatError(`the value of ${name} in ${file} is ${type ? `of type ${type}` : "not a string"}; vault values must be strings`, lineOf(valueNode, text));
        }
        for (const f of ["created_at", "rotated_at", "expires_at"]) {
          const v = (p.value as YAMLMap).get(f);
          if (v !== undefined && v !== null) {
            try {
              parseDate(String(v), f);
            } catch (err) {
              throw new FormatError(`secrets.${name}.${f} in ${file} is not a valid date`, { ...lineOf(getNode(p.value, f) as Scalar, text), cause: err });
            }
          }
        }
      }
    }
    const required = root.get("required", true);
    if (required !== undefined && required !== null && !isSeq(required)) throw new FormatError(`required in ${file} must be a list of names`, lineOf(required as Scalar, text));
    const rec = root.get("recipients", true);
    if (!isMap(rec)) throw new FormatError(`${file} has no recipients section`, { hint: "a vault names its recipients (`recipients: {alice: age1…}`); read other sops files with `vaultfile decrypt`" });
    const named = this.recipients();
    const kinds = new Set<string>();
    for (const [name, key] of Object.entries(named)) {
      try {
        checkRecipientName(name);
        kinds.add(checkRecipient(key, `recipient ${name}`));
      } catch (err) {
        throw new FormatError(`recipient ${name} in ${file} is invalid`, { cause: err, hint: err instanceof InvalidInputError ? err.hint : undefined });
      }
    }
    if (kinds.size > 1) throw mixedKindsError();
    const listed = new Set(Object.values(named));
    for (const r of this.sf.ageRecipients) {
      if (!listed.has(r)) {
        throw new IntegrityError("E_RECIPIENTS", `sops.age in ${file} wraps the data key for ${r}, which is not a named recipient`, {
          hint: "someone added a key to the sops block by hand; remove that entry (restore from git) or add it with `vaultfile recipients add`",
        });
      }
    }
    const wrapped = new Set(this.sf.ageRecipients);
    for (const [name, key] of Object.entries(named)) {
      if (!wrapped.has(key)) {
        throw new IntegrityError("E_RECIPIENTS", `recipient ${name} in ${file} has no sops.age entry`, { hint: "the sops block was edited; restore the file from git" });
      }
    }
  }
}

interface MetaPlan {
  type?: string;
  description?: string | null;
  expiresAt?: Date | null;
  rotateEvery?: string | null;
  required?: boolean;
}

/** A metadata field as text, or `null` when absent. */
function fieldText(e: YAMLMap, key: string): string | null {
  const v = e.get(key);
  return v === undefined || v === null ? null : String(v);
}

function setField(e: YAMLMap, key: string, value: string, quote: boolean): void {
  const existing = e.get(key, true);
  if (isScalar(existing)) {
    existing.value = value;
    if (quote) existing.type = Scalar.QUOTE_DOUBLE;
    return;
  }
  const s = new Scalar(value);
  if (quote) s.type = Scalar.QUOTE_DOUBLE;
  e.set(key, s);
}

function mixedKindsError(): InvalidInputError {
  return new InvalidInputError("E_RECIPIENT", MIXED_KINDS_MESSAGE, {
    hint: "age refuses to mix them because the classic key would undo the post-quantum protection; use one kind for every recipient",
  });
}

/**
 * Rewrites a no-key / wrong-key error for a person: the file's recipients by name (the `recipients` mapping is clear
 * text), and the public keys of the identities that were tried, so the two lists can be compared.
 */
async function explainKeyError(err: NoIdentityError | WrongKeyError, text: string, path: string, identities: readonly Identity[]): Promise<Error> {
  let named = "";
  try {
    const rec = getNode(parseYaml(text, path).contents, "recipients");
    if (isMap(rec)) {
      named = (rec as YAMLMap).items.map((p) => `${scalarText(p.key)} (${describeRecipient(scalarText(p.value))})`).join(", ");
    }
  } catch {
    return err;
  }
  if (!named) return err;
  const mine: string[] = [];
  let first: string | undefined;
  for (const id of identities) {
    try {
      const r = await recipientOf(id);
      first ??= r;
      mine.push(`${describeRecipient(r)} from ${id.source}`);
    } catch {
      // An identity that cannot be read was reported when it was parsed.
    }
  }
  const yours = mine.length > 0 ? ` Your keys: ${[...new Set(mine)].join(", ")}.` : "";
  const ask = first === undefined ? "" : ` Ask one of them to run \`vaultfile recipients add NAME ${recipientId(first).startsWith("ssh-") ? '"$(cat YOUR_KEY.pub)"' : first}\``;
  const hint = `${err.hint ?? ""}`.replace(/(Recipients of the file|The file is encrypted to): [^.]*\./, `$1: ${named}.`).replace(/ Ask a recipient to run `vaultfile recipients add` for your public key$/, "") + yours + ask;
  const Cls = err instanceof WrongKeyError ? WrongKeyError : NoIdentityError;
  return new Cls(err.message, { hint, cause: err });
}

/** Reads a vault file's text, turning system errors into clear ones. */
export function readVaultText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const e = ioErrorFrom(err, "read", path);
    if ((err as NodeJS.ErrnoException).code === "ENOENT") {
      throw new NotFoundError(`${path} does not exist`, { hint: "create a vault with `vaultfile init`, or point to one with -f FILE or VAULTFILE_FILE" });
    }
    throw e;
  }
}

/** Opens a vault. Finds the age key as the CLI does (see README "Keys"). */
export function openVault(path: string, opts: VaultOptions = {}): Promise<Vault> {
  return Vault.open(path, opts);
}

/**
 * Read-modify-write under the vault's lock: opens, runs `fn`, saves when something changed, releases. Concurrent
 * callers on the same file are serialised, so none of their changes is lost.
 */
export async function updateVault<T>(path: string, opts: VaultOptions, fn: (vault: Vault) => T | Promise<T>): Promise<T> {
  const lock = acquireLock(path);
  try {
    const vault = await Vault.open(path, opts);
    vault.holdLock(lock);
    const result = await fn(vault);
    if (vault.isDirty) await vault.save();
    return result;
  } finally {
    lock.release();
  }
}
