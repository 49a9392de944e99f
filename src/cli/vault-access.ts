/** How commands open the vault: read-only, or read-modify-write under the lock. */
import { openVault, updateVault, type Vault, type VaultOptions } from "../vault/vault.js";
import { vaultOptions, type CliIO, type GlobalOptions } from "./context.js";

export function readVault(g: GlobalOptions, io: CliIO, extra: Partial<VaultOptions> = {}): Promise<Vault> {
  return openVault(g.file, vaultOptions(g, io, extra));
}

/** Opens under the lock, runs `fn`, saves if anything changed. The file is untouched when `fn` throws. */
export function changeVault<T>(g: GlobalOptions, io: CliIO, fn: (v: Vault) => T | Promise<T>, extra: Partial<VaultOptions> = {}): Promise<T> {
  return updateVault(g.file, vaultOptions(g, io, extra), fn);
}
