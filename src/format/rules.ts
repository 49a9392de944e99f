/**
 * Which leaves of a sops tree are encrypted, and the associated data that binds each one to its place.
 * Mirrors sops's `Tree.shouldBeEncrypted`: the rules look at every key on the path to the leaf.
 */
import { FormatError } from "../errors.js";
import { compileRe2, Re2SyntaxError, type Re2Pattern } from "../rules/re2.js";

export interface EncryptionRules {
  unencryptedSuffix?: string | undefined;
  encryptedSuffix?: string | undefined;
  unencryptedRegex?: string | undefined;
  encryptedRegex?: string | undefined;
  /** Comment-based selection (sops ≥ 3.9): values after a matching comment are (not) encrypted. Read by `decrypt` only. */
  unencryptedCommentRegex?: string | undefined;
  encryptedCommentRegex?: string | undefined;
}

/** sops's default when a file names no rule. */
export const DEFAULT_UNENCRYPTED_SUFFIX = "_unencrypted";

/**
 * One regular expression of the rules (`name`: its field in the `sops` block, for the error). RE2, as in sops, run in
 * linear time (`src/rules/re2.ts`): they come from the file, and no MAC covers them.
 */
export function compileRuleRegex(re: string, name: string): Re2Pattern {
  try {
    return compileRe2(re);
  } catch (cause) {
    const why = cause instanceof Re2SyntaxError ? `: ${cause.reason}` : "";
    throw new FormatError(`sops.${name} is not a valid RE2 regular expression${why}`, {
      cause,
      hint: "sops reads these patterns with Go's RE2 syntax (no lookarounds or backreferences)",
    });
  }
}

/** Compiles the rules once into a predicate over key paths (list items add nothing to a path). */
export function compileRules(rules: EncryptionRules): (path: readonly string[]) => boolean {
  const compile = compileRuleRegex;
  for (const [value, name] of [
    [rules.encryptedCommentRegex, "encrypted_comment_regex"],
    [rules.unencryptedCommentRegex, "unencrypted_comment_regex"],
  ] as const) {
    if (value !== undefined && value !== "") {
      throw new FormatError(`the file uses sops.${name}, which vaultfile reads only in \`vaultfile decrypt\``, {
        hint: "decrypt it with `vaultfile decrypt`, or re-create it without comment-based encryption rules",
      });
    }
  }
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

/**
 * The AES-GCM associated data for a leaf or comment: sops's `strings.Join(path, ":") + ":"`, i.e. each key on its
 * path followed by `:`, and `":"` for the empty path (a comment at the top level of a document).
 */
export function additionalData(path: readonly string[]): string {
  if (path.length === 0) return ":";
  let s = "";
  for (const k of path) s += k + ":";
  return s;
}
