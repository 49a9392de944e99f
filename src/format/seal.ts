/**
 * vaultfile's name seal. sops's MAC hashes leaf values in order but not key names, and concatenates them with no
 * separators, so renaming a clear-text key (`expires_at` → `rotated_at`) or shifting text between two adjacent
 * clear values passes it. The seal is an HMAC-SHA-256, under a key derived from the data key, over a canonical,
 * length-prefixed encoding of the whole tree: every key name, the shape, every leaf's type and plaintext.
 *
 * It is carried as the IV of the encrypted sops MAC (see `vault/sops-file.ts`), so sealing adds no line to the
 * file and a rotation still changes only the entry's lines, `lastmodified` and `mac`. This encoder only produces
 * the bytes; keying and hashing happen in the crypto layer.
 */

export type SealToken =
  | { kind: "map"; size: number }
  | { kind: "seq"; size: number }
  | { kind: "key"; name: string }
  | { kind: "leaf"; type: string; encrypted: boolean; bytes: Uint8Array }
  | { kind: "null" };

const utf8 = new TextEncoder();

/** Streams tokens into a sink of byte chunks with unambiguous framing (tag byte + u32 length prefixes). */
export class SealEncoder {
  constructor(private readonly sink: (chunk: Uint8Array) => void) {}

  private header(tag: string, n: number): void {
    const b = new Uint8Array(5);
    b[0] = tag.charCodeAt(0);
    new DataView(b.buffer).setUint32(1, n);
    this.sink(b);
  }

  push(t: SealToken): void {
    switch (t.kind) {
      case "map":
        this.header("M", t.size);
        break;
      case "seq":
        this.header("L", t.size);
        break;
      case "key": {
        const b = utf8.encode(t.name);
        this.header("K", b.length);
        this.sink(b);
        break;
      }
      case "leaf": {
        const type = utf8.encode(t.type);
        this.header(t.encrypted ? "E" : "S", type.length);
        this.sink(type);
        this.header("V", t.bytes.length);
        this.sink(t.bytes);
        break;
      }
      case "null":
        this.header("N", 0);
        break;
    }
  }
}

/** Domain separation for the seal key and input: bump when the encoding changes. */
export const SEAL_CONTEXT = "vaultfile seal v1";
