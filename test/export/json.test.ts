import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toJson } from "../../src/export/json.js";
import { envArb, RUNS } from "./arbitraries.js";

describe("json export", () => {
  it("JSON.parse reads every record back exactly, in order", () => {
    fc.assert(
      fc.property(envArb(), (env) => {
        const parsed = JSON.parse(toJson(env)) as Record<string, string>;
        expect(parsed).toEqual(env);
        expect(Object.keys(parsed)).toEqual(Object.keys(env));
      }),
      { numRuns: RUNS },
    );
  });

  it("holds a NUL character, which only JSON can", () => {
    expect(JSON.parse(toJson({ A: "x\0y" }))).toEqual({ A: "x\0y" });
  });

  it("refuses a name that is not an environment variable", () => {
    expect(() => toJson({ "my-var": "v" })).toThrow(/cannot export "my-var": not a valid environment variable name/);
  });
});
