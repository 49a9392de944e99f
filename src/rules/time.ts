/**
 * Time rules, pure: dates, durations and the timestamps stored in the file. The clock is always passed in.
 */
import { InvalidInputError } from "../errors.js";
import { MAX_DURATION_DAYS } from "./limits.js";

export const DAY_MS = 86_400_000;

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
  const known = parsedDates.get(text);
  if (known !== undefined) return new Date(known);
  const d = parseDateOnce(text, what);
  if (parsedDates.size >= MAX_REMEMBERED_DATES) parsedDates.clear();
  parsedDates.set(text, d.getTime());
  return d;
}

/**
 * The dates {@link parseDate} accepted, as milliseconds: a vault repeats its timestamps, and opening one reads each
 * date twice (the structure check, then the secret's getters), 60,000 of them in a vault of 10,000 secrets. Only
 * valid texts are remembered, and only so many (the texts come from a file).
 */
const parsedDates = new Map<string, number>();
const MAX_REMEMBERED_DATES = 100_000;

function parseDateOnce(text: string, what: string): Date {
  const t = text.trim();
  let d: Date | undefined;
  let parts: RegExpExecArray | null;
  if ((parts = DATE_ONLY.exec(t))) {
    d = new Date(Date.UTC(+parts[1]!, +parts[2]! - 1, +parts[3]!));
  } else if ((parts = DATE_TIME.exec(t))) {
    const zone =
      parts[7] === undefined
        ? "Z"
        : parts[7].toUpperCase() === "Z"
          ? "Z"
          : parts[7].replace(/^([+-]\d{2})(\d{2})$/, "$1:$2");
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

/** The word that removes an expiry or a rotation period, wherever one is given (CLI, menu, editor, library). */
export const NEVER = "never";

/** True for `never` (any case, spaces around): no expiry, no rotation period. */
export function isNever(text: string): boolean {
  return text.trim().toLowerCase() === NEVER;
}

/** Parses `36h`, `90d`, `12w`, `6mo`, `1y`. */
export function parseDuration(text: string, what = "duration"): Duration {
  const m = DURATION_RE.exec(text.trim());
  if (!m || Number(m[1]) === 0) {
    const minutesOrMonths = /^\s*(\d+)\s*m\s*$/.exec(text);
    throw new InvalidInputError("E_DURATION", `invalid ${what} ${JSON.stringify(text)}`, {
      hint: minutesOrMonths
        ? `"m" is ambiguous: for months write ${minutesOrMonths[1]}mo`
        : "use a number and a unit: h (hours), d (days), w (weeks), mo (months) or y (years), e.g. 90d; never for none",
    });
  }
  const unit = m[2] as Duration["unit"];
  // Refused here rather than stored: a 99999y expiry is a typo, and a date past year 9999 breaks every reader.
  const days = Number(m[1]) * { h: 1 / 24, d: 1, w: 7, mo: 30.4375, y: 365.25 }[unit];
  if (days > MAX_DURATION_DAYS) {
    throw new InvalidInputError(
      "E_DURATION",
      `the ${what} ${Number(m[1])}${unit} is longer than the limit of 100 years`,
      { hint: "for a secret that does not expire or rotate, leave the option out" },
    );
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
  return Math.round(
    (Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) -
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())) /
      DAY_MS,
  );
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
