/**
 * Lifecycle rules, pure: the expiry status of a secret and whether it is due for rotation. The clock is always passed in.
 */
import { addDuration, daysUntil, type Duration } from "../rules/time.js";

/** "Expiring soon" means fewer than this many days left, unless configured. */
export const DEFAULT_WARN_DAYS = 30;

export type ExpiryStatus = "ok" | "expiring" | "expired" | "due" | "missing";

export interface LifecycleFacts {
  expiresAt: Date | null;
  rotatedAt: Date | null;
  rotateEvery: Duration | null;
}

/**
 * The status of one present secret: expired beats expiring beats due. Expiring means fewer than `warnDays` days
 * left, counted as {@link daysUntil} shows them.
 */
export function statusOf(f: LifecycleFacts, now: Date, warnDays = DEFAULT_WARN_DAYS): Exclude<ExpiryStatus, "missing"> {
  if (f.expiresAt) {
    if (f.expiresAt.getTime() < now.getTime()) return "expired";
    if (daysUntil(f.expiresAt, now) < warnDays) return "expiring";
  }
  if (isDue(f, now)) return "due";
  return "ok";
}

/** Due for rotation when `rotate_every` has passed since the last rotation. */
export function isDue(f: LifecycleFacts, now: Date): boolean {
  return f.rotateEvery !== null && f.rotatedAt !== null && addDuration(f.rotatedAt, f.rotateEvery).getTime() <= now.getTime();
}

