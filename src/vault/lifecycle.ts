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
export function expiryState(f: Pick<LifecycleFacts, "expiresAt">, now: Date, warnDays = DEFAULT_WARN_DAYS): "expired" | "expiring" | undefined {
  if (!f.expiresAt) return undefined;
  if (f.expiresAt.getTime() < now.getTime()) return "expired";
  return daysUntil(f.expiresAt, now) < warnDays ? "expiring" : undefined;
}

/** Due for rotation when `rotate_every` has passed since the last rotation. */
export function isDue(f: LifecycleFacts, now: Date): boolean {
  return f.rotateEvery !== null && f.rotatedAt !== null && addDuration(f.rotatedAt, f.rotateEvery).getTime() <= now.getTime();
}

