/**
 * Lifecycle rules, pure: dates, durations, expiry status, names. The clock is always passed in.
 */
import { InvalidInputError } from "../errors.js";
import { MAX_DURATION_DAYS, MAX_NAME_LENGTH, MAX_VALUE_BYTES } from "../rules/limits.js";

export const DAY_MS = 86_400_000;
/** "Expiring soon" means fewer than this many days left, unless configured. */
export const DEFAULT_WARN_DAYS = 30;

export type ExpiryStatus = "ok" | "expiring" | "expired" | "due" | "missing";

/** Names that become environment variables. */
export const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names a recipient may have. */
export const RECIPIENT_NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.@-]*$/;
/**
 * `value` would match the file's `encrypted_regex: ^value$` as a path component, so sops would encrypt that
 * entry's metadata too: it cannot be a secret or recipient name.
 */
const RESERVED = new Set(["value"]);

/** The largest value a secret may hold (1 MiB), from `rules/limits.ts`. */
export { MAX_VALUE_BYTES };

/** Refuses values over {@link MAX_VALUE_BYTES}; the message gives the size, never the value. */
export function checkSecretValue(name: string, value: string): void {
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > MAX_VALUE_BYTES) {
    throw new InvalidInputError("E_VALUE", `the value of ${name} is ${bytes} bytes, more than the limit of ${MAX_VALUE_BYTES} (1 MiB)`, {
      hint: "keep large files out of the vault: encrypt them with age and store their key here",
    });
  }
}

/** Why a vault holds recipients of one kind only (age refuses to mix them in one file for the same reason). */
export const MIXED_KINDS_MESSAGE = "a vault cannot mix post-quantum (age1pq1…) and classic (age1…) recipients";

/** A name over {@link MAX_NAME_LENGTH}: refused by its length, without echoing it. */
function checkNameLength(name: string, what: string): void {
  if (name.length > MAX_NAME_LENGTH) {
    throw new InvalidInputError("E_NAME", `invalid ${what}: ${name.length} characters, more than the limit of ${MAX_NAME_LENGTH}`, { hint: "names are short identifiers (e.g. PYPI_TOKEN)" });
  }
}

export function checkSecretName(name: string): void {
  checkNameLength(name, "secret name");
  if (!NAME_RE.test(name)) {
    throw new InvalidInputError("E_NAME", `invalid secret name ${JSON.stringify(name)}`, {
      hint: "names become environment variables: letters, digits and _, not starting with a digit (e.g. PYPI_TOKEN)",
    });
  }
  if (RESERVED.has(name)) throw new InvalidInputError("E_NAME", `"${name}" is reserved and cannot name a secret`, { hint: "choose another name, e.g. an upper-case one" });
}

export function checkRecipientName(name: string): void {
  checkNameLength(name, "recipient name");
  if (!RECIPIENT_NAME_RE.test(name) || RESERVED.has(name)) {
    throw new InvalidInputError("E_NAME", `invalid recipient name ${JSON.stringify(name)}`, {
      hint: "use letters, digits, _, ., @ or - (e.g. alice, ci, bob@example.com); \"value\" is reserved",
    });
  }
}

