/** How commands open the vault (read-only, or read-modify-write under the lock) and find the caller's keys. */
import { recipientOf } from "../crypto/identities.js";
import { findIdentities } from "../io/keys.js";
import type { KeySearch } from "../vault/sops-file.js";
import { openVault, updateVault, type Vault, type VaultOptions } from "../vault/vault.js";
import { vaultOptions, type CliIO, type GlobalOptions } from "./context.js";

/** The caller's age identities from every source (`--identity`, the environment, the default key files). */
export function findKeys(g: GlobalOptions, io: CliIO): KeySearch {
  return findIdentities(vaultOptions(g, io));
}

/** The public keys of the caller's identities: to mark them `(you)`, and to refuse an edit that locks them out. */
export async function myPublicKeys(g: GlobalOptions, io: CliIO): Promise<Set<string>> {
  return new Set(await Promise.all(findKeys(g, io).identities.map(recipientOf)));
}

export function readVault(g: GlobalOptions, io: CliIO, extra: Partial<VaultOptions> = {}): Promise<Vault> {
  return openVault(g.file, vaultOptions(g, io, extra));
}

/** Opens under the lock, runs `fn`, saves if anything changed. The file is untouched when `fn` throws. */
export function changeVault<T>(g: GlobalOptions, io: CliIO, fn: (v: Vault) => T | Promise<T>, extra: Partial<VaultOptions> = {}): Promise<T> {
  return updateVault(g.file, vaultOptions(g, io, extra), fn);
}
