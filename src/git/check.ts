/**
 * `vaultfile check`: what a pre-commit hook or CI can verify about a vault file. Without a key: it parses, has a
 * sops block, every value is encrypted (no plaintext), the named recipients match the wrapped keys, and no merge
 * conflict is left in it. With a key that opens it: also the MAC, the name seal and the vault's structure.
 */
import { ConflictError, InvalidInputError, WrongKeyError } from "../errors.js";
import { findIdentities } from "../io/keys.js";
import { openVaultText, readVaultText, type VaultOptions } from "../io/vault-file.js";
import { checkRecipientsMatch } from "../vault/schema.js";
import { hasConflictReport } from "../format/conflict-markers.js";
import { plaintextLeaves, readVaultView } from "./vault-view.js";

export interface CheckResult {
  file: string;
  /** True when a key opened the file and the MAC and seal were verified. */
  macVerified: boolean;
}

/** Checks one file; throws the {@link VaultfileError} that describes the first problem. */
export async function checkVaultFile(file: string, opts: VaultOptions): Promise<CheckResult> {
  const text = readVaultText(file);
  if (hasConflictReport(text)) {
    throw new ConflictError("E_CONFLICT", `${file} holds an unresolved merge conflict`, {
      hint: `the comment block at the top names each entry both sides changed: \`vaultfile git resolve ${file} --ours NAME… / --theirs NAME…\`, then \`git add\``,
    });
  }
  const view = readVaultView(text, file);
  const plain = plaintextLeaves(view);
  if (plain.length > 0) {
    const names = plain.map((p) => (p.startsWith("secrets.") && p.endsWith(".value") ? p.slice(8, -6) : p));
    throw new InvalidInputError("E_VALUE", `PLAINTEXT in ${file}: the value of ${names.join(", ")} is not encrypted`, {
      hint: `do not commit this. Store it with \`vaultfile set ${names[0]}\`, and rotate it at its source: it was written in clear`,
    });
  }
  checkRecipientsMatch(file, view.recipients, view.meta.age.map((a) => a.recipient));
  if (findIdentities(opts).identities.length === 0) return { file, macVerified: false };
  try {
    await openVaultText(text, file, opts);
  } catch (err) {
    // A key that belongs to another vault is not a failure of this one: the keyless checks passed.
    if (err instanceof WrongKeyError) return { file, macVerified: false };
    throw err;
  }
  return { file, macVerified: true };
}
