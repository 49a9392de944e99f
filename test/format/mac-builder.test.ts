/** The MAC builder buffers leaves before hashing; the digest must be that of hashing each leaf as it comes. */
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MacBuilder } from "../../src/format/mac.js";
import { utf8Bytes } from "../../src/format/values.js";

describe("MacBuilder", () => {
  it("digests random leaves (some larger than its buffer) exactly as one hash update per leaf", () => {
    const leaf = fc.record({
      bytes: fc.oneof(
        { weight: 9, arbitrary: fc.uint8Array({ maxLength: 300 }) },
        { weight: 1, arbitrary: fc.uint8Array({ minLength: 60_000, maxLength: 140_000 }) },
      ),
      encrypted: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(leaf, { maxLength: 400 }), fc.boolean(), (leaves, onlyEncrypted) => {
        const mac = new MacBuilder(onlyEncrypted);
        const reference = createHash("sha512");
        if (onlyEncrypted)
          reference.update(Buffer.from("8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69", "hex"));
        for (const l of leaves) {
          mac.add(l.bytes, l.encrypted);
          if (l.encrypted || !onlyEncrypted) reference.update(l.bytes);
        }
        expect(mac.digest()).toBe(reference.digest("hex").toUpperCase());
      }),
      { numRuns: 40 },
    );
  });

  it("utf8Bytes matches TextEncoder for ASCII, non-ASCII, lone surrogates and long strings", () => {
    const enc = new TextEncoder();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 80 }),
          fc.string({ unit: "binary", maxLength: 80 }),
          fc.string({ unit: "grapheme", maxLength: 40 }),
        ),
        (s) => {
          expect(Buffer.from(utf8Bytes(s)).equals(Buffer.from(enc.encode(s)))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("takes a string's text as its UTF-8 bytes (lone surrogates, long text, mixed with bytes)", () => {
    const enc = new TextEncoder();
    const leaf = fc.oneof(
      fc.string({ unit: "binary", maxLength: 60 }),
      fc.string({ unit: "grapheme", maxLength: 30 }),
      fc.constantFrom("\ud800", "a\udfffb", "é".repeat(30_000), "x".repeat(70_000)),
      fc.uint8Array({ maxLength: 50 }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(leaf, fc.boolean()), { maxLength: 60 }), fc.boolean(), (leaves, only) => {
        const a = new MacBuilder(only);
        const b = new MacBuilder(only);
        for (const [l, encrypted] of leaves) {
          if (typeof l === "string") a.addText(l, encrypted);
          else a.add(l, encrypted);
          b.add(typeof l === "string" ? enc.encode(l) : l, encrypted);
        }
        expect(a.digest()).toBe(b.digest());
      }),
      { numRuns: 60 },
    );
  });
});
