/** The options of the vault model: behaviour (clock, warning window, stale seals), file name and store. */
import type { Vault } from "./vault.js";

/** How an opened vault behaves: its clock, the expiring-soon window, and whether a stale seal is accepted. */
export interface VaultSettings {
  /** The clock; inject one for deterministic expiry. Defaults to the system time. */
  now?: () => Date;
  /** Days below which a secret counts as expiring soon (default 30). */
  warnDays?: number;
  /**
   * Open a file whose sops MAC is valid but whose name seal is missing or stale (last written by plain sops or
   * another tool). Saving re-seals it. Without this, such a file is refused with a `StaleSealError`.
   */
  acceptStaleSeal?: boolean;
  /**
   * `false`: open read-only, without loading the `yaml` library (the file's own reader builds a light tree): every
   * check is the same, but changing or saving the vault throws. For programs that only read. Default `true`.
   */
  editable?: boolean;
}

/**
 * Where a vault is kept. The vault model never touches files: `io/vault-file.ts` gives the vaults it opens a store
 * that writes them (atomically, under the lock, refusing when the file changed on disk).
 */
export interface VaultStore {
  /** Writes `vault.toText()`. */
  save(vault: Vault, opts: { exclusive?: boolean }): Promise<void>;
}

/** How {@link Vault.fromText} and {@link Vault.create} build a vault: its file name (for messages) and its store. */
export interface VaultModelOptions extends VaultSettings {
  /** The file name used in messages (default `vault`). */
  file?: string | undefined;
  /** Where {@link Vault.save} writes; without one, `save` throws. */
  store?: VaultStore | undefined;
}
