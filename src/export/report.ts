/**
 * The expiry report as the writers below take it: one row per secret (or missing required name), names and
 * metadata only, never a value. `vaultfile status` builds these rows; the Markdown table (job summary) and the
 * iCalendar feed print them.
 */

/** A secret's lifecycle status, as `vaultfile status --json` spells it. */
export type ReportStatus = "ok" | "expiring" | "expired" | "due" | "missing";

export interface ReportRow {
  name: string;
  type: string | null;
  /** RFC 3339, or `null` without an expiry. */
  expiresAt: string | null;
  daysUntilExpiry: number | null;
  status: ReportStatus;
  /** Where to rotate it (from its type), for expired, expiring and due secrets whose type says. */
  rotateAt?: string | undefined;
}

/** The status as the table prints it: `OK`, `EXPIRING in 3 days` (`today`), `EXPIRED`, `DUE for rotation`, `MISSING`. */
export function statusText(row: Pick<ReportRow, "status" | "daysUntilExpiry">): string {
  switch (row.status) {
    case "missing":
      return "MISSING";
    case "expired":
      return "EXPIRED";
    case "expiring": {
      const n = row.daysUntilExpiry ?? 0;
      return n === 0 ? "EXPIRING today" : `EXPIRING in ${n} day${n === 1 ? "" : "s"}`;
    }
    case "due":
      return "DUE for rotation";
    case "ok":
      return "OK";
  }
}

/** The expiry column: the day, `never` without an expiry, `-` for a missing name. */
export function expiresText(row: Pick<ReportRow, "expiresAt" | "status">): string {
  return row.expiresAt?.slice(0, 10) ?? (row.status === "missing" ? "-" : "never");
}
