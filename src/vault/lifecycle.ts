/**
 * Lifecycle rules, pure: the expiry status of a secret and whether it is due for rotation. The clock is always passed in.
 */
import { addDuration, daysUntil, type Duration } from "../rules/time.js";

/** "Expiring soon" means fewer than this many days left, unless configured. */
export const DEFAULT_WARN_DAYS = 30;

export type ExpiryStatus = "ok" | "expiring" | "expired" | "exposed" | "due" | "missing";

export interface LifecycleFacts {
  expiresAt: Date | null;
  rotatedAt: Date | null;
  rotateEvery: Duration | null;
  /** Removed recipients who could read the current value. */
  exposedTo?: readonly unknown[];
}

/**
 * The status of one present secret: expired beats exposed (a removed recipient could read it) beats expiring beats
 * due. Expiring means fewer than `warnDays` days left, counted as {@link daysUntil} shows them.
 */
export function statusOf(f: LifecycleFacts, now: Date, warnDays = DEFAULT_WARN_DAYS): Exclude<ExpiryStatus, "missing"> {
  const expiry = expiryState(f, now, warnDays);
  if (expiry === "expired") return expiry;
  if (f.exposedTo !== undefined && f.exposedTo.length > 0) return "exposed";
  if (expiry !== undefined) return expiry;
  if (isDue(f, now)) return "due";
  return "ok";
}

/** Whether the expiry has passed or comes within `warnDays`; `undefined` otherwise (or without expiry). */
export function expiryState(
  f: Pick<LifecycleFacts, "expiresAt">,
  now: Date,
  warnDays = DEFAULT_WARN_DAYS,
): "expired" | "expiring" | undefined {
  if (!f.expiresAt) return undefined;
  if (isExpired(f, now)) return "expired";
  return daysUntil(f.expiresAt, now) < warnDays ? "expiring" : undefined;
}

/** True once the expiry time has passed. */
export function isExpired(f: Pick<LifecycleFacts, "expiresAt">, now: Date): boolean {
  return f.expiresAt !== null && f.expiresAt.getTime() < now.getTime();
}

/** Due for rotation when `rotate_every` has passed since the last rotation. */
export function isDue(f: LifecycleFacts, now: Date): boolean {
  return (
    f.rotateEvery !== null && f.rotatedAt !== null && addDuration(f.rotatedAt, f.rotateEvery).getTime() <= now.getTime()
  );
}

/** What leaves the vault for an environment: name → value, and the expired secrets among those asked for. */
export interface ExportSelection {
  env: Record<string, string>;
  /** Expired secrets asked for: handed out anyway, or (with `excludeExpired`) left out. In the order asked. */
  expired: { name: string; expiresAt: Date | null }[];
}

/** Selects for export (each secret read once by the caller): expired ones are left out with `excludeExpired`. */
export function selectForExport(
  secrets: readonly (LifecycleFacts & { name: string; value: string })[],
  now: Date,
  excludeExpired: boolean,
): ExportSelection {
  // No prototype: a secret may be named __proto__ (a valid environment variable name).
  const env: Record<string, string> = Object.create(null) as Record<string, string>;
  const expired: ExportSelection["expired"] = [];
  for (const s of secrets) {
    if (isExpired(s, now)) {
      expired.push(s);
      if (excludeExpired) continue;
    }
    env[s.name] = s.value;
  }
  return { env, expired };
}
