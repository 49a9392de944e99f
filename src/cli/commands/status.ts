/** `vaultfile status`: the expiry report, most urgent first. */
import { MAX_WARN_DAYS } from "../../rules/limits.js";
import { shown } from "../../rules/text-safety.js";
import { ExitCode, UsageError, type ExitCodeValue } from "../../errors.js";
import { formatTimestamp, type ExpiryStatus } from "../../vault/policy.js";
import type { ExpiryEntry, Vault } from "../../vault/vault.js";
import { out, say, type CommandContext } from "../context.js";
import { painter, table, type Painter } from "../output.js";
import { readVault } from "../vault-access.js";
import { TypeCatalogue } from "../../types/catalogue.js";
import { statusText } from "../../export/report.js";

export interface StatusRow {
  name: string;
  type: string | null;
  expiresAt: string | null;
  daysUntilExpiry: number | null;
  status: ExpiryStatus;
  /** Where to rotate it (from its type), present only for expired, expiring and due secrets whose type says. */
  rotateAt?: string;
}

const NEEDS_ROTATION = new Set<ExpiryStatus>(["expired", "expiring", "due"]);

/** The vault's types; a malformed custom type (reported by `validate`) must not stop the report. */
function catalogueOf(vault: Vault): TypeCatalogue {
  try {
    return vault.typeCatalogue();
  } catch {
    return TypeCatalogue.builtin();
  }
}

const URGENCY: Record<ExpiryStatus, number> = { missing: 0, expired: 1, expiring: 2, due: 3, ok: 4 };

/** The report as rows sorted by urgency, then by days left, then by name. */
export function statusRows(vault: Vault, warnDays: number): StatusRow[] {
  const report = vault.expiryReport({ warnDays });
  const types = new Map(vault.secrets().map((s) => [s.name, s.type]));
  const catalogue = catalogueOf(vault);
  const whereToRotate = (name: string, type: string | undefined, status: ExpiryStatus) => {
    const at = type !== undefined && NEEDS_ROTATION.has(status) ? catalogue.rotationOf(name, type).rotateAt : undefined;
    return at ? { rotateAt: at } : {};
  };
  return Object.entries(report)
    .map(([name, e]: [string, ExpiryEntry]): StatusRow => ({ name, type: types.get(name) ?? null, expiresAt: e.expiresAt ? formatTimestamp(e.expiresAt) : null, daysUntilExpiry: e.daysUntilExpiry, status: e.status, ...whereToRotate(name, types.get(name), e.status) }))
    .sort((a, b) => URGENCY[a.status] - URGENCY[b.status] || (a.daysUntilExpiry ?? Infinity) - (b.daysUntilExpiry ?? Infinity) || a.name.localeCompare(b.name));
}

export function statusLabel(row: StatusRow, p: Painter): string {
  const text = statusText(row);
  return row.status === "missing" || row.status === "expired" ? p.red(text) : row.status === "ok" ? p.green(text) : p.yellow(text);
}

export async function status(ctx: CommandContext, opts: { warnDays: string; decrypt?: boolean }): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const warnDays = parseWarnDays(opts.warnDays);
  const vault = await readVault(g, io, { warnDays }, opts.decrypt === false ? "always" : "fallback");
  const rows = statusRows(vault, warnDays);
  if (g.json) {
    out(io, JSON.stringify(rows.map((r) => ({ ...r, verified: vault.verified })), null, 2));
    return ExitCode.ok;
  }
  const p = painter(g.color);
  if (rows.length === 0) {
    say(io, "no secrets yet; add one with `vaultfile set NAME`");
    return ExitCode.ok;
  }
  const header = ["NAME", "TYPE", "EXPIRES", "DAYS LEFT", "STATUS"].map(p.bold);
  const body = rows.map((r) => [shown(r.name), shown(r.type ?? "-"), r.expiresAt?.slice(0, 10) ?? (r.status === "missing" ? "-" : "never"), r.daysUntilExpiry === null ? "-" : String(r.daysUntilExpiry), statusLabel(r, p)]);
  for (const line of table([header, ...body])) say(io, line);
  const guidance = rows.filter((r) => r.rotateAt !== undefined);
  if (guidance.length > 0) {
    say(io);
    say(io, "where to rotate:");
    for (const line of table(guidance.map((r) => [shown(r.name), shown(r.rotateAt!)]))) say(io, `  ${line}`);
  }
  return ExitCode.ok;
}

/** Parses `--warn-days`. */
export function parseWarnDays(text: string): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < 0) {
    throw new UsageError(`--warn-days must be a whole number of days, not ${JSON.stringify(text.slice(0, 40))}`);
  }
  if (n > MAX_WARN_DAYS) throw new UsageError(`--warn-days ${n} is more than the limit of ${MAX_WARN_DAYS} (100 years)`);
  return n;
}
