/** The expiry options shared by `set` and `rotate`, and how their outcome is described. */
import { UsageError } from "../errors.js";
import { formatDay } from "../rules/time.js";
import type { Secret } from "../vault/vault.js";

export interface ExpiryOptions {
  expiresAt?: string | undefined;
  expiresIn?: string | undefined;
}

/** The library's expiry fields; both flags at once is a usage error. */
export function expiryFrom(opts: ExpiryOptions): { expiresAt?: string; expiresIn?: string } {
  if (opts.expiresAt !== undefined && opts.expiresIn !== undefined) {
    throw new UsageError("--expires-at and --expires-in cannot be combined", {
      hint: "give either a date or a duration",
    });
  }
  return {
    ...(opts.expiresAt !== undefined ? { expiresAt: opts.expiresAt } : {}),
    ...(opts.expiresIn !== undefined ? { expiresIn: opts.expiresIn } : {}),
  };
}

/** `expires 2027-06-01` or `no expiry`, for the one-line summaries on stderr. */
export function describeExpiry(s: Secret): string {
  return s.expiresAt ? `expires ${formatDay(s.expiresAt)}` : "no expiry";
}
