import { describe, expect, it } from "vitest";
import { checkPrintable, hasControlCharacters, shown, workflowSafe } from "../../src/rules/text-safety.js";

describe("shown", () => {
  it("escapes C0, DEL, C1, bidi controls and line separators, and nothing else", () => {
    expect(shown("\u001b[31mred\u001b[0m")).toBe("\\x1b[31mred\\x1b[0m");
    expect(shown("\u001b]0;title\u0007")).toBe("\\x1b]0;title\\x07");
    expect(shown("a\rb\nc\td")).toBe("a\\rb\\nc\\td");
    expect(shown("\u009b31m\u007f")).toBe("\\x9b31m\\x7f");
    expect(shown("user\u202eexe.txt\u2066\u2069\u2028")).toBe("user\\u202eexe.txt\\u2066\\u2069\\u2028");
    const plain = "Grüße, 日本語, emoji 🎉, ^ia_[a-z0-9]{32}$ and \\d+";
    expect(shown(plain)).toBe(plain);
    expect(hasControlCharacters(plain)).toBe(false);
    expect(hasControlCharacters("x\u0000")).toBe(true);
  });

  it("leaves no control character in any string", () => {
    let all = "";
    for (let c = 0; c < 0x3000; c++) all += String.fromCharCode(c);
    expect(hasControlCharacters(shown(all))).toBe(false);
  });
});

describe("workflowSafe", () => {
  it("defuses workflow commands at the start of a line (after blanks) and the old ##[ syntax anywhere", () => {
    expect(workflowSafe("::stop-commands::abc")).toBe("\\x3a:stop-commands::abc");
    expect(workflowSafe("   ::error::x")).toBe("   \\x3a:error::x");
    expect(workflowSafe("a ##[error]x")).toBe("a #\\x23[error]x");
    expect(workflowSafe("warning: time is 10::30")).toBe("warning: time is 10::30");
    expect(workflowSafe(":single")).toBe(":single");
  });
});

describe("checkPrintable", () => {
  it("refuses control characters in stored text, naming the first one and its position", () => {
    expect(() => checkPrintable("see https://x\u001b]8;;", "rotate-at")).toThrow(
      "the rotate-at contains a control character (\\x1b at position 14)",
    );
    expect(() => checkPrintable("a\tb", "description")).toThrow(/\\t at position 2/);
    expect(() => checkPrintable("ok text", "description")).not.toThrow();
  });
});