/** RFC 3339 in UTC with whole seconds: the form stored in the file. */
export function formatTimestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The UTC calendar day (`2027-06-01`): how messages and tables show a date. */
export function formatDay(d: Date): string {
  return formatTimestamp(d).slice(0, 10);
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses a date given by a person or read from the file: `2027-01-31` (midnight UTC) or an RFC 3339 time
 * (`2027-01-31T12:00:00Z`, an offset, or no zone meaning UTC). Impossible dates (Feb 30) are refused.
 */
export function parseDate(text: string, what = "date"): Date {
  const t = text.trim();
  let d: Date | undefined;
  let parts: RegExpExecArray | null;
  if ((parts = DATE_ONLY.exec(t))) {
    d = new Date(Date.UTC(+parts[1]!, +parts[2]! - 1, +parts[3]!));
  } else if ((parts = DATE_TIME.exec(t))) {
    const zone = parts[7] === undefined ? "Z" : parts[7].toUpperCase() === "Z" ? "Z" : parts[7].replace(/^([+-]\d{2})(\d{2})$/, "$1:$2");
    d = new Date(`${parts[1]}-${parts[2]}-${parts[3]}T${parts[4]}:${parts[5]}:${parts[6] ?? "00"}${zone}`);
  }
  const valid =
    d !== undefined &&
    !Number.isNaN(d.getTime()) &&
    parts !== null &&
    // Reject rollovers such as 2027-02-30 → March 2 (compare the calendar date in the given zone).
    sameCalendarDate(parts, d, t);
  if (!valid) {
    throw new InvalidInputError("E_DATE", `invalid ${what} ${JSON.stringify(text)}`, {
      hint: "use YYYY-MM-DD or an RFC 3339 time such as 2027-01-31T12:00:00Z, or a duration with --expires-in (90d)",
    });
  }
  return d!;
}

function sameCalendarDate(parts: RegExpExecArray, d: Date, text: string): boolean {
  const [y, m, day] = [+parts[1]!, +parts[2]!, +parts[3]!];
  if (m < 1 || m > 12 || day < 1 || day > 31) return false;
  const probe = new Date(Date.UTC(y, m - 1, day));
  if (probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== day) return false;
  if (parts[4] !== undefined && (+parts[4] > 23 || +parts[5]! > 59 || +(parts[6] ?? 0) > 59)) return false;
  return text.length > 0 && !Number.isNaN(d.getTime());
}

export interface Duration {
  amount: number;
  unit: "h" | "d" | "w" | "mo" | "y";
  text: string;
}

const DURATION_RE = /^(\d{1,6})\s*(h|d|w|mo|y)$/;

/** Parses `36h`, `90d`, `12w`, `6mo`, `1y`. */
export function parseDuration(text: string, what = "duration"): Duration {
  const m = DURATION_RE.exec(text.trim());
  if (!m || Number(m[1]) === 0) {
    const minutesOrMonths = /^\s*(\d+)\s*m\s*$/.exec(text);
    throw new InvalidInputError("E_DURATION", `invalid ${what} ${JSON.stringify(text)}`, {
      hint: minutesOrMonths
        ? `"m" is ambiguous: for months write ${minutesOrMonths[1]}mo`
        : "use a number and a unit: h (hours), d (days), w (weeks), mo (months) or y (years), e.g. 90d",
    });
  }
  const unit = m[2] as Duration["unit"];
  // Refused here rather than stored: a 99999y expiry is a typo, and a date past year 9999 breaks every reader.
  const days = Number(m[1]) * { h: 1 / 24, d: 1, w: 7, mo: 30.4375, y: 365.25 }[unit];
  if (days > MAX_DURATION_DAYS) {
    throw new InvalidInputError("E_DURATION", `the ${what} ${Number(m[1])}${unit} is longer than the limit of 100 years`, { hint: "for a secret that does not expire or rotate, leave the option out" });
  }
  return { amount: Number(m[1]), unit, text: `${Number(m[1])}${unit}` };
}

/** `from` plus a duration; months and years follow the calendar (clamped to the month's last day). */
export function addDuration(from: Date, d: Duration): Date {
  switch (d.unit) {
    case "h":
      return new Date(from.getTime() + d.amount * 3_600_000);
    case "d":
      return new Date(from.getTime() + d.amount * DAY_MS);
    case "w":
      return new Date(from.getTime() + d.amount * 7 * DAY_MS);
    case "mo":
    case "y": {
      const months = d.unit === "y" ? d.amount * 12 : d.amount;
      const r = new Date(from.getTime());
      const day = r.getUTCDate();
      r.setUTCDate(1);
      r.setUTCMonth(r.getUTCMonth() + months);
      const last = new Date(Date.UTC(r.getUTCFullYear(), r.getUTCMonth() + 1, 0)).getUTCDate();
      r.setUTCDate(Math.min(day, last));
      return r;
    }
  }
}

/** Days from the UTC calendar day of `now` to that of `d` (the days a person counts between two dates). */
function calendarDays(d: Date, now: Date): number {
  return Math.round((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())) / DAY_MS);
}

/**
 * Whole days until `expiresAt`, counted in calendar days (UTC) the way a person reads the date it shows: a secret
 * set to expire in 10 days has 10 for the whole of today, one that expires later today 0. Negative once expired:
 * the calendar days since the expiry date, at least 1 (so `< 0` always means expired, also on the day itself).
 */
export function daysUntil(expiresAt: Date, now: Date): number {
  const days = calendarDays(expiresAt, now);
  return expiresAt.getTime() < now.getTime() ? Math.min(days, -1) : days;
}

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

/** Up to `max` known names close to `name` (case-insensitive edit distance ≤ 2, or a shared prefix). */
export function closestNames(name: string, known: Iterable<string>, max = 3): string[] {
  const target = name.toLowerCase();
  const scored: [number, string][] = [];
  for (const k of known) {
    const d = editDistance(target, k.toLowerCase());
    const limit = Math.max(2, Math.floor(target.length / 4));
    if (d <= limit || k.toLowerCase().includes(target) || target.includes(k.toLowerCase())) scored.push([d, k]);
  }
  return scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1])).slice(0, max).map(([, k]) => k);
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
