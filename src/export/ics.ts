/**
 * The expiry and rotation dates as an iCalendar feed (RFC 5545), for `vaultfile status --format ics`: one all-day
 * event per expiry and one per rotation due date. Each event's UID is derived from the calendar's scope (e.g. the
 * vault file), the secret's name and the kind of event, so importing or subscribing again updates the event in
 * place (a rotation moves it) instead of adding a duplicate.
 *
 * Format rules kept here: lines end in CRLF; content lines longer than 75 octets are folded (CRLF and one space),
 * never inside a UTF-8 sequence; TEXT values escape `\`, `;`, `,` and line breaks; `DTSTAMP` is the time the feed
 * was made, in UTC.
 */
import { createHash } from "node:crypto";

export type CalendarEventKind = "expires" | "rotation-due";

export interface CalendarSecret {
  name: string;
  type: string | null;
  expiresAt: Date | null;
  /** `rotated_at` + `rotate_every`, or `null` without a rotation period. */
  rotationDueAt: Date | null;
  /** Where to rotate it (from its type), if the type says. */
  rotateAt?: string | null | undefined;
}

export interface IcsOptions {
  /** When the feed was made (`DTSTAMP`). */
  now: Date;
  /** What makes the UIDs unique beyond the secret's name, e.g. the vault file's path in the repository. */
  scope: string;
  /** The calendar's display name (`X-WR-CALNAME`); default `vaultfile: <scope>`. */
  calendarName?: string | undefined;
  /** `PRODID`'s version part. */
  version?: string | undefined;
}

/** Escapes a TEXT value (RFC 5545 §3.3.11); other control characters, which TEXT cannot hold, become spaces. */
export function icsText(text: string): string {
  return text
    .replace(/[\\;,]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, "\\n")
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, " ");
}

/** Folds one content line to at most 75 octets per physical line (§3.1), breaking only between code points. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = "";
  let octets = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch, "utf8");
    if (octets + n > 75) {
      out.push(current);
      current = " ";
      octets = 1;
    }
    current += ch;
    octets += n;
  }
  out.push(current);
  return out.join("\r\n");
}

/** A stable UID for one event of one secret. */
export function eventUid(scope: string, name: string, kind: CalendarEventKind): string {
  const h = createHash("sha256").update(`vaultfile\0${scope}\0${name}\0${kind}`).digest("hex").slice(0, 32);
  return `${h}@vaultfile`;
}

const pad = (n: number): string => String(n).padStart(2, "0");
const dateValue = (d: Date): string => `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
const utcDateTime = (d: Date): string =>
  `${dateValue(d)}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
const isoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/** The feed: a VCALENDAR with the events sorted by date, then name, then kind. */
export function toIcs(secrets: readonly CalendarSecret[], opts: IcsOptions): string {
  const events: { at: Date; kind: CalendarEventKind; s: CalendarSecret }[] = [];
  for (const s of secrets) {
    if (s.expiresAt) events.push({ at: s.expiresAt, kind: "expires", s });
    if (s.rotationDueAt) events.push({ at: s.rotationDueAt, kind: "rotation-due", s });
  }
  events.sort(
    (a, b) => a.at.getTime() - b.at.getTime() || a.s.name.localeCompare(b.s.name) || a.kind.localeCompare(b.kind),
  );
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    `PRODID:-//vaultfile//vaultfile${opts.version ? ` ${icsText(opts.version)}` : ""}//EN`,
    "CALSCALE:GREGORIAN",
    "METHOD:PUBLISH",
    `X-WR-CALNAME:${icsText(opts.calendarName ?? `vaultfile: ${opts.scope}`)}`,
  ];
  const stamp = utcDateTime(opts.now);
  for (const { at, kind, s } of events) {
    const next = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));
    const what = kind === "expires" ? `expires at ${isoSeconds(at)}` : `is due for rotation at ${isoSeconds(at)}`;
    // Each part's own line breaks as \n first, so a part ending in \r and the \n after it stay two breaks.
    const description = [
      `${s.name}${s.type ? ` (type ${s.type})` : ""} in ${opts.scope} ${what}.`,
      ...(s.rotateAt ? [`Where to rotate: ${s.rotateAt}`] : []),
      `Then: vaultfile rotate ${s.name}`,
    ]
      .map((part) => part.replace(/\r\n|\r/g, "\n"))
      .join("\n");
    lines.push(
      "BEGIN:VEVENT",
      `UID:${eventUid(opts.scope, s.name, kind)}`,
      `DTSTAMP:${stamp}`,
      `DTSTART;VALUE=DATE:${dateValue(at)}`,
      `DTEND;VALUE=DATE:${dateValue(next)}`,
      `SUMMARY:${icsText(kind === "expires" ? `${s.name} expires` : `${s.name} due for rotation`)}`,
      `DESCRIPTION:${icsText(description)}`,
      "CATEGORIES:vaultfile",
      "TRANSP:TRANSPARENT",
      "END:VEVENT",
    );
  }
  lines.push("END:VCALENDAR");
  return lines.map(foldLine).join("\r\n") + "\r\n";
}
