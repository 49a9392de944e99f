/**
 * The sops MAC: SHA-512 over the plaintext bytes of the tree's leaves in document order, uppercase hex.
 * Key names are not part of it; see `seal.ts` for how vaultfile covers them.
 */
import { createHash, type Hash } from "node:crypto";
import { writeUtf8 } from "./values.js";

/** Absorbed first when `mac_only_encrypted` is set (sops `MACOnlyEncryptedInitialization`). */
const MAC_ONLY_ENCRYPTED_INIT = Buffer.from("8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69", "hex");

/**
 * Leaves are gathered in a 64 KiB buffer and hashed in large chunks: a vault has tens of thousands of small leaves,
 * and one native hash call per leaf cost more than the hashing. The digest is the same.
 */
export class MacBuilder {
  private readonly hash: Hash = createHash("sha512");
  private readonly buf = Buffer.alloc(64 * 1024);
  private used = 0;
  constructor(private readonly onlyEncrypted: boolean) {
    if (onlyEncrypted) this.hash.update(MAC_ONLY_ENCRYPTED_INIT);
  }
  /** Adds one leaf. Comments are never passed here. */
  add(bytes: Uint8Array, encrypted: boolean): void {
    if (!encrypted && this.onlyEncrypted) return;
    if (bytes.length > this.buf.length - this.used) {
      this.flush();
      if (bytes.length > this.buf.length) {
        this.hash.update(bytes);
        return;
      }
    }
    this.buf.set(bytes, this.used);
    this.used += bytes.length;
  }
  /** {@link add} for a plaintext given as a string: its UTF-8 bytes, encoded straight into the buffer. */
  addText(text: string, encrypted: boolean): void {
    if (!encrypted && this.onlyEncrypted) return;
    if (3 * text.length > this.buf.length - this.used) {
      this.flush();
      if (3 * text.length > this.buf.length) {
        this.hash.update(text, "utf8");
        return;
      }
    }
    this.used += writeUtf8(this.buf, this.used, text);
  }
  /** The MAC as sops stores it (before encryption): 128 uppercase hex characters. */
  digest(): string {
    this.flush();
    return this.hash.digest("hex").toUpperCase();
  }
  private flush(): void {
    if (this.used > 0) this.hash.update(this.buf.subarray(0, this.used));
    this.used = 0;
  }
}
