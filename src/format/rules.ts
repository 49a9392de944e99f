/**
 * Which leaves of a sops tree are encrypted, and the associated data that binds each one to its place.
 * Mirrors sops's `Tree.shouldBeEncrypted`: the rules look at every key on the path to the leaf.
 */
import { FormatError } from "../errors.js";

export interface EncryptionRules {
  unencryptedSuffix?: string | undefined;
  encryptedSuffix?: string | undefined;
  unencryptedRegex?: string | undefined;
  encryptedRegex?: string | undefined;
}

/** sops's default when a file names no rule. */
export const DEFAULT_UNENCRYPTED_SUFFIX = "_unencrypted";

/** Compiles the rules once into a predicate over key paths (list items add nothing to a path). */
export function compileRules(rules: EncryptionRules): (path: readonly string[]) => boolean {
  const compile = (re: string, name: string): RegExp => {
    try {
      return new RegExp(re, "u");
    } catch (cause) {
      throw new FormatError(`sops.${name} is not a valid regular expression`, { cause });
    }
  };
  if (rules.encryptedRegex !== undefined) {
    const re = compile(rules.encryptedRegex, "encrypted_regex");
    return (path) => path.some((k) => re.test(k));
  }
  if (rules.unencryptedRegex !== undefined) {
    const re = compile(rules.unencryptedRegex, "unencrypted_regex");
    return (path) => !path.some((k) => re.test(k));
  }
  if (rules.encryptedSuffix !== undefined) {
    const suffix = rules.encryptedSuffix;
    return (path) => path.some((k) => k.endsWith(suffix));
  }
  const suffix = rules.unencryptedSuffix ?? DEFAULT_UNENCRYPTED_SUFFIX;
  return (path) => !path.some((k) => k.endsWith(suffix));
}

/** The AES-GCM associated data for a leaf: each key on its path followed by `:`. */
export function additionalData(path: readonly string[]): string {
  let s = "";
  for (const k of path) s += k + ":";
  return s;
}
