/** Issue 12, weaker finding: absurd arguments were stored (or blamed on the file) instead of refused clearly. */
import { describe, expect, it } from "vitest";
import { parseWarnDays } from "../../src/cli/commands/status.js";
import { checkRecipientName, checkSecretName } from "../../src/rules/names.js";
import { parseDuration } from "../../src/rules/time.js";

describe("absurd arguments", () => {
  it("durations over 100 years are refused, naming the limit", () => {
    expect(() => parseDuration("99999y", "expiry")).toThrow("the expiry 99999y is longer than the limit of 100 years");
    expect(() => parseDuration("999999y", "rotation period")).toThrow(
      "the rotation period 999999y is longer than the limit of 100 years",
    );
    expect(() => parseDuration("1300mo")).toThrow(/longer than the limit/);
    expect(parseDuration("100y").text).toBe("100y");
    expect(parseDuration("36500d").amount).toBe(36500);
  });

  it("--warn-days accepts whole numbers up to 100 years only", () => {
    expect(() => parseWarnDays("1e9")).toThrow('--warn-days must be a whole number of days, not "1e9"');
    expect(() => parseWarnDays("99999999")).toThrow("--warn-days 99999999 is more than the limit of 36525 (100 years)");
    expect(parseWarnDays("30")).toBe(30);
  });

  it("a 100,000-character name is refused by its length, without being echoed", () => {
    const name = "A".repeat(100_000);
    expect(() => checkSecretName(name)).toThrow("invalid secret name: 100000 characters, more than the limit of 256");
    expect(() => checkRecipientName(name)).toThrow(
      "invalid recipient name: 100000 characters, more than the limit of 256",
    );
    expect(() => checkSecretName("A".repeat(256))).not.toThrow();
  });
});
