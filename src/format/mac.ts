/**
 * The sops MAC: SHA-512 over the plaintext bytes of the tree's leaves in document order, uppercase hex.
 * Key names are not part of it; see `seal.ts` for how vaultfile covers them.
 */
import { createHash, type Hash } from "node:crypto";

/** Absorbed first when `mac_only_encrypted` is set (sops `MACOnlyEncryptedInitialization`). */
const MAC_ONLY_ENCRYPTED_INIT = Buffer.from("8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69", "hex");

export class MacBuilder {
  private readonly hash: Hash = createHash("sha512");
  constructor(private readonly onlyEncrypted: boolean) {
    if (onlyEncrypted) this.hash.update(MAC_ONLY_ENCRYPTED_INIT);
  }
  /** Adds one leaf. Comments are never passed here. */
  add(bytes: Uint8Array, encrypted: boolean): void {
    if (encrypted || !this.onlyEncrypted) this.hash.update(bytes);
  }
  /** The MAC as sops stores it (before encryption): 128 uppercase hex characters. */
  digest(): string {
    return this.hash.digest("hex").toUpperCase();
  }
}
