import { describe, expect, it } from "vitest";
import { compileRe2, Re2SyntaxError } from "../../src/rules/re2.js";

describe("compileRe2", () => {
  it("matches the pathological pattern of issue 12 in linear time, with the right answer", () => {
    // JavaScript's RegExp takes minutes on 34 characters; RE2 answers at once. The bound is generous on purpose.
    const re = compileRe2("^(a+)+$");
    const started = performance.now();
    expect(re.test("a".repeat(100_000) + "!")).toBe(false);
    expect(re.test("a".repeat(100_000))).toBe(true);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("searches anywhere like Go's MatchString, or matches the whole text with `whole`", () => {
    expect(compileRe2("val").test("a value")).toBe(true);
    expect(compileRe2("^val").test("a value")).toBe(false);
    expect(compileRe2("[0-9]{3}").test("ab123c")).toBe(true);
    expect(compileRe2("[0-9]{3}", { whole: true }).test("ab123c")).toBe(false);
    expect(compileRe2("[0-9]{3}", { whole: true }).test("123")).toBe(true);
    expect(compileRe2("a|b", { whole: true }).test("ab")).toBe(false);
  });

  it("literal patterns (vaultfile's own ^value$) match exactly as the engine would", () => {
    const cases: [string, string, boolean][] = [
      ["^value$", "value", true],
      ["^value$", "values", false],
      ["^value$", "avalue", false],
      ["^value", "values", true],
      ["value$", "avalue", true],
      ["value", "my_value_x", true],
      ["", "anything", true],
      ["^$", "", true],
      ["^$", "x", false],
    ];
    for (const [p, s, want] of cases) {
      expect(compileRe2(p).test(s), `${p} on ${s}`).toBe(want);
      // The same pattern with a no-op group goes through the engine: both must agree.
      expect(compileRe2(`(?:)${p}`).test(s), `engine: ${p} on ${s}`).toBe(want);
    }
  });

  it("has RE2 syntax: `$` is the end of the text, Perl lookarounds and backreferences are refused", () => {
    expect(compileRe2("^a$").test("a\n")).toBe(false);
    expect(compileRe2("^a+$", { whole: true }).test("aaa\n")).toBe(false);
    expect(compileRe2("[[:digit:]]+", { whole: true }).test("42")).toBe(true);
    expect(() => compileRe2("(?=x)")).toThrow(Re2SyntaxError);
    expect(() => compileRe2("(a)\\1")).toThrow(Re2SyntaxError);
    expect(() => compileRe2("a{1001}")).toThrow(/invalid repeat count/);
    expect(() => compileRe2("(")).toThrow(/missing closing \)/);
  });

  it("refuses patterns longer than the limit", () => {
    expect(() => compileRe2("a".repeat(5000) + "b")).toThrow(/longer than 4096 characters/);
  });
});
