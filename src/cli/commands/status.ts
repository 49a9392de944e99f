/**
 * `vaultfile status`: the expiry report, most urgent first, as a table, JSON, a Markdown table (`--format markdown`)
 * or an iCalendar feed of the expiry and rotation dates (`--format ics`). Under GitHub Actions the table is also
 * appended to the job summary.
 */
import { existsSync } from "node:fs";
import { basename, dirname, relative } from "node:path";
import { MAX_WARN_DAYS } from "../../rules/limits.js";
import { shown } from "../../rules/text-safety.js";
import { ExitCode, UsageError, type ExitCodeValue } from "../../errors.js";
import type { StatusFormat } from "../../export/formats.js";
import { toIcs, type CalendarSecret } from "../../export/ics.js";
import { toMarkdownTable } from "../../export/markdown.js";
import { expiresText, statusText } from "../../export/report.js";
import { addDuration, formatTimestamp } from "../../rules/time.js";
import type { ExpiryStatus } from "../../vault/lifecycle.js";
import type { ExpiryEntry, Vault } from "../../vault/vault.js";
import { out, say, type CommandContext } from "../context.js";
import { appendJobSummary } from "../job-summary.js";
import { painter, table, type Painter } from "../output.js";
import { readVault } from "../vault-access.js";
import { TypeCatalogue } from "../../types/catalogue.js";

export interface StatusOptions {
  warnDays: string;
  /** `--no-decrypt`: read the metadata without trying a key. */
  decrypt?: boolean | undefined;
  format?: StatusFormat | undefined;
}

export interface StatusRow {
  name: string;
  type: string | null;
  expiresAt: string | null;
  daysUntilExpiry: number | null;
  status: ExpiryStatus;
  /** Where to rotate it (from its type), present only for expired, exposed, expiring and due secrets whose type says. */
  rotateAt?: string;
  /** Removed recipients who could read the current value (RFC 3339 removal times); only on exposed secrets. */
  exposedTo?: { recipient: string; removedAt: string }[];
}

const NEEDS_ROTATION = new Set<ExpiryStatus>(["expired", "exposed", "expiring", "due"]);

/** The vault's types; a malformed custom type (reported by `validate`) must not stop the report. */
function catalogueOf(vault: Vault): TypeCatalogue {
  try {
    return vault.typeCatalogue();
  } catch {
    return TypeCatalogue.builtin();
  }
}

const URGENCY: Record<ExpiryStatus, number> = { missing: 0, expired: 1, exposed: 2, expiring: 3, due: 4, ok: 5 };

/** The report as rows sorted by urgency, then by days left, then by name. */
export function statusRows(vault: Vault, warnDays: number): StatusRow[] {
  const report = vault.expiryReport({ warnDays });
  const secrets = new Map(vault.secrets().map((s) => [s.name, s]));
  const types = new Map([...secrets.values()].map((s) => [s.name, s.type]));
  const exposure = (name: string) => {
    const x = secrets.get(name)?.exposedTo ?? [];
    return x.length > 0
      ? { exposedTo: x.map((e) => ({ recipient: e.recipient, removedAt: formatTimestamp(e.removedAt) })) }
      : {};
  };
  const catalogue = catalogueOf(vault);
  const whereToRotate = (name: string, type: string | undefined, status: ExpiryStatus) => {
    const at = type !== undefined && NEEDS_ROTATION.has(status) ? catalogue.rotationOf(name, type).rotateAt : undefined;
    return at ? { rotateAt: at } : {};
  };
  return Object.entries(report)
    .map(
      ([name, e]: [string, ExpiryEntry]): StatusRow => ({
        name,
        type: types.get(name) ?? null,
        expiresAt: e.expiresAt ? formatTimestamp(e.expiresAt) : null,
        daysUntilExpiry: e.daysUntilExpiry,
        status: e.status,
        ...whereToRotate(name, types.get(name), e.status),
        ...exposure(name),
      }),
    )
    .sort(
      (a, b) =>
        URGENCY[a.status] - URGENCY[b.status] ||
        (a.daysUntilExpiry ?? Infinity) - (b.daysUntilExpiry ?? Infinity) ||
        a.name.localeCompare(b.name),
    );
}

