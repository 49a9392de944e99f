import ICAL from "ical.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { eventUid, foldLine, toIcs, type CalendarSecret } from "../../src/export/ics.js";
import { RUNS, valueArb } from "./arbitraries.js";

const NOW = new Date("2026-11-24T10:00:00Z");
const SECRETS: CalendarSecret[] = [
  {
    name: "PYPI_TOKEN",
    type: "pypi",
    expiresAt: new Date("2027-06-01T00:00:00Z"),
    rotationDueAt: new Date("2027-06-01T09:00:00Z"),
    rotateAt: "https://pypi.org/manage/account/token/",
  },
  { name: "DOCKER_PASSWORD", type: "docker", expiresAt: new Date("2026-12-19T14:30:00Z"), rotationDueAt: null },
  { name: "DOCKER_USERNAME", type: "docker", expiresAt: null, rotationDueAt: null },
];

/** Parses with ical.js (strict RFC 5545 reader) and returns the VEVENTs. */
function events(text: string): ICAL.Event[] {
  const comp = new ICAL.Component(ICAL.parse(text));
  expect(comp.name).toBe("vcalendar");
  expect(comp.getFirstPropertyValue("version")).toBe("2.0");
  return comp.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
}

describe("iCalendar feed", () => {
  it("has one all-day event per expiry and per rotation due date, that ical.js parses", () => {
    const text = toIcs(SECRETS, { now: NOW, scope: ".secrets.yaml", version: "0.1.0" });
    const evs = events(text);
    expect(evs.map((e) => [e.summary, e.startDate.toString(), e.endDate.toString()])).toEqual([
      ["DOCKER_PASSWORD expires", "2026-12-19", "2026-12-20"],
      ["PYPI_TOKEN expires", "2027-06-01", "2027-06-02"],
      ["PYPI_TOKEN due for rotation", "2027-06-01", "2027-06-02"],
    ]);
    expect(evs.every((e) => e.startDate.isDate)).toBe(true);
    const stamp = evs[0]!.component.getFirstPropertyValue("dtstamp") as ICAL.Time;
    expect(stamp.toJSDate().toISOString()).toBe(NOW.toISOString());
    expect(evs[1]!.description).toBe(
      "PYPI_TOKEN (type pypi) in .secrets.yaml expires at 2027-06-01T00:00:00Z.\nWhere to rotate: https://pypi.org/manage/account/token/\nThen: vaultfile rotate PYPI_TOKEN",
    );
  });

  it("ends every line in CRLF and keeps each line within 75 octets", () => {
    const long = {
      name: "A_VERY_LONG_SECRET_NAME_THAT_GOES_ON",
      type: "t",
      expiresAt: new Date("2027-01-01T00:00:00Z"),
      rotationDueAt: null,
      rotateAt: "☃😀é, ; \\ ".repeat(20),
    };
    const text = toIcs([long], { now: NOW, scope: "x" });
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    for (const line of text.split("\r\n").slice(0, -1)) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(events(text)[0]!.description).toContain("Where to rotate: " + long.rotateAt.trimEnd());
  });

  it("keeps UIDs stable per secret and event kind, so a re-import after a rotation updates the event", () => {
    const before = events(toIcs(SECRETS, { now: NOW, scope: ".secrets.yaml" }));
    const rotated = SECRETS.map((s) =>
      s.name === "PYPI_TOKEN" ? { ...s, expiresAt: new Date("2028-06-01T00:00:00Z") } : s,
    );
    const after = events(toIcs(rotated, { now: new Date("2027-05-01T00:00:00Z"), scope: ".secrets.yaml" }));
    const uid = (evs: ICAL.Event[], summary: string) => evs.find((e) => e.summary === summary)!.uid;
    expect(uid(after, "PYPI_TOKEN expires")).toBe(uid(before, "PYPI_TOKEN expires"));
    expect(new Set(before.map((e) => e.uid)).size).toBe(before.length);
    expect(uid(before, "PYPI_TOKEN expires")).toBe(eventUid(".secrets.yaml", "PYPI_TOKEN", "expires"));
    expect(eventUid("other/.secrets.yaml", "PYPI_TOKEN", "expires")).not.toBe(
      eventUid(".secrets.yaml", "PYPI_TOKEN", "expires"),
    );
  });

  it("escapes any text so that ical.js reads it back exactly", () => {
    fc.assert(
      fc.property(
        valueArb.filter((t) => t !== ""),
        (text) => {
          const s: CalendarSecret = {
            name: "N",
            type: text,
            expiresAt: new Date("2027-01-01T00:00:00Z"),
            rotationDueAt: null,
            rotateAt: text,
          };
          const ics = toIcs([s], { now: NOW, scope: text, calendarName: text });
          const comp = new ICAL.Component(ICAL.parse(ics));
          const clean = text.replace(/\r\n|\r/g, "\n").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, " ");
          // DESCRIPTION is TEXT to ical.js (X-WR-CALNAME is not, so it comes back still escaped)
          expect(new ICAL.Event(comp.getFirstSubcomponent("vevent")!).description).toBe(
            `N (type ${clean}) in ${clean} expires at 2027-01-01T00:00:00Z.\nWhere to rotate: ${clean}\nThen: vaultfile rotate N`,
          );
        },
      ),
      { numRuns: RUNS, examples: [["\r"], ["a\r"], ["\r\n\r"]] },
    );
  });

  it("folds between code points only", () => {
    const line = "X:" + "é".repeat(100);
    const folded = foldLine(line);
    for (const l of folded.split("\r\n")) {
      expect(Buffer.byteLength(l)).toBeLessThanOrEqual(75);
      expect(Buffer.from(l, "utf8").toString("utf8")).toBe(l);
    }
    expect(folded.replace(/\r\n /g, "")).toBe(line);
  });
});
