import { describe, expect, it } from "vitest";
import { fingerprint } from "../../src/git/textconv.js";

describe("keyed fingerprints in git diff", () => {
  it("are 64 bits (16 hex digits), keyed, and bound to the path", () => {
    const key = new Uint8Array(32).fill(7);
    const v = new TextEncoder().encode("hunter2");
    const fp = fingerprint(key, ["secrets", "A", "value"], v);
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint(key, ["secrets", "B", "value"], v)).not.toBe(fp);
    expect(fingerprint(new Uint8Array(32).fill(8), ["secrets", "A", "value"], v)).not.toBe(fp);
  });
});
