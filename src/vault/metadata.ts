/**
 * A secret's metadata fields (type, description, expiry, rotation policy): options are checked into a plan before
 * the document is touched, so a bad option leaves the vault exactly as it was, then applied to the entry's node.
 */
import { yamlWrite } from "../format/yaml-load.js";
import type { YAMLMap } from "yaml";
import { InvalidInputError } from "../errors.js";
import { isScalar } from "../format/yaml-tree.js";
import { checkSecretName, checkTypeName } from "../rules/names.js";
import { addDuration, formatTimestamp, isNever, parseDate, parseDuration } from "../rules/time.js";

/** Metadata of {@link Vault.set} and {@link Vault.update}; fields left `undefined` keep their value. */
export interface SetOptions {
  /** The secret's type (a lower-case word such as `pypi`); checked with `checkTypeName`. */
  type?: string | undefined;
  /** A one-line description; `null` or `""` removes it. */
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

/** Checked metadata changes; `null` removes a field. */
export interface MetaPlan {
  type?: string;
  description?: string | null;
  expiresAt?: Date | null;
  rotateEvery?: string | null;
  required?: boolean;
}

/**
 * Checks metadata options into a plan without touching the document.
 * @throws InvalidInputError for a bad type, date, duration, an expiry before the creation, or both expiry forms.
 */
export function planMeta(name: string, opts: SetOptions, now: Date, createdAt: string | null): MetaPlan {
  const plan: MetaPlan = {};
  if (opts.type !== undefined) {
    checkTypeName(opts.type);
    plan.type = opts.type;
  }
  if (opts.description !== undefined) plan.description = opts.description === "" ? null : opts.description;
  if (opts.expiresAt !== undefined && opts.expiresIn !== undefined)
    throw new InvalidInputError("E_DATE", "give either an expiry date or a duration, not both");
  let expires: Date | null | undefined;
  if (opts.expiresIn !== undefined) expires = addDuration(now, parseDuration(opts.expiresIn, "expiry duration"));
  else if (opts.expiresAt === null || (typeof opts.expiresAt === "string" && isNever(opts.expiresAt))) expires = null;
  else if (opts.expiresAt !== undefined)
    expires = opts.expiresAt instanceof Date ? opts.expiresAt : parseDate(opts.expiresAt, "expiry date");
  if (expires) {
    if (Number.isNaN(expires.getTime())) throw new InvalidInputError("E_DATE", `invalid expiry date for ${name}`);
    if (createdAt !== null && expires.getTime() < parseDate(createdAt).getTime()) {
      throw new InvalidInputError(
        "E_DATE",
        `the expiry of ${name} (${formatTimestamp(expires)}) is before its creation (${createdAt})`,
        { hint: "check the date; an expiry must come after the secret was created" },
      );
    }
  }
  if (expires !== undefined) plan.expiresAt = expires;
  if (opts.rotateEvery !== undefined)
    plan.rotateEvery =
      opts.rotateEvery === null || isNever(opts.rotateEvery)
        ? null
        : parseDuration(opts.rotateEvery, "rotation period").text;
  if (opts.required) {
    checkSecretName(name);
    plan.required = true;
  }
  return plan;
}

/** Writes a plan's field changes into an entry (the `required` flag is the caller's, it lives in another section). */
export function applyMeta(e: YAMLMap, plan: MetaPlan): void {
  if (plan.type !== undefined) setField(e, "type", plan.type, false);
  if (plan.description === null) e.delete("description");
  else if (plan.description !== undefined) setField(e, "description", plan.description, false);
  if (plan.expiresAt === null) e.delete("expires_at");
  else if (plan.expiresAt !== undefined) setField(e, "expires_at", formatTimestamp(plan.expiresAt), true);
  if (plan.rotateEvery === null) e.delete("rotate_every");
  else if (plan.rotateEvery !== undefined) setField(e, "rotate_every", plan.rotateEvery, false);
}

/** A metadata field as text, or `null` when absent. */
export function fieldText(e: YAMLMap, key: string): string | null {
  const v = e.get(key);
  return v === undefined || v === null ? null : String(v);
}

/** Sets a clear-text field, keeping its node (and so its comments); `quote` writes it double-quoted (timestamps). */
export function setField(e: YAMLMap, key: string, value: string, quote: boolean): void {
  const existing = e.get(key, true);
  if (isScalar(existing)) {
    existing.value = value;
    if (quote) existing.type = "QUOTE_DOUBLE";
    return;
  }
  e.set(key, quote ? yamlWrite().doubleQuoted(value) : new (yamlWrite().Scalar)(value));
}

/** A new secret's entry: an empty value (encrypted next), its type and description, created and rotated now. */
export function newEntry(stamp: string, type: string, description: string | null | undefined): YAMLMap {
  const e = new (yamlWrite().YAMLMap)();
  e.set("value", new (yamlWrite().Scalar)(""));
  setField(e, "type", type, false);
  if (description) setField(e, "description", description, false);
  setField(e, "created_at", stamp, true);
  setField(e, "rotated_at", stamp, true);
  return e;
}

/**
 * The metadata options of a rotation: `expires_at` renewed from `rotate_every` when the secret has a policy, unless
 * the caller gave an expiry.
 */
export function rotationOptions(e: YAMLMap, opts: Pick<SetOptions, "expiresAt" | "expiresIn">): SetOptions {
  const every = fieldText(e, "rotate_every");
  const meta: SetOptions = { ...opts };
  if (meta.expiresAt === undefined && meta.expiresIn === undefined && every !== null) meta.expiresIn = every;
  return meta;
}

/** A rotation to the value already stored would stamp `rotated_at` on a credential that never changed. */
export function unchangedRotation(name: string): InvalidInputError {
  return new InvalidInputError("E_VALUE", `the new value of ${name} is the same as the old one; nothing was changed`, {
    hint: "create a new credential at its source first, then rotate to it",
  });
}
