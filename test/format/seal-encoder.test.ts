/**
 * The seal encoder buffers its output; the bytes must be exactly the framing it always had (tag byte, u32 length,
 * payload), or every existing vault's seal would turn stale. A direct reference encoding is compared on random token
 * streams, including leaves larger than the buffer.
 */
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SealEncoder, type SealToken } from "../../src/format/seal.js";
import { openVault } from "../../src/io/vault-file.js";
import { cleanEnv, ROOT, testKey } from "../helpers.js";

function reference(tokens: SealToken[]): Buffer {
  const parts: Buffer[] = [];
  const head = (tag: string, n: number) => {
    const b = Buffer.alloc(5);
    b[0] = tag.charCodeAt(0);
    b.writeUInt32BE(n, 1);
    parts.push(b);
  };
  for (const t of tokens) {
    if (t.kind === "map") head("M", t.size);
    else if (t.kind === "seq") head("L", t.size);
    else if (t.kind === "null") head("N", 0);
    else if (t.kind === "key") {
      const b = Buffer.from(t.name, "utf8");
      head("K", b.length);
      parts.push(b);
    } else {
      const type = Buffer.from(t.type, "utf8");
      head(t.encrypted ? "E" : "S", type.length);
      parts.push(type);
      head("V", t.bytes.length);
      parts.push(Buffer.from(t.bytes));
    }
  }
  return Buffer.concat(parts);
}

const token: fc.Arbitrary<SealToken> = fc.oneof(
  fc.record({ kind: fc.constant("map" as const), size: fc.nat() }),
  fc.record({ kind: fc.constant("seq" as const), size: fc.nat() }),
  fc.record({ kind: fc.constant("null" as const) }),
  fc.record({ kind: fc.constant("key" as const), name: fc.string({ unit: "grapheme" }) }),
  fc.record({ kind: fc.constant("key" as const), name: fc.string({ unit: "binary", maxLength: 20 }) }),
  fc.record({
    kind: fc.constant("leaf" as const),
    type: fc.constantFrom("str", "int", "bool"),
    encrypted: fc.boolean(),
    bytes: fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: 70_000, maxLength: 140_000 })),
  }),
);

describe("seal encoder", () => {
  it("emits exactly the reference framing, whatever the chunking", () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 40 }), (tokens) => {
        const chunks: Buffer[] = [];
        const enc = new SealEncoder((c) => chunks.push(Buffer.from(c)));
        for (const t of tokens) enc.push(t);
        enc.flush();
        expect(Buffer.concat(chunks).equals(reference(tokens))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it("encodes a text leaf as the leaf of its UTF-8 bytes", () => {
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.constantFrom("\ud800", "é".repeat(30_000), "x".repeat(70_000)),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(text, fc.boolean()), { maxLength: 20 }), (leaves) => {
        const chunks: Buffer[] = [];
        const enc = new SealEncoder((c) => chunks.push(Buffer.from(c)));
        for (const [t, encrypted] of leaves) enc.textLeaf("str", encrypted, t);
        enc.flush();
        const tokens: SealToken[] = leaves.map(([t, encrypted]) => ({
          kind: "leaf",
          type: "str",
          encrypted,
          bytes: new TextEncoder().encode(t),
        }));
        expect(Buffer.concat(chunks).equals(reference(tokens))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it("still finds the seal of the committed example vault valid", async () => {
    const v = await openVault(join(ROOT, ".secrets.example.yaml"), {
      identityFiles: [testKey("alice").identityFile],
      env: cleanEnv(),
    });
    expect(v.sealState).toBe("valid");
  });
});
