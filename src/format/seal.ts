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

export type SealToken =
  | { kind: "map"; size: number }
  | { kind: "seq"; size: number }
  | { kind: "key"; name: string }
  | { kind: "leaf"; type: string; encrypted: boolean; bytes: Uint8Array }
  | { kind: "null" };

const utf8 = new TextEncoder();
const BUFFER_BYTES = 64 * 1024;

/**
 * Streams tokens into a sink of byte chunks with unambiguous framing (tag byte + u32 length prefixes). Tokens are
 * gathered in a buffer and handed over in large chunks (a vault has tens of thousands of tokens; hashing each few
 * bytes separately cost more than the hashing itself). The bytes are the same; call {@link flush} before reading
 * the sink's result. A chunk is only valid during the sink call.
 */
export class SealEncoder {
  private buf = new Uint8Array(BUFFER_BYTES);
  private view = new DataView(this.buf.buffer);
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
    if (n > this.buf.length) {
      this.buf = new Uint8Array(n);
      this.view = new DataView(this.buf.buffer);
    }
  }

  private header(tag: string, n: number): void {
    this.room(5);
    this.buf[this.used] = tag.charCodeAt(0);
    this.view.setUint32(this.used + 1, n);
    this.used += 5;
  }

  /** A header and the UTF-8 bytes of `s`, written straight into the buffer (no array per token). */
  private text(tag: string, s: string): void {
    this.room(5 + 3 * s.length);
    const start = this.used + 5;
    let n = 0;
    while (n < s.length) {
      const c = s.charCodeAt(n);
      if (c > 0x7f) break;
      this.buf[start + n++] = c;
    }
    if (n < s.length) n = utf8.encodeInto(s, this.buf.subarray(start)).written;
    this.buf[this.used] = tag.charCodeAt(0);
    this.view.setUint32(this.used + 1, n);
    this.used = start + n;
  }

  private bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.used);
    this.used += b.length;
  }

  push(t: SealToken): void {
    switch (t.kind) {
      case "map":
        this.header("M", t.size);
        break;
      case "seq":
        this.header("L", t.size);
        break;
      case "key":
        this.text("K", t.name);
        break;
      case "leaf": {
        this.text(t.encrypted ? "E" : "S", t.type);
        this.header("V", t.bytes.length);
        this.bytes(t.bytes);
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
