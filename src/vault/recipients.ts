/**
 * Changing the named recipients of a vault: the `recipients` section and the `sops.age` wrapping of the data key
 * move together, so the two never disagree (which {@link checkRecipientsMatch} refuses on open).
 */
import type { YAMLMap } from "yaml";
import { ConflictError, InvalidInputError, NotFoundError } from "../errors.js";
import { checkRecipient, recipientId } from "../crypto/identities.js";
import { yamlWrite } from "../format/yaml-load.js";
import { getNode } from "../format/yaml-tree.js";
import { checkRecipientName } from "../rules/names.js";
import type { SopsFile } from "../sops/sops-file.js";
import { appendCustodyLink } from "./custody.js";
import { checkOneKind, readRecipients, SECTION } from "./schema.js";

/** Adds a named recipient and wraps the data key for it. */
export async function addRecipient(root: YAMLMap, sf: SopsFile, name: string, recipient: string): Promise<void> {
  checkRecipientName(name);
  checkRecipient(recipient, `recipient ${name}`);
  const existing = readRecipients(root);
  if (name in existing)
    throw new ConflictError("E_EXISTS", `a recipient named ${name} already exists`, {
      hint: `remove it first with \`vaultfile recipients remove ${name}\``,
    });
  // An SSH key compares without its comment: the same key from another .pub line is the same recipient.
  const holder = Object.entries(existing).find(([, k]) => recipientId(k) === recipientId(recipient));
  if (holder) throw new ConflictError("E_EXISTS", `that key is already a recipient, named ${holder[0]}`);
  checkOneKind([...Object.values(existing), recipient]);
  (getNode(root, SECTION.recipients) as YAMLMap).set(name, new (yamlWrite().Scalar)(recipient));
  await sf.addRecipient(recipient);
}

/** Removes a named recipient and rolls the data key (every value re-encrypted). */
export async function removeRecipient(root: YAMLMap, sf: SopsFile, name: string): Promise<void> {
  const rec = readRecipients(root);
  const key = rec[name];
  if (key === undefined)
    throw new NotFoundError(`no recipient named ${name}`, { hint: `recipients: ${Object.keys(rec).join(", ")}` });
  if (Object.keys(rec).length === 1)
    throw new InvalidInputError("E_RECIPIENT", `${name} is the only recipient`, {
      hint: "add another recipient first, or nobody could open the vault",
    });
  (getNode(root, SECTION.recipients) as YAMLMap).delete(name);
  const link = await sf.removeRecipient(key);
  if (link) appendCustodyLink(root, link);
}
