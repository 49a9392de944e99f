/**
 * `vaultfile reseal --vouch REV`: a file whose data key was replaced outside vaultfile (plain `sops rotate`, another
 * sops tool) carries no custody link, so `history --verify` reports a break. A holder of both the old key (the
 * file at REV) and the new one vouches for the change: the custody link from REV's key to the current one is
 * appended, and the file is sealed again. What changed between the two is worked out here (names only, never a
 * value) for the person to review first.
 */
import { basename, dirname } from "node:path";
import { custodyHolds, custodyLink } from "../crypto/custody.js";
import type { KeySearch } from "../crypto/key-search.js";
import { NotFoundError } from "../errors.js";
import { SopsFile } from "../sops/sops-file.js";
import { appendCustodyLink, readCustody } from "../vault/custody.js";
import { Vault } from "../vault/vault.js";
import { catFiles } from "./history.js";
import { sameDataKey } from "./key-change.js";
import type { YAMLMap } from "yaml";

/** What changed between the file at REV and now, by name only. */
export interface VouchChanges {
  added: string[];
  removed: string[];
  /** Secrets whose value differs (compared in memory; never shown). */
  changedValues: string[];
  recipientsAdded: string[];
  recipientsRemoved: string[];
}

export type VouchPlan =
  | { kind: "same key" }
  | { kind: "already proven" }
  | { kind: "vouch"; changes: VouchChanges; text: string };

/** The text of `file` at `rev` (git, from the file's folder). */
export async function versionAt(file: string, rev: string): Promise<string> {
  const [text] = await catFiles([`${rev}:./${basename(file)}`], dirname(file));
  if (text === null || text === undefined)
    throw new NotFoundError(`${basename(file)} does not exist at ${rev}`, {
      hint: "pass the commit (or branch) whose version was re-keyed, e.g. the one before `sops rotate`",
    });
  return text;
}

/**
 * What vouching for `current` (the file now) from `before` (the file at REV) changes, and the file text with the
 * link appended and a fresh MAC and seal. Both must open with `keys`.
 * @throws NoIdentityError / WrongKeyError when a version does not open; IntegrityError when one is damaged.
 */
export async function planVouch(
  current: string,
  before: string,
  file: string,
  keys: KeySearch,
  now: Date,
): Promise<VouchPlan> {
  const [old, sf] = await Promise.all([
    SopsFile.open(before, `${file} at the vouched revision`, keys),
    SopsFile.open(current, file, keys),
  ]);
  if (sameDataKey(old, sf)) return { kind: "same key" };
  const links = readCustody(sf.doc.contents);
  if (custodyHolds(old, sf, links)) return { kind: "already proven" };
  const changes = await changesBetween(before, current, file, keys);
  appendCustodyLink(sf.doc.contents as YAMLMap, custodyLink(old, sf));
  sf.markDirty();
  sf.keepMetadataLast();
  return { kind: "vouch", changes, text: sf.serialize(now) };
}

async function changesBetween(before: string, current: string, file: string, keys: KeySearch): Promise<VouchChanges> {
  const open = (text: string, what: string) => Vault.fromText(text, keys, { file: what, acceptStaleSeal: true });
  const [a, b] = await Promise.all([open(before, `${file} at the vouched revision`), open(current, file)]);
  const [va, vb] = [a.exportSecrets(), b.exportSecrets()];
  const [ra, rb] = [a.recipients(), b.recipients()];
  const recipient = (r: Record<string, string>) => new Set(Object.entries(r).map(([n, k]) => `${n} (${k})`));
  const [sa, sb] = [recipient(ra), recipient(rb)];
  return {
    added: Object.keys(vb).filter((n) => !(n in va)),
    removed: Object.keys(va).filter((n) => !(n in vb)),
    changedValues: Object.keys(vb).filter((n) => n in va && va[n] !== vb[n]),
    recipientsAdded: [...sb].filter((r) => !sa.has(r)),
    recipientsRemoved: [...sa].filter((r) => !sb.has(r)),
  };
}
