/** The identities found for opening a file, and where they were looked for (for the "no key fits" error). */
import { parseIdentities, type Identity } from "./identities.js";

export interface KeySearch {
  identities: Identity[];
  /** The places looked at, in order, as a person would name them (`--identity ./key.txt`, `VAULTFILE_AGE_KEY`, …). */
  searched: string[];
}

/** A key search of identities handed over by a caller (key text is parsed; nothing was searched). */
export function givenIdentities(identities: readonly (string | Identity)[]): KeySearch {
  return {
    identities: identities.flatMap((id, i) =>
      typeof id === "string" ? parseIdentities(id, `identity #${i + 1} given by the caller`) : [id],
    ),
    searched: [],
  };
}
