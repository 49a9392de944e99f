/** `decryptSops`: the library's entry point for any sops YAML file with age recipients, not only vaults. */
import { parseIdentities } from "../crypto/identities.js";
import { SopsFile } from "./sops-file.js";

/** A decrypted sops file. Holds plaintext: do not log it. */
export interface DecryptedSops {
  /** The data tree as plain values, without the `sops` block (integers beyond 2^53 stay `bigint`). */
  data: Record<string, unknown>;
  /** The decrypted document as YAML, as `sops -d` prints it: comments and order kept, no `sops` block. */
  yaml: string;
  /** The age recipients the data key is wrapped for. */
  recipients: string[];
}

/**
 * Decrypts a sops YAML file encrypted with age: unwraps the data key with one of the identities, decrypts every
 * value and verifies the sops MAC. Reads no file and no environment.
 * @param text - the file's text.
 * @param identities - age identities as text: each string holds one or more `AGE-SECRET-KEY-1…` lines (comments allowed), as in a key file.
 * @param opts - `file`: the name used in messages.
 * @throws InvalidInputError (`E_IDENTITY`) for an identity that does not parse.
 * @throws NoIdentityError when the file has no age recipients or no identity was given.
 * @throws WrongKeyError when none of the identities opens the file.
 * @throws FormatError for text that is not a sops YAML file; DecryptionError or IntegrityError (`E_MAC`) when a value or the MAC was altered.
 */
export async function decryptSops(text: string, identities: readonly string[], opts: { file?: string } = {}): Promise<DecryptedSops> {
  const file = opts.file ?? "sops file";
  const parsed = identities.flatMap((t, i) => parseIdentities(t, `identity #${i + 1} given by the caller`));
  const sf = await SopsFile.open(text, file, { identities: parsed, searched: [] });
  return { data: sf.toPlain(), yaml: sf.decryptedYaml(), recipients: sf.ageRecipients };
}
