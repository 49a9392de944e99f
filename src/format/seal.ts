/**
 * vaultfile's name seal. sops's MAC hashes leaf values in order but not key names, and concatenates them with no
 * separators, so renaming a clear-text key (`expires_at` → `rotated_at`) or shifting text between two adjacent
 * clear values passes it. The seal is an HMAC-SHA-256, under a key derived from the data key, over a canonical,
 * length-prefixed encoding of the whole tree: every key name, the shape, every leaf's type and plaintext.
 *
 * It is carried as the IV of the encrypted sops MAC (see `sops/sops-file.ts`), so sealing adds no line to the
 * file and a rotation still changes only the entry's lines, `lastmodified` and `mac`. This encoder only produces
 * the bytes; keying and hashing happen in the crypto layer.
 */
import { writeUtf8 } from "./values.js";

export type SealToken =
  | { kind: "map"; size: number }
  | { kind: "seq"; size: number }
  | { kind: "key"; name: string }
  | { kind: "leaf"; type: string; encrypted: boolean; bytes: Uint8Array }
  | { kind: "null" };

const BUFFER_BYTES = 64 * 1024;

/**
 * Streams tokens into a sink of byte chunks with unambiguous framing (tag byte + u32 length prefixes). Tokens are
 * gathered in a buffer and handed over in large chunks (a vault has tens of thousands of tokens; hashing each few
 * bytes separately cost more than the hashing itself). The bytes are the same; call {@link flush} before reading
 * the sink's result. A chunk is only valid during the sink call. The walk calls the token methods directly
 * ({@link key}, {@link leaf}, …: no object per token), and strings are encoded into the buffer natively.
 */
export class SealEncoder {
  private buf = Buffer.alloc(BUFFER_BYTES);
  private used = 0;

  constructor(private readonly sink: (chunk: Uint8Array) => void) {}

  /** Hands everything buffered to the sink. */
  flush(): void {
    if (this.used > 0) this.sink(this.buf.subarray(0, this.used));
    this.used = 0;
  }

  private room(n: number): void {
    if (this.used + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = Buffer.alloc(n);
  }

  private header(tag: number, n: number): void {
    this.room(5);
    this.buf[this.used] = tag;
    this.buf.writeUInt32BE(n, this.used + 1);
    this.used += 5;
  }

  /** A header and the UTF-8 bytes of `s`, written straight into the buffer. */
  private text(tag: number, s: string): void {
    this.room(5 + 3 * s.length);
    const n = writeUtf8(this.buf, this.used + 5, s);
    this.buf[this.used] = tag;
    this.buf.writeUInt32BE(n, this.used + 1);
    this.used += 5 + n;
  }

  map(size: number): void {
    this.header(M, size);
  }

  seq(size: number): void {
    this.header(L, size);
  }

  key(name: string): void {
    this.text(K, name);
  }

  null(): void {
    this.header(N, 0);
  }

  /** A leaf of the given sops type and its plaintext bytes. */
  leaf(type: string, encrypted: boolean, bytes: Uint8Array): void {
    this.text(encrypted ? E : S, type);
    this.header(V, bytes.length);
    this.room(bytes.length);
    this.buf.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** {@link leaf} for a plaintext given as a string: its UTF-8 bytes, without making them first. */
  textLeaf(type: string, encrypted: boolean, value: string): void {
    this.text(encrypted ? E : S, type);
    this.text(V, value);
  }

  push(t: SealToken): void {
    if (t.kind === "map") this.map(t.size);
    else if (t.kind === "seq") this.seq(t.size);
    else if (t.kind === "key") this.key(t.name);
    else if (t.kind === "leaf") this.leaf(t.type, t.encrypted, t.bytes);
    else this.null();
  }
}

const [M, L, K, N, E, S, V] = [..."MLKNESV"].map((c) => c.charCodeAt(0)) as [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

/** Domain separation for the seal key and input: bump when the encoding changes. */
export const SEAL_CONTEXT = "vaultfile seal v1";
