/** The public keys of the caller's own identities, to refuse an edit that would lock them out of the vault. */
import { recipientOf } from "../../crypto/identities.js";
import { findIdentities } from "../../io/keys.js";
import type { CliIO, GlobalOptions } from "../context.js";

export async function myPublicKeys(g: GlobalOptions, io: CliIO): Promise<Set<string>> {
  const { identities } = findIdentities({ identityFiles: g.identityFiles, env: io.env });
  return new Set(await Promise.all(identities.map(recipientOf)));
}
