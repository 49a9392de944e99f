/** Issue 12 item 4: regular expressions from the file run in linear time (RE2), where JavaScript's backtracked for minutes. */
import { describe, expect, it } from "vitest";
import { compileRules } from "../../src/format/rules.js";
import { compilePattern, customTypeFromEntry } from "../../src/types/custom.js";
import { FormatError, InvalidInputError } from "../../src/errors.js";

const EVIL = "a".repeat(40) + "!";

describe("regular expressions from a file", () => {
  it("sops.encrypted_regex ^(a+)+$ against a key aaaa…! answers at once", () => {
    const enc = compileRules({ encryptedRegex: "^(a+)+$" });
    const started = performance.now();
    expect(enc(["secrets", EVIL, "value"])).toBe(false);
    expect(enc(["aaaa"])).toBe(true);
    const unenc = compileRules({ unencryptedRegex: "^(a+)+$" });
    expect(unenc([EVIL])).toBe(true);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("a custom type's pattern ^(a+)+$ checks a value aaaa…! at once", () => {
    const type = customTypeFromEntry("evil", { pattern: "^(a+)+$" }, "vault.yaml");
    expect(type.check(EVIL)).toBe("expected a value matching the pattern ^(a+)+$");
    expect(type.check("aaaa")).toBeNull();
  });

  it("refuses patterns that are not RE2, saying why", () => {
    expect(() => compileRules({ encryptedRegex: "(?=x)value" })).toThrow(FormatError);
    expect(() => compileRules({ encryptedRegex: "(?=x)value" })).toThrow(
      /sops.encrypted_regex is not a valid RE2 regular expression: invalid or unsupported Perl syntax/,
    );
    expect(() => compilePattern("(a)\\1")).toThrow(InvalidInputError);
    expect(() => compilePattern("(a)\\1")).toThrow(/not an RE2 regular expression \(invalid escape sequence/);
  });
});
