/**
 * Finding a sops file's data key with age identities: from the flat `sops.age` list, or from `key_groups`, where
 * each group's keys wrap one Shamir share of the key and `shamir_threshold` shares rebuild it (sops's
 * `Metadata.GetDataKeyWithKeyServices`). Key kinds vaultfile cannot use (PGP, cloud KMS, Vault transit) are named in
 * the error.
 */
import { FormatError, NoIdentityError, WrongKeyError, type KeyErrorDetails } from "../errors.js";
import { DATA_KEY_BYTES } from "../crypto/aead.js";
import { unwrapDataKey } from "../crypto/age.js";
import { describeRecipient, recipientId, recipientOf, type Identity } from "../crypto/identities.js";
import type { KeySearch } from "../crypto/key-search.js";
import { combine } from "../crypto/shamir.js";
import type { SopsAgeEntry, KeyGroup, SopsMetadata } from "../format/yaml.js";
import type { TreeDocument } from "../format/yaml-tree.js";

export type { KeySearch } from "../crypto/key-search.js";

const KEY_KIND_NAMES: Record<string, string> = {
  pgp: "PGP",
  kms: "AWS KMS",
  gcp_kms: "GCP KMS",
  azure_kv: "Azure Key Vault",
  hc_vault: "HashiCorp Vault",
  huaweicloud_kms: "HuaweiCloud KMS",
};
const kindNames = (kinds: readonly string[]): string => kinds.map((k) => KEY_KIND_NAMES[k] ?? k).join(", ");

/** The error for a file that no age key opens, naming the kinds of keys that do (exit 4). */
export function noAgeKeys(others: readonly string[], file: string): NoIdentityError {
  return new NoIdentityError(
    others.length > 0
      ? `${file} can only be opened with ${kindNames(others)} keys, which vaultfile does not support`
      : `${file} has no age recipients`,
    {
      hint:
        others.length > 0
          ? "vaultfile opens sops files encrypted with age keys only; decrypt this one with sops"
          : "vaultfile opens sops files encrypted with age keys only",
    },
  );
}

/**
 * A `sops.age` item whose `enc` opened with an identity other than the one its `recipient` label names. No MAC
 * covers the sops block: the `enc` of two items was swapped, or one copied over another (whose holder can no
 * longer open the file).
 */
export interface MislabelledStanza {
  /** 1-based position in `sops.age`. */
  item: number;
  /** The recipient the item claims to be for. */
  label: string;
  /** The public key of the identity that opened it, and where that identity came from. */
  opener: string;
  source: string;
}

/**
 * The data key from a flat `sops.age` list, and the item that gave it when that item is labelled for another key.
 * The items labelled with the identities' own public keys are tried first (the usual case: one unwrap); only when
 * none of them opens is every other item tried, as age and sops do, so honest files cost what they did before.
 * Identities that cost something (a key command, an `age -p` file) are expanded only when no other key opens the
 * list, item by item with that item's recipient (a key command sees it as `SOPS_AGE_RECIPIENT`), as
 * {@link unwrapDataKey} does. `key` is `undefined` when no identity opens any item.
 */
export async function unwrapAgeList(
  stanzas: readonly SopsAgeEntry[],
  identities: readonly Identity[],
): Promise<{ key: Uint8Array | undefined; mislabelled?: MislabelledStanza }> {
  const ready = identities.filter((id) => !id.expand);
  const deferred = identities.filter((id) => id.expand);
  const found = await unwrapChecked(stanzas, ready);
  if (found.key || deferred.length === 0) return found;
  for (const s of stanzas) {
    const ids: Identity[] = [];
    for (const id of deferred) ids.push(...(await id.expand!(s.recipient)));
    const got = await unwrapChecked(stanzas, ids);
    if (got.key) return got;
  }
  return { key: undefined };
}

async function unwrapChecked(
  stanzas: readonly SopsAgeEntry[],
  identities: readonly Identity[],
): Promise<{ key: Uint8Array | undefined; mislabelled?: MislabelledStanza }> {
  if (identities.length === 0) return { key: undefined };
  // Compared as recipients compare: an SSH label keeps its .pub comment, an SSH identity's public key has none.
  const mine = new Set((await Promise.all(identities.map(recipientOf))).map(recipientId));
  const isMine = (s: SopsAgeEntry): boolean => mine.has(recipientId(s.recipient));
  const labelled = stanzas.filter(isMine);
  const key = labelled.length > 0 ? await unwrapDataKey(labelled, identities) : undefined;
  if (key) return { key };
  for (const [i, s] of stanzas.entries()) {
    if (isMine(s)) continue;
    for (const id of identities) {
      const k = await unwrapDataKey([s], [id]);
      if (k)
        return {
          key: k,
          mislabelled: { item: i + 1, label: s.recipient, opener: await recipientOf(id), source: id.source },
        };
    }
  }
  return { key: undefined };
}

