/** The editable view: render → parse is lossless for any value; mistakes are reported with their line. */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { parseView, renderView, type EditView } from "../../../src/cli/edit/editable-view.js";
import { testKey } from "../../helpers.js";

const ALICE = testKey("alice").recipient;

function view(values: Record<string, string>): EditView {
  const secrets = new Map(
    Object.entries(values).map(([n, value]) => [
      n,
      { value, type: "generic", description: null, expiresAt: null, rotateEvery: null },
    ]),
  );
  return { secrets, required: [], recipients: new Map([["alice", ALICE]]), lines: new Map() };
}

const stripLines = (v: EditView) => ({
  secrets: [...v.secrets].map(([n, s]) => [n, { ...s, line: undefined }]),
  required: v.required,
  recipients: [...v.recipients],
});

describe("render and parse", () => {
  test("values that YAML would read as other types or trim stay exactly as they were", () => {
    const tricky = {
      A: "0123",
      B: "true",
      C: "null",
      D: " padded ",
      E: "multi\nline\n",
      F: "# not a comment",
      G: "ünïcødé ✓",
      H: "a: b",
      I: "~",
      J: "- x",
      K: "trailing\n\n",
      L: " \n",
      M: "\n \n",
    };
    const text = renderView(view(tricky), "/x/.secrets.yaml");
    expect(stripLines(parseView(text))).toEqual(stripLines(view(tricky)));
  });

  test("any string value round-trips (property)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, unit: "binary" }), (value) => {
        const parsed = parseView(renderView(view({ S: value }), "f"));
        expect(parsed.secrets.get("S")!.value).toBe(value);
      }),
      { numRuns: 100 },
    );
  });
});

describe("mistakes name their line and never quote a value", () => {
  const base = renderView(view({ TOKEN: "s3cret-value" }), "f");
  const lineOf = (text: string, needle: string) => text.split("\n").findIndex((l) => l.includes(needle)) + 1;
  const cases: [string, (t: string) => string, RegExp, string][] = [
    [
      "unknown field",
      (t) => t.replace("    type: generic", "    typo: generic"),
      /unknown field typo in secret TOKEN/,
      "typo:",
    ],
    ["bad name", (t) => t.replace("  TOKEN:", "  my-token:"), /invalid secret name "my-token"/, "my-token:"],
    ["no value", (t) => t.replace("    value: s3cret-value\n", ""), /secret TOKEN has no value/, "TOKEN:"],
    [
      "bad type",
      (t) => t.replace("type: generic", "type: Not Valid"),
      /TOKEN\.type: a type is a lower-case word/,
      "type:",
    ],
    [
      "bad duration",
      (t) => t.replace("    type: generic", "    type: generic\n    rotate_every: 3 months"),
      /TOKEN\.rotate_every: invalid duration/,
      "    rotate_every:",
    ],
    [
      "impossible date",
      (t) => t.replace("    type: generic", "    type: generic\n    expires_at: 2027-02-30"),
      /TOKEN\.expires_at: invalid date "2027-02-30"/,
      "    expires_at:",
    ],
    [
      "bad recipient",
      (t) => t.replace(ALICE, "age1notakey"),
      /the key of alice: "age1notakey" is not an age recipient \(age1…, age1pq1…, ssh-ed25519, ssh-rsa\)/,
      "alice:",
    ],
    ["unknown section", (t) => t + "extra: 1\n", /unknown section "extra"/, "extra:"],
    [
      "value as a list",
      (t) => t.replace("value: s3cret-value", "value: [s3cret-value]"),
      /TOKEN\.value must be text/,
      "value:",
    ],
    ["YAML syntax", (t) => t.replace("  TOKEN:", "  TOKEN: {"), /invalid YAML: /, "TOKEN:"],
  ];
  test.each(cases)("%s", (name, edit, message, needle) => {
    const text = edit(base);
    let error: unknown;
    try {
      parseView(text);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: "E_FORMAT", exitCode: 6 });
    const msg = (error as Error).message;
    expect(msg).toMatch(message);
    expect(msg).not.toContain("s3cret-value");
    const line = Number(/\(line (\d+)/.exec(msg)?.[1]);
    // The reported line is the one with the mistake; a syntax error may be found on the line after it.
    const offset = line - lineOf(text, needle);
    if (name === "YAML syntax") expect([0, 1]).toContain(offset);
    else expect(offset).toBe(0);
  });

  test("removing every recipient is refused", () => {
    expect(() => parseView(base.replace(/recipients:\n.*\n/, "recipients: {}\n"))).toThrow(/at least one recipient/);
  });
});
