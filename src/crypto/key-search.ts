/** The identities found for opening a file, and where they were looked for (for the "no key fits" error). */
import type { Identity } from "./identities.js";

export interface KeySearch {
  identities: Identity[];
  /** The places looked at, in order, as a person would name them (`--identity ./key.txt`, `VAULTFILE_AGE_KEY`, …). */
  searched: string[];
}
