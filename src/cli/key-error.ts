/**
 * The one place that words a "no key opens this file" error for a person, from the structured facts the sops
 * engine attaches (`err.keys`): the file's recipients by name, the places searched, the public keys tried, and the
 * command that would let the caller in. Public keys only: never any part of a secret key.
 */
import { NoIdentityError, WrongKeyError, type KeyErrorDetails, type VaultfileError } from "../errors.js";
import { describeRecipient, recipientId } from "../crypto/identities.js";

/** The hint to print for an error: worded from `keys` for key errors that carry it, else the error's own. */
export function hintFor(err: VaultfileError): string | undefined {
  if ((err instanceof NoIdentityError || err instanceof WrongKeyError) && err.keys)
    return keyErrorHint(err instanceof WrongKeyError ? "wrong" : "none", err.keys);
  return err.hint;
}

/** The hint of a key error: `none` = no identity found at all, `wrong` = identities found, none opens the file. */
export function keyErrorHint(kind: "none" | "wrong", k: KeyErrorDetails): string {
  // SSH keys as their fingerprints (what `ssh-keygen -lf` prints), age keys whole: people compare them by eye.
  const holders = k.named
    ? Object.entries(k.named).map(([name, r]) => `${name} (${describeRecipient(r)})`)
    : k.recipients.map(describeRecipient);
  if (kind === "none")
    return `looked in: ${k.searched.join("; ")}. Recipients of the file: ${holders.join(", ")}. Set VAULTFILE_AGE_KEY or pass --identity`;
  const sources = [...new Set(k.tried.map((t) => t.source))];
  const mine = [
    ...new Set(k.tried.flatMap((t) => (t.recipient ? [`${describeRecipient(t.recipient)} from ${t.source}`] : []))),
  ];
  const first = k.tried.find((t) => t.recipient !== undefined)?.recipient;
  const yours = mine.length > 0 ? ` Your keys: ${mine.join(", ")}.` : "";
  const theirs = first && recipientId(first).startsWith("ssh-") ? '"$(cat YOUR_KEY.pub)"' : first;
  const ask =
    k.named && theirs
      ? ` Ask one of them to run \`vaultfile recipients add NAME ${theirs}\``
      : " Ask a recipient to run `vaultfile recipients add` for your public key";
  return `tried ${k.tried.length} key(s) from: ${sources.join(", ")}. The file is encrypted to: ${holders.join(", ")}.${yours}${ask}`;
}
