/**
 * Issue 12 item 8 and the nesting/size finding: tags, anchors and aliases are refused with their position (the fast
 * reader declines them, the yaml path refuses them), and nesting over 100 levels is refused before any parsing
 * (2,000 levels overflowed the fast reader: exit 70).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FormatError } from "../../src/errors.js";
import { parseYaml } from "../../src/format/yaml.js";
import { checkTextLimits } from "../../src/format/yaml-guard.js";
import { parseSopsYamlFast } from "../../src/format/yaml.js";
import { PARSE_OPTIONS } from "../../src/format/yaml.js";
import { sampleVaultText } from "../vault/make.js";

function refusal(text: string): FormatError {
  try {
    parseYaml(text, "v.yaml");
  } catch (err) {
    expect(err).toBeInstanceOf(FormatError);
    return err as FormatError;
  }
  throw new Error("parsed");
}

describe("YAML features sops never writes", () => {
  it("a tag on a clear field of a real vault is refused with its line and column", async () => {
    const text = (await sampleVaultText()).replace("    type: pypi\n", "    type: !!binary cHlwaQ==\n");
    expect(parseSopsYamlFast(text, PARSE_OPTIONS)).toBeUndefined();
    const err = refusal(text);
    expect(err.message).toMatch(/^YAML tags are not allowed in v\.yaml \(!!binary\) \(line \d+, column 20\)$/);
    expect(err.exitCode).toBe(6);
    expect(refusal("a: !custom {k: v}\n").message).toBe(
      "YAML tags are not allowed in v.yaml (!custom) (line 1, column 12)",
    );
    expect(refusal("a: !!str 3\n").message).toBe("YAML tags are not allowed in v.yaml (!!str) (line 1, column 10)");
  });

  it("anchors and aliases are refused", () => {
    expect(refusal("a: &x foo\n").message).toBe("YAML anchors are not allowed in v.yaml (&x) (line 1, column 7)");
    expect(refusal("a: foo\nb: *x\n").message).toMatch(/^invalid YAML|YAML aliases are not allowed/);
    expect(refusal("a: &x foo\nb: *x\n").message).toMatch(/anchors are not allowed/);
  });

  it("plain YAML still parses", async () => {
    const text = await sampleVaultText();
    expect(() => parseYaml(text, "v.yaml")).not.toThrow();
    expect(() => parseYaml("a:\n  b:\n  - c: [d, {e: f}]\n", "v.yaml")).not.toThrow();
  });
});

describe("limits", () => {
  it("nesting deeper than 100 levels is refused before parsing, in every YAML form", () => {
    const cases = [
      ["flow", "a: " + "[".repeat(200_000) + "]".repeat(200_000) + "\n"],
      ["dashes", "- ".repeat(5_000) + "x\n"],
      ["block", Array.from({ length: 3_000 }, (_, i) => " ".repeat(i) + "k:").join("\n") + " x\n"],
      ["mixed", "a:\n" + Array.from({ length: 150 }, (_, i) => " ".repeat(i + 1) + "- ").join("\n") + "x\n"],
    ];
    for (const [what, text] of cases) {
      const started = performance.now();
      const err = refusal(text!);
      expect(err.message, what).toMatch(/^v\.yaml nests mappings and lists more than 100 levels deep( \(line \d+\))?$/);
      expect(performance.now() - started, what).toBeLessThan(10_000);
    }
  });

  it("100 levels are fine", () => {
    const text = Array.from({ length: 99 }, (_, i) => " ".repeat(i) + "k:").join("\n") + " x\n";
    expect(() => parseYaml(text, "v.yaml")).not.toThrow();
  });

  it("a file over 64 MiB is refused before parsing", () => {
    const big = "a: " + "x".repeat(64 * 1024 * 1024) + "\n";
    expect(refusal(big).message).toBe("v.yaml is larger than the limit of 64 MiB");
  });

  it("the depth scan counts every bracket on a line, whatever lies between them", () => {
    // One line `k: …`: its key is one level, each open bracket one more; a closer with nothing open is ignored.
    const deepest = (line: string): number => {
      let flow = 0;
      let max = 0;
      for (const c of line) {
        if (c === "[" || c === "{") max = Math.max(max, ++flow);
        else if ((c === "]" || c === "}") && flow > 0) flow--;
      }
      return 1 + max;
    };
    const part = fc.oneof(
      fc.constantFrom("[", "{", "]", "}", " ", "x", "ENC[", ",", ":"),
      fc.constantFrom("[".repeat(99), "{".repeat(50), "x".repeat(300)),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 60 }), (parts) => {
        const line = `k: ${parts.join("")}`;
        const refused = (() => {
          try {
            checkTextLimits(`${line}\nother: 1\n`, "v.yaml");
            return false;
          } catch (err) {
            expect((err as Error).message).toBe("v.yaml nests mappings and lists more than 100 levels deep (line 1)");
            return true;
          }
        })();
        expect(refused).toBe(deepest(line) > 100);
      }),
      { numRuns: 2000 },
    );
  });

  it("the depth scan skips only lines that change nothing: the same verdict as looking at every line", () => {
    // The scan as first written, line by line: `null` when within the limit, else the line it stops at.
    const lineByLine = (text: string): number | null => {
      const stack: number[] = [];
      let flow = 0;
      let line = 1;
      for (let start = 0; start < text.length; line++) {
        let end = text.indexOf("\n", start);
        if (end === -1) end = text.length;
        let i = start;
        while (i < end && text[i] === " ") i++;
        if (i < end && text[i] !== "#" && text[i] !== "\r") {
          if (flow === 0) {
            const indent = i - start;
            while (stack.length > 0 && stack[stack.length - 1]! >= indent) stack.pop();
            stack.push(indent);
            while ((text[i] === "-" || text[i] === "?") && (text[i + 1] === " " || i + 1 === end)) {
              i += 2;
              while (i < end && text[i] === " ") i++;
              stack.push(i - start);
            }
          }
          for (; i < end; i++) {
            if (text[i] === "[" || text[i] === "{") {
              if (stack.length + ++flow > 100) return line;
            } else if ((text[i] === "]" || text[i] === "}") && flow > 0) flow--;
          }
        }
        if (stack.length + flow > 100) return line;
        start = end + 1;
      }
      return null;
    };
    const piece = fc.oneof(
      fc.constantFrom("\n", "\n", " ", "  ", "k: ", "- ", "? ", "-x", "#", "\r", "[", "{", "]", "}", "x", "ENC[a]"),
      fc.integer({ min: 0, max: 30 }).map((n) => `\n${" ".repeat(n)}k:`),
      fc.constantFrom("[".repeat(40), "{".repeat(30), "- ".repeat(40), "]".repeat(20)),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 80 }), (parts) => {
        const text = parts.join("");
        const expected = lineByLine(text);
        let got: string | null = null;
        try {
          checkTextLimits(text, "v.yaml");
        } catch (err) {
          got = (err as Error).message;
        }
        expect(got).toBe(
          expected === null ? null : `v.yaml nests mappings and lists more than 100 levels deep (line ${expected})`,
        );
      }),
      {
        numRuns: 3000,
        // A `- ` line at the innermost level's indentation opens levels (a skip there would lose them).
        examples: [[["k:", "\n", "- ".repeat(60), "x\n", " ".repeat(120), "[".repeat(60), "\n"]]],
      },
    );
  });
});
