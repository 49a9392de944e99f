/**
 * Which leaves and comments of a sops tree are encrypted: sops's `Tree.shouldBeEncrypted`, the path rules
 * (suffixes, regexes) and then the comment rules over the comments seen on the way to the leaf.
 */
import { compileRuleRegex, DEFAULT_UNENCRYPTED_SUFFIX, type EncryptionRules } from "../format/rules.js";
import type { Re2Pattern } from "../rules/re2.js";

/** `comments`: one list per enclosing mapping or list, of the comments seen since its last item. */
export type ShouldEncrypt = (
  path: readonly string[],
  comments: readonly (readonly string[])[],
  isComment: boolean,
) => boolean;

/** sops's `shouldBeEncrypted`: the path rules, then the comment rules over the comments seen on the way. */
export function selector(rules: EncryptionRules): ShouldEncrypt {
  const re = (s: string | undefined, name: string): Re2Pattern | undefined =>
    s === undefined || s === "" ? undefined : compileRuleRegex(s, name);
  const unencRe = re(rules.unencryptedRegex, "unencrypted_regex");
  const encRe = re(rules.encryptedRegex, "encrypted_regex");
  const unencComment = re(rules.unencryptedCommentRegex, "unencrypted_comment_regex");
  const encComment = re(rules.encryptedCommentRegex, "encrypted_comment_regex");
  const anySet = [
    rules.unencryptedSuffix,
    rules.encryptedSuffix,
    rules.unencryptedRegex,
    rules.encryptedRegex,
    rules.unencryptedCommentRegex,
    rules.encryptedCommentRegex,
  ].some((v) => v !== undefined && v !== "");
  const unencSuffix = rules.unencryptedSuffix || (anySet ? undefined : DEFAULT_UNENCRYPTED_SUFFIX);
  const encSuffix = rules.encryptedSuffix || undefined;
  return (path, comments, isComment) => {
    let encrypted = true;
    if (unencSuffix !== undefined && path.some((k) => k.endsWith(unencSuffix))) encrypted = false;
    if (encSuffix !== undefined) encrypted = path.some((k) => k.endsWith(encSuffix));
    if (unencRe && path.some((k) => unencRe.test(k))) encrypted = false;
    if (encRe) encrypted = path.some((k) => encRe.test(k));
    if (unencComment && comments.some((cs) => cs.some((c) => unencComment.test(c)))) encrypted = false;
    if (encComment) {
      encrypted = false;
      const lastSet = comments.length - 1;
      outer: for (const [i, cs] of comments.entries()) {
        for (const [j, c] of cs.entries()) {
          // The matching comment itself stays readable.
          if (isComment && i === lastSet && j === cs.length - 1) continue;
          if (encComment.test(c)) {
            encrypted = true;
            break outer;
          }
        }
      }
    }
    return encrypted;
  };
}
