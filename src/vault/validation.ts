/**
 * The validation verdict of a vault, computed once here for every front end (`validate`, `status`, the library):
 * missing required names, expired / expiring / due secrets, type findings, and whether it all passes.
 */
import type { TypeCatalogue } from "../types/catalogue.js";
import { typeFindings, type TypeFindings } from "../types/findings.js";
import { expiryState, type ExpiryStatus } from "./lifecycle.js";
import type { Secret } from "./secret.js";

/** The expiry of one name in {@link Vault.expiryReport}. */
export interface ExpiryEntry {
  /** Whole days left, negative once expired, `null` without expiry (or for a missing required secret). */
  daysUntilExpiry: number | null;
  expiresAt: Date | null;
  status: ExpiryStatus;
}

/** Options of {@link Vault.validate}. */
export interface ValidateOptions {
  /** Days below which a secret counts as expiring soon (default: the vault's `warnDays`). */
  warnDays?: number;
  /**
   * Strict mode (`vaultfile validate --strict`): secrets expiring soon, values that do not match their type and
   * missing companions fail too.
   */
  strict?: boolean;
  /** Only the type findings (format, companions) fail, not expiring secrets. Implied by `strict`. */
  strictTypes?: boolean;
}

/** What {@link Vault.validate} found, and the verdict. */
export interface ValidationResult extends TypeFindings {
  /**
   * The verdict: false when a required secret is missing or one expired; with `strict`, also when one expires
   * soon or on a format or companion finding (with `strictTypes`, on those findings only).
   */
  allValid: boolean;
  /** Whether the verdict was computed in strict mode. */
  strict: boolean;
  /** Required names with no entry. */
  missing: string[];
  expired: string[];
  expiringSoon: string[];
  /** Past their `rotate_every`: reported, never a failure. */
  due: string[];
  /** Readable by a removed recipient until rotated (whatever their expiry): a warning, a failure with `strict`. */
  exposed: string[];
}

/** The verdict over secrets already read (each read once). */
export function validateSecrets(
  secrets: readonly Secret[],
  required: readonly string[],
  catalogue: TypeCatalogue,
  now: Date,
  warnDays: number,
  opts: ValidateOptions = {},
): ValidationResult {
  const strict = opts.strict === true;
  const present = new Set(secrets.map((s) => s.name));
  const missing = required.filter((n) => !present.has(n));
  const expired: string[] = [];
  const expiringSoon: string[] = [];
  const due: string[] = [];
  const exposed: string[] = [];
  for (const s of secrets) {
    if (s.isExposed()) exposed.push(s.name);
    const st = expiryState(s, now, warnDays);
    if (st === "expired") expired.push(s.name);
    else if (st === "expiring") expiringSoon.push(s.name);
    if (s.isDue(now)) due.push(s.name);
  }
  const types = typeFindings(secrets, catalogue);
  // An unknown type is only a label nobody declared: reported, never a failure.
  const typesOk =
    !(strict || opts.strictTypes) || (types.invalidFormat.length === 0 && types.companionsMissing.length === 0);
  const expiryOk = !strict || (expiringSoon.length === 0 && exposed.length === 0);
  return {
    allValid: missing.length === 0 && expired.length === 0 && typesOk && expiryOk,
    strict,
    missing,
    expired,
    expiringSoon,
    due,
    exposed,
    ...types,
  };
}

/** Per secret: days until expiry, the expiry date and a status; required-but-absent names appear as `missing`. */
export function expiryReport(
  secrets: readonly Secret[],
  required: readonly string[],
  now: Date,
  warnDays: number,
): Record<string, ExpiryEntry> {
  const out: Record<string, ExpiryEntry> = Object.create(null) as Record<string, ExpiryEntry>;
  for (const s of secrets)
    out[s.name] = { daysUntilExpiry: s.daysUntilExpiry(now), expiresAt: s.expiresAt, status: s.status(now, warnDays) };
  for (const n of required) if (!(n in out)) out[n] = { daysUntilExpiry: null, expiresAt: null, status: "missing" };
  return out;
}
