/**
 * `vaultfile check`: what a pre-commit hook or CI can verify about a vault file. Without a key: it parses, has a
 * sops block, every value is encrypted (no plaintext), the named recipients match the wrapped keys, and no merge
 * conflict is left in it. With a key that opens it: also the MAC, the name seal and the vault's structure.
 */
import { countAgeStanzas } from "../crypto/age.js";
import { MAX_AGE_STANZAS } from "../rules/limits.js";
import { ConflictError, FormatError, InvalidInputError, WrongKeyError } from "../errors.js";
import { parseEncryptedValue } from "../format/enc.js";
import type { SopsMetadata } from "../format/yaml.js";
import { findIdentities } from "../io/keys.js";
import { openVaultText, readVaultText, type VaultOptions } from "../io/vault-file.js";
import { checkRecipientsMatch, checkVaultSopsBlock } from "../vault/schema.js";
import { hasConflictReport } from "../format/conflict-markers.js";
import { plaintextLeaves, readVaultView } from "./vault-view.js";

export interface CheckResult {
  file: string;
  /** True when a key opened the file and the MAC and seal were verified. */
  macVerified: boolean;
}

/**
 * What can be checked of the sops block without a key: `sops.mac` is a well-formed ENC[…] string, and every
 * `sops.age` stanza is well-formed age armor (a truncated or hand-edited one passed a keyless check before) with
 * at most {@link MAX_AGE_STANZAS} recipient stanzas, as a reader with a key checks before unwrapping.
 */
async function checkSopsSyntax(meta: SopsMetadata, file: string): Promise<void> {
  if (meta.mac === undefined || meta.mac === "")
    throw new FormatError(`sops.mac is missing in ${file}`, {
      hint: "the file was damaged or not written by sops; restore it from git",
    });
  parseEncryptedValue(meta.mac, "sops.mac");
  const { armor } = await import("age-encryption");
  for (const [i, stanza] of meta.age.entries()) {
    let bytes: Uint8Array;
    try {
      bytes = armor.decode(stanza.enc);
    } catch {
      throw new FormatError(`sops.age item ${i + 1} in ${file} is not valid age armor (truncated or edited)`, {
        hint: "restore the file from git; a recipient can re-wrap the data key with `vaultfile recipients add`",
      });
    }
    // An age file: the header (up to its "---" MAC line), then a 16-byte nonce and one chunk holding the 32-byte
    // data key with its 16-byte tag.
    const text = Buffer.from(bytes).toString("latin1");
    const end = text.indexOf("\n--- ");
    const payload = end === -1 ? -1 : bytes.length - (text.indexOf("\n", end + 1) + 1);
    const stanzas = countAgeStanzas(stanza.enc);
    if (stanzas > MAX_AGE_STANZAS) {
      throw new FormatError(
        `sops.age item ${i + 1} in ${file} holds ${stanzas} age stanzas, more than the limit of ${MAX_AGE_STANZAS}`,
        { hint: 'sops writes one stanza per recipient item; see README "Limits". Restore the sops block from git' },
      );
    }
    if (
      !text.startsWith("age-encryption.org/v1\n") ||
      end === -1 ||
      text.indexOf("\n", end + 1) === -1 ||
      payload !== 16 + 32 + 16
    ) {
      throw new FormatError(
        `sops.age item ${i + 1} in ${file} is not a complete age file wrapping a data key (truncated or edited)`,
        { hint: "restore the file from git" },
      );
    }
  }
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
  checkRecipientsMatch(
    file,
    view.recipients,
    view.meta.age.map((a) => a.recipient),
  );
  checkVaultSopsBlock(file, view.meta);
  await checkSopsSyntax(view.meta, file);
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
