/** The `--json` form of a secret's metadata in `get`, `set` and `rotate`. */
import { formatTimestamp } from "../rules/time.js";
import type { Secret } from "../vault/vault.js";

/**
 * `secret.toJSON()` (never the value) with its times written as the file and `status --json` write them
 * (`2027-06-01T00:00:00Z`), not as `Date` serialises itself (with milliseconds).
 */
export function secretJson(secret: Secret): Record<string, unknown> {
  const time = (d: Date | null): string | null => (d ? formatTimestamp(d) : null);
  return {
    ...secret.toJSON(),
    createdAt: time(secret.createdAt),
    rotatedAt: time(secret.rotatedAt),
    expiresAt: time(secret.expiresAt),
  };
}
