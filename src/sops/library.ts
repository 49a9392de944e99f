/** `decryptSops` (the library API): the entry point for any sops YAML file with age recipients, not only vaults. */
import { parseIdentities } from "../crypto/identities.js";
import { plainToJs } from "../format/plain-tree.js";
import { printSopsYaml } from "../format/sops-yaml-print.js";
import { decryptSops as decryptStream } from "./decrypt.js";

/** A decrypted sops file. Holds plaintext: do not log it. */
export interface DecryptedSops {
  /** The first document's data as plain values, without the `sops` block (integers beyond 2^53 stay `bigint`). */
  data: Record<string, unknown>;
  /** Every document of the file, as plain values. */
  documents: Record<string, unknown>[];
  /** The decrypted file as YAML, as `sops -d` prints it: comments and order kept, no `sops` block. */
  yaml: string;
  /** The age recipients the data key is wrapped for. */
  recipients: string[];
}

/**
 * Decrypts a sops YAML file encrypted with age, as `sops -d` does: unwraps the data key with one of the identities
 * (Shamir key groups included), decrypts every value of every document and verifies the sops MAC. Reads no file and
 * no environment.
 * @param text - the file's text.
 * @param identities - age identities as text: each string holds one or more `AGE-SECRET-KEY-1…` lines (comments allowed), as in a key file.
 * @param opts - `file`: the name used in messages.
 * @throws InvalidIdentityError for an identity that does not parse (its text is never in the message).
 * @throws NoIdentityError when the file has no age recipients or no identity was given.
 * @throws WrongKeyError when none of the identities opens the file.
 * @throws FormatError for text that is not a sops YAML file; DecryptionError or IntegrityError (`E_MAC`) when a value or the MAC was altered.
 */
export async function decryptSops(
  text: string,
  identities: readonly string[],
  opts: { file?: string } = {},
): Promise<DecryptedSops> {
  const file = opts.file ?? "sops file";
  const parsed = identities.flatMap((t, i) => parseIdentities(t, `identity #${i + 1} given by the caller`));
  const { documents, meta } = await decryptStream(text, file, { identities: parsed, searched: [] });
  const plain = documents.map((d) => plainToJs(d) as Record<string, unknown>);
  return {
    data: plain[0] ?? {},
    documents: plain,
    yaml: printSopsYaml(documents),
    recipients: meta.age.map((a) => a.recipient),
  };
}
