/**
 * vaultfile's library API. Everything a program needs is re-exported here; the modules behind it are internal.
 */
export { openVault, updateVault, Vault, Secret, readVaultText } from "./vault/vault.js";
export type { VaultOptions, SetOptions, ExpiryEntry, ValidationResult } from "./vault/vault.js";
export { SopsFile, SOPS_VERSION } from "./vault/sops-file.js";
export type { SealState } from "./vault/sops-file.js";
export type { KeySearch } from "./sops/data-key.js";
export { decryptSops } from "./sops/decrypt.js";
export type { DecryptedSops } from "./sops/decrypt.js";
export { printSopsYaml } from "./format/sops-yaml-print.js";
export { printSopsJson } from "./format/sops-json-print.js";
export { plainToJs } from "./format/plain-tree.js";
export type { PlainComment, PlainList, PlainMap, PlainNode, PlainScalar } from "./format/plain-tree.js";
export { parseDate, parseDuration, addDuration, daysUntil, statusOf, formatTimestamp, checkSecretName, DEFAULT_WARN_DAYS } from "./vault/policy.js";
export type { Duration, ExpiryStatus } from "./vault/policy.js";
export { findIdentities, defaultKeyFile, sopsKeyFile } from "./io/keys.js";
export type { KeySourceOptions } from "./io/keys.js";
export { parseIdentities, recipientOf, recipientKind } from "./crypto/identities.js";
export type { Identity, KeyKind } from "./crypto/identities.js";
export { BUILTIN_TYPES, MIN_PASSWORD_LENGTH, TypeCatalogue, checkTypeName, customTypeEntry, typeFindings } from "./types/index.js";
export type { CompanionFinding, CustomTypeEntry, CustomTypeOptions, FormatCheck, FormatFinding, SecretRole, SecretType, TypeFindings, UnknownTypeFinding } from "./types/index.js";
export * from "./errors.js";
