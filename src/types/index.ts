/** Secret types: the built-in catalogue, custom types from the vault file, format checks and companions. */
export { BUILTIN_TYPES, MIN_PASSWORD_LENGTH } from "./builtin.js";
export { TypeCatalogue } from "./catalogue.js";
export type { CompanionNeed, RoleMatch } from "./catalogue.js";
export { compilePattern, customTypeEntry, customTypeFromEntry } from "./custom.js";
export { checkTypeName, TYPE_NAME_RE } from "../rules/names.js";
export type { CustomTypeEntry, CustomTypeOptions } from "./custom.js";
export { typeFindings } from "./findings.js";
export type { TypeFindings, TypedValue } from "./findings.js";
export type {
  CompanionFinding,
  FormatCheck,
  FormatFinding,
  SecretRole,
  SecretType,
  UnknownTypeFinding,
} from "./definition.js";
