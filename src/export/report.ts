/**
 * The expiry report as the writers below take it: one row per secret (or missing required name), names and
 * metadata only, never a value. `vaultfile status` builds these rows; the Markdown table (job summary) and the
 * iCalendar feed print them.
 */

/** A secret's lifecycle status, as `vaultfile status --json` spells it. */
export type ReportStatus = "ok" | "expiring" | "expired" | "exposed" | "due" | "missing";

export interface ReportRow {
  name: string;
  type: string | null;
  /** RFC 3339, or `null` without an expiry. */
  expiresAt: string | null;
  daysUntilExpiry: number | null;
  status: ReportStatus;
  /** Where to rotate it (from its type), for expired, expiring and due secrets whose type says. */
  rotateAt?: string | undefined;
  /** Removed recipients who could read the current value (RFC 3339 removal times); only on exposed secrets. */
  exposedTo?: { recipient: string; removedAt: string }[] | undefined;
}

/** The status as the table prints it: `OK`, `EXPIRING in 3 days` (`today`), `EXPIRED`, `EXPOSED (bob removed …)`, `DUE for rotation`, `MISSING`. */
export function statusText(row: Pick<ReportRow, "status" | "daysUntilExpiry" | "exposedTo">): string {
  switch (row.status) {
    case "missing":
      return "MISSING";
    case "expired":
      return "EXPIRED";
    case "exposed":
      return `EXPOSED (${exposedText(row.exposedTo ?? [])})`;
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

/** Who could read a secret's current value: `bob removed 2026-12-01, carol removed 2026-12-03`, oldest first. */
export function exposedText(exposedTo: readonly { recipient: string; removedAt: string }[]): string {
  return [...exposedTo]
    .sort((a, b) => a.removedAt.localeCompare(b.removedAt))
    .map((x) => `${x.recipient} removed ${x.removedAt.slice(0, 10)}`)
    .join(", ");
}
