import { describe, expect, it } from "vitest";
import type { Vault } from "../../src/vault/vault.js";
import { SecretNotFoundError, InvalidInputError } from "../../src/errors.js";
import { addDuration, daysUntil, parseDate, parseDuration } from "../../src/rules/time.js";
import { testKey } from "../helpers.js";
import { aliceOpts } from "./make.js";
import { createVault } from "../../src/io/vault-file.js";

let t = new Date("2026-01-01T00:00:00Z");
async function vaultAt(now: Date): Promise<Vault> {
  t = new Date("2026-01-01T00:00:00Z");
  const v = await createVault("x.yaml", { alice: testKey("alice").recipient }, aliceOpts({ now: () => t }));
  v.set("NO_EXPIRY", "a");
  v.set("EXPIRES_2026_12_01", "b", { expiresAt: "2026-12-01T00:00:00Z" });
  v.set("EXPIRED_YESTERDAY", "c", { expiresAt: "2026-11-23T10:00:00Z" });
  v.set("DUE", "d", { rotateEvery: "30d" });
  v.require(["NO_EXPIRY", "ABSENT"]);
  t = now;
  return v;
}

describe("expiry with an injected clock", () => {
  const now = new Date("2026-11-24T10:00:00Z");

  it("reports whole days left, negative once expired, null without expiry", async () => {
    const v = await vaultAt(now);
    const r = v.expiryReport();
    expect(r.NO_EXPIRY).toEqual({ daysUntilExpiry: null, expiresAt: null, status: "ok" });
    expect(r.EXPIRES_2026_12_01!.daysUntilExpiry).toBe(7); // calendar days: 24 November to 1 December
    expect(r.EXPIRES_2026_12_01!.status).toBe("expiring");
    expect(r.EXPIRED_YESTERDAY!.daysUntilExpiry).toBe(-1);
    expect(r.EXPIRED_YESTERDAY!.status).toBe("expired");
    expect(r.DUE!.status).toBe("due");
    expect(r.ABSENT).toEqual({ daysUntilExpiry: null, expiresAt: null, status: "missing" });
    expect(v.get("EXPIRED_YESTERDAY").isExpired()).toBe(true);
    expect(v.get("EXPIRES_2026_12_01").isExpired()).toBe(false);
    expect(v.get("NO_EXPIRY").daysUntilExpiry()).toBeNull();
  });

  it("validate() gives allValid / missing / expired / expiringSoon", async () => {
    const v = await vaultAt(now);
    expect(v.validate()).toEqual({
      allValid: false,
      strict: false,
      missing: ["ABSENT"],
      expired: ["EXPIRED_YESTERDAY"],
      expiringSoon: ["EXPIRES_2026_12_01"],
      due: ["DUE"],
      exposed: [],
      invalidFormat: [],
      companionsMissing: [],
      unknownType: [],
    });
    expect(v.validate({ warnDays: 5 }).expiringSoon).toEqual([]);
    v.remove("EXPIRED_YESTERDAY");
    v.unrequire(["ABSENT"]);
    expect(v.validate().allValid).toBe(true);
  });

  it("the expiring-soon boundary: warnDays calendar days left is not expiring, from the next day it is", async () => {
    const expires = new Date("2026-12-24T10:00:00Z");
    const v = await vaultAt(now);
    v.set("EDGE", "e", { expiresAt: expires });
    const at = (d: Date) => {
      t = d;
      return v.validate().expiringSoon.includes("EDGE");
    };
    expect(at(new Date(expires.getTime() - 30 * 86_400_000))).toBe(false);
    expect(at(new Date("2026-11-24T23:59:59Z"))).toBe(false); // still 30 calendar days
    expect(at(new Date("2026-11-25T00:00:00Z"))).toBe(true); // 29
    expect(v.get("EDGE").isExpired(expires)).toBe(false); // at the instant itself: not yet
    expect(v.get("EDGE").isExpired(new Date(expires.getTime() + 1))).toBe(true);
  });

  it("exportSecrets({ excludeExpired }) drops expired secrets; addToEnv sets one variable", async () => {
    const v = await vaultAt(now);
    expect(Object.keys(v.exportSecrets())).toContain("EXPIRED_YESTERDAY");
    expect(Object.keys(v.exportSecrets({ excludeExpired: true }))).not.toContain("EXPIRED_YESTERDAY");
    const env: Record<string, string | undefined> = {};
    v.addToEnv("NO_EXPIRY", env);
    expect(env).toEqual({ NO_EXPIRY: "a" });
  });

  it("get() throws SecretNotFoundError with close names", async () => {
    const v = await vaultAt(now);
    const err = (() => {
      try {
        v.get("NO_EXPIRI");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SecretNotFoundError);
    expect((err as SecretNotFoundError).suggestions).toEqual(["NO_EXPIRY"]);
    expect((err as SecretNotFoundError).exitCode).toBe(3);
  });

  it("a Secret never prints its value", async () => {
    const v = await vaultAt(now);
    const s = v.get("NO_EXPIRY");
    expect(JSON.stringify(s)).not.toContain('"a"');
    expect(`${s}`).toBe("Secret(NO_EXPIRY)");
  });
});

describe("dates and durations", () => {
  it("parses dates and refuses impossible ones", () => {
    expect(parseDate("2027-01-31").toISOString()).toBe("2027-01-31T00:00:00.000Z");
    expect(parseDate("2027-01-31T12:00:00+02:00").toISOString()).toBe("2027-01-31T10:00:00.000Z");
    for (const bad of ["2027-02-30", "2027-13-01", "tomorrow", "31/01/2027", "2027-01-31T25:00:00Z", ""]) {
      expect(() => parseDate(bad)).toThrow(InvalidInputError);
    }
  });

  it("remembers the dates it parsed, and gives each caller a Date of its own", () => {
    const text = "2031-05-06T07:08:09Z";
    const first = parseDate(text);
    first.setUTCFullYear(1999); // a caller changing its Date changes nobody else's
    const again = parseDate(text);
    expect(again.toISOString()).toBe("2031-05-06T07:08:09.000Z");
    expect(again).not.toBe(parseDate(text));
    // A bad date is refused every time, with the name the caller gives it.
    for (const what of ["expires_at of A", "created_at of B"])
      expect(() => parseDate("2031-02-30", what)).toThrow(`invalid ${what} "2031-02-30"`);
  });

  it("parses durations and adds calendar months", () => {
    expect(addDuration(new Date("2026-01-31T00:00:00Z"), parseDuration("1mo")).toISOString()).toBe(
      "2026-02-28T00:00:00.000Z",
    );
    expect(addDuration(new Date("2026-01-01T00:00:00Z"), parseDuration("90d")).toISOString()).toBe(
      "2026-04-01T00:00:00.000Z",
    );
    expect(addDuration(new Date("2024-02-29T00:00:00Z"), parseDuration("1y")).toISOString()).toBe(
      "2025-02-28T00:00:00.000Z",
    );
    for (const bad of ["90", "0d", "3m", "-1d", "d"]) expect(() => parseDuration(bad)).toThrow(InvalidInputError);
  });

  it("daysUntil counts calendar days as a person reads the date; negative exactly when expired (issue 15, item 8)", () => {
    const now = new Date("2026-11-24T10:00:00Z");
    const tenDays = addDuration(now, parseDuration("10d"));
    // Set to expire in 10 days: 10 at once, a second later, and all day; 9 from the next calendar day.
    expect(daysUntil(tenDays, now)).toBe(10);
    expect(daysUntil(tenDays, new Date(now.getTime() + 1000))).toBe(10);
    expect(daysUntil(tenDays, new Date("2026-11-24T23:59:59Z"))).toBe(10);
    expect(daysUntil(tenDays, new Date("2026-11-25T00:00:00Z"))).toBe(9);
    expect(daysUntil(new Date("2026-12-04"), now)).toBe(10); // a date-only expiry (midnight UTC)
    expect(daysUntil(new Date("2026-11-25T09:59:59Z"), now)).toBe(1); // tomorrow
    expect(daysUntil(new Date("2026-11-24T23:00:00Z"), now)).toBe(0); // later today
    expect(daysUntil(now, now)).toBe(0); // not yet expired
    expect(daysUntil(new Date("2026-11-24T09:59:59Z"), now)).toBe(-1); // expired today: still negative
    expect(daysUntil(new Date("2026-11-23T23:00:00Z"), now)).toBe(-1);
    expect(daysUntil(new Date("2026-11-22T10:00:00Z"), now)).toBe(-2);
    expect(daysUntil(new Date("2026-11-01"), new Date("2026-11-25T12:00:00Z"))).toBe(-24);
  });

  it("expiring means fewer than warnDays days left as shown, so 'EXPIRING in 30 days' never appears with --warn-days 30", async () => {
    const v = await vaultAt(new Date("2026-11-24T10:00:00Z"));
    t = new Date("2026-11-24T10:00:00Z");
    v.set("THIRTY", "x", { expiresAt: "2026-12-24T09:00:00Z" }); // 29 days 23 hours, but 30 calendar days
    v.set("TWENTY_NINE", "y", { expiresAt: "2026-12-23T23:00:00Z" });
    expect(v.expiryReport({ warnDays: 30 }).THIRTY).toMatchObject({ daysUntilExpiry: 30, status: "ok" });
    expect(v.expiryReport({ warnDays: 30 }).TWENTY_NINE).toMatchObject({ daysUntilExpiry: 29, status: "expiring" });
  });

  it("refuses an expiry before creation, invalid names, and bad dates on set", async () => {
    const v = await vaultAt(new Date("2026-11-24T10:00:00Z"));
    expect(() => v.set("OLD", "x", { expiresAt: "2020-01-01" })).toThrow(/before its creation/);
    expect(() => v.set("1BAD", "x")).toThrow(/invalid secret name/);
    expect(() => v.set("value", "x")).toThrow(/reserved/);
    expect(() => v.set("X", "x", { expiresAt: "2027-02-30" })).toThrow(/invalid expiry date/);
  });
});

describe("failed changes leave the vault as it was", () => {
  it("a bad option on set or rotate changes nothing", async () => {
    const v = await vaultAt(new Date("2026-11-24T10:00:00Z"));
    const before = v.toText();
    expect(() => v.set("BRAND_NEW", "x", { expiresAt: "2020-01-01" })).toThrow(/before its creation/);
    expect(() => v.set("NO_EXPIRY", "changed", { rotateEvery: "soon" })).toThrow(/invalid rotation period/);
    expect(() => v.rotate("DUE", "changed", { expiresIn: "3m" })).toThrow(/invalid expiry duration/);
    expect(v.has("BRAND_NEW")).toBe(false);
    expect(v.get("NO_EXPIRY").value).toBe("a");
    expect(v.get("DUE").value).toBe("d");
    expect(v.toText()).toBe(before);
  });
});

describe("unusual but valid names", () => {
  it("a secret named __proto__ is exported like any other", async () => {
    const v = await vaultAt(new Date("2026-11-24T10:00:00Z"));
    v.set("__proto__", "p");
    v.set("constructor", "c");
    const env = v.exportSecrets({ only: ["__proto__", "constructor"] });
    expect(Object.keys(env)).toEqual(["__proto__", "constructor"]);
    // biome-ignore lint/suspicious/noProto: the test is about a secret named __proto__
    expect(env.__proto__).toBe("p");
    expect(Object.keys(v.expiryReport())).toContain("__proto__");
  });
});

describe("hints", () => {
  it("an ambiguous 3m suggests 3mo", () => {
    try {
      parseDuration("3m");
      expect.unreachable();
    } catch (e) {
      expect((e as InvalidInputError).hint).toBe('"m" is ambiguous: for months write 3mo');
    }
  });
});