/**
 * The 32-byte data key of a sops file.
 * @throws NoIdentityError (exit 4) when the file has no age keys at all, or no identity was found.
 * @throws WrongKeyError (exit 4) when the identities open no age stanza, or too few key groups.
 */
export async function unlockDataKey(meta: SopsMetadata, file: string, keys: KeySearch): Promise<Uint8Array> {
  const groups: KeyGroup[] = meta.keyGroups ?? [{ age: meta.age, otherKeySources: meta.otherKeySources }];
  const allAge = groups.flatMap((g) => g.age);
  if (allAge.length === 0) throw noAgeKeys([...new Set(groups.flatMap((g) => g.otherKeySources))], file);
  if (keys.identities.length === 0) {
    throw new NoIdentityError(`no age identity found to open ${file}`, {
      hint: `looked in: ${keys.searched.join("; ")}. Recipients of the file: ${allAge.map((a) => describeRecipient(a.recipient)).join(", ")}. Set VAULTFILE_AGE_KEY or pass --identity`,
    });
  }
  const sources = (): string => [...new Set(keys.identities.map((i) => i.source))].join(", ");
  if (groups.length === 1) {
    const key = await unwrapDataKey(groups[0]!.age, keys.identities);
    if (key) return key;
    throw new WrongKeyError(`none of your age identities can open ${file}`, {
      hint: `tried ${keys.identities.length} key(s) from: ${sources()}. The file is encrypted to: ${allAge.map((a) => describeRecipient(a.recipient)).join(", ")}. Ask a recipient to run \`vaultfile recipients add\` for your public key`,
    });
  }
  // sops: without shamir_threshold every group is needed.
  const threshold = meta.shamirThreshold ?? groups.length;
  if (threshold > groups.length)
    throw new FormatError(`${file} needs ${threshold} key groups but has ${groups.length}`, {
      hint: "the sops block was damaged; restore the file from git",
    });
  const shares: Uint8Array[] = [];
  const opened: number[] = [];
  for (const [i, g] of groups.entries()) {
    if (shares.length === threshold) break;
    const share = g.age.length > 0 ? await unwrapDataKey(g.age, keys.identities, DATA_KEY_BYTES + 1) : undefined;
    if (share) {
      shares.push(share);
      opened.push(i);
    }
  }
  if (shares.length < threshold) {
    const describe = (g: KeyGroup, i: number): string => {
      const parts = [
        ...g.age.map((a: SopsAgeEntry) => describeRecipient(a.recipient)),
        ...(g.otherKeySources.length > 0 ? [`${kindNames(g.otherKeySources)} keys`] : []),
      ];
      return `group ${i + 1} (${parts.join(", ") || "no keys"})`;
    };
    const have =
      opened.length > 0
        ? `your identities open ${opened.map((i) => describe(groups[i]!, i)).join(", ")}`
        : "your identities open none of them";
    const missing = groups
      .map((g, i) => (opened.includes(i) ? undefined : describe(g, i)))
      .filter((d) => d !== undefined);
    throw new WrongKeyError(`${file} needs keys of ${threshold} of its ${groups.length} key groups; ${have}`, {
      hint: `add an identity for ${threshold - shares.length} more of: ${missing.join("; ")} (tried ${keys.identities.length} key(s) from: ${sources()})`,
    });
  }
  let key: Uint8Array;
  try {
    key = combine(shares);
  } catch (cause) {
    throw new FormatError(
      `the key group shares of ${file} do not combine: ${cause instanceof Error ? cause.message.replace(/^shamir: /, "") : "damaged"}`,
      {
        hint: "the sops block was damaged; restore the file from git",
        cause,
      },
    );
  }
  if (key.length !== DATA_KEY_BYTES)
    throw new FormatError(`the key group shares of ${file} give a ${key.length}-byte key, not ${DATA_KEY_BYTES}`);
  return key;
}

/** Refuses a sops file without age recipients (kms, pgp…): vaultfile has no way to its data key. */
export function requireAge(meta: SopsMetadata, file: string): void {
  if (meta.age.length === 0) throw noAgeKeys(meta.otherKeySources, file);
}

/** The structured facts of a key error: public keys and places only. */
export async function keyErrorDetails(
  file: string,
  meta: SopsMetadata,
  keys: KeySearch,
  doc: TreeDocument,
  named: ((tree: TreeDocument) => Record<string, string>) | undefined,
): Promise<KeyErrorDetails> {
  const tried = await Promise.all(
    keys.identities.map(async (id) => ({ source: id.source, recipient: await recipientOf(id).catch(() => undefined) })),
  );
  let names: Record<string, string> | undefined;
  try {
    names = named?.(doc);
  } catch {
    names = undefined; // a damaged recipients section: the error still lists the wrapped keys
  }
  return {
    file,
    recipients: meta.age.map((a) => a.recipient),
    named: names && Object.keys(names).length > 0 ? names : undefined,
    searched: keys.searched,
    tried,
  };
}
