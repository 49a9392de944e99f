/**
 * vaultfile's library API: open a vault file, read and change its secrets, save it; decrypt any sops file with age
 * keys. Everything else (the sops engine, YAML nodes, locks, key discovery) is internal and may change in any
 * release. The API reference is generated from these comments (`npm run docs`).
 *
 * @packageDocumentation
 */
export { openVault, updateVault, createVault } from "./io/vault-file.js";
export type { VaultOptions } from "./io/vault-file.js";
export type { KeySourceOptions } from "./io/keys.js";
export { Vault, Secret } from "./vault/vault.js";
export type {
  SetOptions,
  ExpiryEntry,
  ExportSelection,
  ValidateOptions,
  ValidationResult,
  VaultModelOptions,
  VaultSettings,
  VaultStore,
} from "./vault/vault.js";
export type { ExpiryStatus } from "./vault/lifecycle.js";
export type { Exposure } from "./vault/exposure.js";
export type { Duration } from "./rules/time.js";
export { decryptSops } from "./sops/library.js";
export type { DecryptedSops } from "./sops/library.js";
export type { Identity, IdentityKind, KeyKind } from "./crypto/identities.js";
export type { AskPassphrase } from "./crypto/key-files.js";
export type { SshKeyType, SshPublicKey, SshSecret } from "./crypto/ssh-keys.js";
export type { KeySearch } from "./crypto/key-search.js";
export { BUILTIN_TYPES, checkTypeName, customTypeEntry } from "./types/index.js";
export type {
  CompanionFinding,
  CompanionNeed,
  CustomTypeEntry,
  CustomTypeOptions,
  FormatCheck,
  FormatFinding,
  RoleMatch,
  SecretRole,
  SecretType,
  TypeCatalogue,
  TypeFindings,
  UnknownTypeFinding,
} from "./types/index.js";
export {
  ConflictError,
  DecryptionError,
  ExitCode,
  ExpiredError,
  FormatError,
  IntegrityError,
  InvalidIdentityError,
  InvalidInputError,
  IoError,
  NoIdentityError,
  NotFoundError,
  SecretNotFoundError,
  StaleSealError,
  UsageError,
  VaultfileError,
  WrongKeyError,
} from "./errors.js";
export type { ErrorDetails, ExitCodeValue, KeyErrorDetails, KeyErrorOptions } from "./errors.js";