export function statusLabel(row: StatusRow, p: Painter): string {
  const text = statusText(row);
  return row.status === "missing" || row.status === "expired" || row.status === "exposed"
    ? p.red(text)
    : row.status === "ok"
      ? p.green(text)
      : p.yellow(text);
}

export async function status(ctx: CommandContext, opts: StatusOptions): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const warnDays = parseWarnDays(opts.warnDays);
  if (g.json && opts.format !== undefined && opts.format !== "json" && opts.format !== "table") {
    throw new UsageError(`--json and --format ${opts.format} ask for different outputs`, { hint: "use one of them" });
  }
  const format: StatusFormat = g.json ? "json" : (opts.format ?? "table");
  const vault = await readVault(g, io, { warnDays }, opts.decrypt === false ? "always" : "fallback");
  const rows = statusRows(vault, warnDays);
  // The job summary gets the table, unless stdout already is that table (markdown) or a calendar.
  if (format === "table" || format === "json") appendJobSummary(io, g, rows);
  switch (format) {
    case "json":
      out(
        io,
        JSON.stringify(
          rows.map((r) => ({ ...r, verified: vault.verified })),
          null,
          2,
        ),
      );
      return ExitCode.ok;
    case "markdown":
      io.stdout.write(toMarkdownTable(rows));
      return ExitCode.ok;
    case "ics":
      io.stdout.write(toIcs(calendarOf(vault), { now: vault.now, scope: calendarScope(g.file) }));
      return ExitCode.ok;
    case "table":
      break;
  }
  const p = painter(g.color);
  if (rows.length === 0) {
    say(io, "no secrets yet; add one with `vaultfile set NAME`");
    return ExitCode.ok;
  }
  const header = ["NAME", "TYPE", "EXPIRES", "DAYS LEFT", "STATUS"].map(p.bold);
  const body = rows.map((r) => [
    shown(r.name),
    shown(r.type ?? "-"),
    expiresText(r),
    r.daysUntilExpiry === null ? "-" : String(r.daysUntilExpiry),
    statusLabel(r, p),
  ]);
  for (const line of table([header, ...body])) say(io, line);
  const guidance = rows.filter((r) => r.rotateAt !== undefined);
  if (guidance.length > 0) {
    say(io);
    say(io, "where to rotate:");
    for (const line of table(guidance.map((r) => [shown(r.name), shown(r.rotateAt!)]))) say(io, `  ${line}`);
  }
  return ExitCode.ok;
}

/** Each secret's expiry and rotation due date (`rotated_at` + `rotate_every`), and where to rotate it. */
export function calendarOf(vault: Vault): CalendarSecret[] {
  const catalogue = catalogueOf(vault);
  return vault.secrets().map((s) => ({
    name: s.name,
    type: s.type ?? null,
    expiresAt: s.expiresAt,
    rotationDueAt: s.rotatedAt && s.rotateEvery ? addDuration(s.rotatedAt, s.rotateEvery) : null,
    rotateAt: s.type ? (catalogue.get(s.type)?.rotateAt ?? null) : null,
  }));
}

/**
 * What makes the calendar's UIDs stable across clones and working folders: the vault's path inside its git
 * repository (the nearest folder above it with a `.git`), else its file name.
 */
export function calendarScope(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(`${dir}/.git`)) return relative(dir, file);
    if (dirname(dir) === dir) return basename(file);
  }
}

/** Parses `--warn-days`. */
export function parseWarnDays(text: string): number {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(n) || n < 0) {
    throw new UsageError(`--warn-days must be a whole number of days, not ${JSON.stringify(text.slice(0, 40))}`);
  }
  if (n > MAX_WARN_DAYS)
    throw new UsageError(`--warn-days ${n} is more than the limit of ${MAX_WARN_DAYS} (100 years)`);
  return n;
}
