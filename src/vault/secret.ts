/** One secret as read from the vault: its value, type, description, dates and rotation policy. */
import type { Scalar, YAMLMap } from "yaml";
import { FormatError, NoIdentityError } from "../errors.js";
import { getNode, lineOf } from "../format/yaml-tree.js";
import { daysUntil, parseDate, parseDuration, type Duration } from "../rules/time.js";
import { DEFAULT_WARN_DAYS, isDue, isExpired, statusOf, type ExpiryStatus } from "./lifecycle.js";
import { readExposure, type Exposure } from "./exposure.js";
import { fieldText } from "./metadata.js";
import { DEFAULT_TYPE } from "./schema.js";

/** One secret, read from the vault. Holds its plaintext value: do not log it. */
export class Secret {
  readonly #value: string | undefined;

  /** @internal Secrets are read from a vault (`vault.get(name)`), not constructed. */
  constructor(
    /** The name (an environment variable name). */
    readonly name: string,
    /** `undefined` for a vault opened without a key ({@link Vault.openMetadata}). */
    value: string | undefined,
    /** The type (`generic` when none was given). */
    readonly type: string,
    readonly description: string | null,
    readonly createdAt: Date | null,
    /** The last rotation (the creation when never rotated). */
    readonly rotatedAt: Date | null,
    readonly expiresAt: Date | null,
    /** The rotation policy, e.g. `{ amount: 90, unit: "d", text: "90d" }`. */
    readonly rotateEvery: Duration | null,
    private readonly clock: () => Date,
    /** Removed recipients who could read the current value (cleared when the value changes). */
    readonly exposedTo: readonly Exposure[] = [],
  ) {
    this.#value = value;
  }

  /**
   * The plaintext.
   * @throws NoIdentityError when the vault was opened without a key.
   */
  get value(): string {
    if (this.#value === undefined)
      throw new NoIdentityError(`the value of ${this.name} is not available: the vault was opened without a key`, {
        hint: "set VAULTFILE_AGE_KEY or pass --identity to read values",
      });
    return this.#value;
  }

  /** False when the vault was opened without a key: only the metadata is known. */
  get hasValue(): boolean {
    return this.#value !== undefined;
  }

  /** True while a removed recipient could still read the current value. */
  isExposed(): boolean {
    return this.exposedTo.length > 0;
  }

  /** True once the expiry time has passed. */
  isExpired(now: Date = this.clock()): boolean {
    return isExpired(this, now);
  }

  /** Whole days until expiry (negative once expired), `null` without expiry. */
  daysUntilExpiry(now: Date = this.clock()): number | null {
    return this.expiresAt === null ? null : daysUntil(this.expiresAt, now);
  }

  /** True when `rotate_every` has passed since the last rotation. */
  isDue(now: Date = this.clock()): boolean {
    return isDue(this, now);
  }

  /** `expired` beats `expiring` (fewer than `warnDays` days left) beats `due` (past `rotate_every`) beats `ok`. */
  status(now: Date = this.clock(), warnDays = DEFAULT_WARN_DAYS): Exclude<ExpiryStatus, "missing"> {
    return statusOf(this, now, warnDays);
  }

  /** Never reveal the value by accident (console.log, JSON.stringify, template strings). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      type: this.type,
      description: this.description,
      createdAt: this.createdAt,
      rotatedAt: this.rotatedAt,
      expiresAt: this.expiresAt,
      rotateEvery: this.rotateEvery?.text ?? null,
      exposedTo: this.exposedTo,
    };
  }
  toString(): string {
    return `Secret(${this.name})`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * Reads a secret from its entry node and decrypted value.
 * @throws FormatError when a date or the rotation period in the entry does not parse.
 */
export function readSecret(
  e: YAMLMap,
  name: string,
  value: string | undefined,
  file: string,
  clock: () => Date,
): Secret {
  const date = (k: string): Date | null => {
    const v = fieldText(e, k);
    if (v === null) return null;
    try {
      return parseDate(v, `${k} of ${name}`);
    } catch (err) {
      throw new FormatError(`secrets.${name}.${k} in ${file} is not a valid date`, {
        ...lineOf(getNode(e, k) as Scalar, ""),
        cause: err,
      });
    }
  };
  const every = fieldText(e, "rotate_every");
  let rotateEvery: Duration | null = null;
  if (every !== null) {
    try {
      rotateEvery = parseDuration(every, `rotate_every of ${name}`);
    } catch (err) {
      throw new FormatError(`secrets.${name}.rotate_every in ${file} is not a valid duration`, { cause: err });
    }
  }
  return new Secret(
    name,
    value,
    fieldText(e, "type") ?? DEFAULT_TYPE,
    fieldText(e, "description"),
    date("created_at"),
    date("rotated_at") ?? date("created_at"),
    date("expires_at"),
    rotateEvery,
    clock,
    readExposure(e, name, file),
  );
}
