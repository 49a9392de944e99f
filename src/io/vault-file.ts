/**
 * Vault files: reading one (with the caller's keys found as the CLI finds them), saving it atomically under its
 * lock, and read-modify-write ({@link updateVault}). The vault model itself (`vault/vault.ts`) is pure.
 */
import { ConflictError } from "../errors.js";
import { Vault, type VaultSettings, type VaultStore } from "../vault/vault.js";
import { writeFileAtomic } from "./atomic.js";
import { findIdentities, type KeySourceOptions } from "./keys.js";
import { acquireLock, type Lock } from "./lock.js";
import { readTextFile } from "./text-file.js";

/**
 * Options of {@link openVault}, {@link createVault} and {@link updateVault}: where the keys come from
 * (`identityFiles`, `identities`, `env`), how the vault behaves (`now`, `warnDays`, `acceptStaleSeal`), and who
 * hears about a save that did something the caller may not expect (`warn`).
 */
export interface VaultOptions extends KeySourceOptions, VaultSettings {
  /**
   * Called with one line when saving replaced a read-only vault file (no write permission for its owner): the
   * rename replaces it as the folder allows, and the new file keeps the read-only mode. Default: nobody is told.
   */
  warn?: ((message: string) => void) | undefined;
}

/** Saves a vault to its file: the lock (held by {@link updateVault}, or taken for the write) and the on-disk check. */
class FileStore implements VaultStore {
  lock: Lock | undefined;

  constructor(
    private readonly path: string,
    /** The text the vault was read from; `undefined` for a new vault, which must not overwrite a file. */
    private diskText: string | undefined,
    private readonly warn: VaultOptions["warn"],
  ) {}

  async save(vault: Vault, opts: { exclusive?: boolean }): Promise<void> {
    const own = this.lock === undefined;
    const lock = this.lock ?? acquireLock(this.path);
    try {
      const text = vault.toText();
      writeVaultText(this.path, this.diskText, text, {
        exclusive: opts.exclusive ?? this.diskText === undefined,
        warn: this.warn,
      });
      this.diskText = text;
    } finally {
      if (own) lock.release();
    }
  }
}

/**
 * Writes a vault file's new text atomically, the lock already held: refuses (`E_CONFLICT`) when the file on disk
 * is no longer `expected` (the text the change was made from; `undefined` for a new file), keeps the file's mode,
 * and tells `warn` when it replaced a read-only file.
 */
export function writeVaultText(
  path: string,
  expected: string | undefined,
  text: string,
  opts: { exclusive?: boolean; warn?: VaultOptions["warn"] } = {},
): void {
  if (expected !== undefined && readVaultText(path) !== expected) {
    throw new ConflictError("E_CONFLICT", `${path} changed on disk since it was opened`, {
      hint: "run the command again",
    });
  }
  const { previousMode } = writeFileAtomic(path, text, { exclusive: opts.exclusive ?? false });
  if (previousMode !== undefined && (previousMode & 0o200) === 0) {
    opts.warn?.(
      `${path} was read-only (mode ${previousMode.toString(8).padStart(4, "0")}); replaced it with the new version, which keeps that mode`,
    );
  }
}

/**
 * Reads a vault file's text, turning system errors into clear ones (a missing file says how to make one).
 * @throws NotFoundError when the file does not exist; IoError when it cannot be read.
 */
export function readVaultText(path: string): string {
  return readTextFile(path, {
    missingHint: "create a vault with `vaultfile init`, or point to one with -f FILE or VAULTFILE_FILE",
  });
}

/**
 * Opens a vault from text already read, finding the keys as {@link openVault} does; `save` writes to `path` and
 * refuses when the file no longer holds `text`.
 * @throws as {@link openVault}, except for reading the file.
 */
export async function openVaultText(text: string, path: string, opts: VaultOptions = {}): Promise<Vault> {
  return open(text, path, opts, new FileStore(path, text, opts.warn));
}

async function open(text: string, path: string, opts: VaultOptions, store: FileStore): Promise<Vault> {
  return Vault.fromText(text, findIdentities(opts), { ...settings(opts), file: path, store });
}

/**
 * Opens and verifies a vault file. Finds the age key as the CLI does (see README "Keys"): `identityFiles`, then
 * `identities`, then `VAULTFILE_AGE_KEY`, `SOPS_AGE_KEY`, the `*_KEY_FILE` variables and the default key files.
 * @throws NotFoundError when the file does not exist; IoError when it cannot be read.
 * @throws NoIdentityError when no identity is found, WrongKeyError when none opens the file (both with `keys`:
 * the file's recipients, the places searched, the keys tried); InvalidIdentityError for a malformed key.
 * @throws IntegrityError (MAC, seal, recipients), DecryptionError or FormatError for an altered or malformed file;
 * StaleSealError for a file last saved by plain sops (unless `acceptStaleSeal`).
 */
export function openVault(path: string, opts: VaultOptions = {}): Promise<Vault> {
  return openVaultText(readVaultText(path), path, opts);
}

/**
 * A new, empty vault for `path`, encrypted to the named recipients (name → age recipient). Not written until
 * `save`, which refuses to overwrite an existing file.
 * @throws InvalidInputError without recipients, for a bad name or key, or for mixed key kinds.
 */
export function createVault(path: string, recipients: Record<string, string>, opts: VaultOptions = {}): Promise<Vault> {
  return Vault.create(recipients, { ...settings(opts), file: path, store: new FileStore(path, undefined, opts.warn) });
}

/**
 * Read-modify-write under the vault's lock: opens, runs `fn`, saves when something changed, releases. Concurrent
 * callers on the same file are serialised, so none of their changes is lost; when `fn` throws, nothing is written.
 * @throws ConflictError (`E_LOCKED`) when another process holds the lock past the timeout; whatever
 * {@link openVault} and `fn` throw; IoError when the file cannot be written.
 */
export async function updateVault<T>(
  path: string,
  opts: VaultOptions,
  fn: (vault: Vault) => T | Promise<T>,
): Promise<T> {
  const lock = acquireLock(path);
  try {
    const text = readVaultText(path);
    const store = new FileStore(path, text, opts.warn);
    store.lock = lock;
    const vault = await open(text, path, { ...opts, editable: true }, store);
    const result = await fn(vault);
    if (vault.isDirty) await vault.save();
    return result;
  } finally {
    lock.release();
  }
}

function settings(opts: VaultOptions): VaultSettings {
  const out: VaultSettings = {};
  if (opts.now !== undefined) out.now = opts.now;
  if (opts.warnDays !== undefined) out.warnDays = opts.warnDays;
  if (opts.acceptStaleSeal !== undefined) out.acceptStaleSeal = opts.acceptStaleSeal;
  if (opts.editable !== undefined) out.editable = opts.editable;
  return out;
}
