/**
 * The vault layout, in one place: the top-level sections (`secrets`, `required`, `recipients`, `types`), the fields
 * of an entry, the sops rule a vault uses, and the checks that a parsed document is a vault (structure, recipients
 * matching `sops.age`, one kind of key). Used by the vault model, the git tools (check, merge, textconv) and the
 * editor's view. Pure: works on parsed YAML and plain data.
 */
import type { Scalar, YAMLMap, YAMLSeq, Document } from "yaml";
import { FormatError, IntegrityError, InvalidInputError, StaleSealError } from "../errors.js";
import { checkRecipient, describeRecipient, recipientKind } from "../crypto/identities.js";
import type { EncryptionRules } from "../format/rules.js";
import type { SopsFile } from "../sops/sops-file.js";
import { yamlWrite } from "../format/yaml-load.js";
import { getNode, isMap, isScalar, isSeq, lineOf, scalarText } from "../format/yaml-tree.js";
import { checkRecipientName, checkSecretName } from "../rules/names.js";
import { parseDate } from "../rules/time.js";
import type { MislabelledStanza } from "../sops/data-key.js";

/** The top-level sections of a vault, in the order vaultfile writes them (`sops` comes last). */
export const SECTION = { secrets: "secrets", required: "required", recipients: "recipients", types: "types" } as const;
export type SectionName = (typeof SECTION)[keyof typeof SECTION];

/** The encrypted field of a secret entry. */
export const VALUE_FIELD = "value";
/** The timestamp fields of an entry, kept in RFC 3339. */
export const DATE_FIELDS = ["created_at", "rotated_at", "expires_at"] as const;
/** The type a secret has when none was given. */
export const DEFAULT_TYPE = "generic";

/** The rule vaultfile writes: only `value` leaves are encrypted. */
export const VAULT_RULES: EncryptionRules & { encryptedRegex: string } = { encryptedRegex: `^${VALUE_FIELD}$` };

/** The sops path of a secret's value (also its associated data). */
export function valuePath(name: string): string[] {
  return [SECTION.secrets, name, VALUE_FIELD];
}

/** True for `secrets.NAME.value`. */
export function isValuePath(path: readonly string[]): boolean {
  return path.length === 3 && path[0] === SECTION.secrets && path[2] === VALUE_FIELD;
}

/** Why a vault holds recipients of one kind only (age refuses to mix them in one file for the same reason). */
export const MIXED_KINDS_MESSAGE = "a vault cannot mix post-quantum (age1pq1…) and classic (age1…) recipients";
const MIXED_KINDS_HINT =
  "age refuses to mix them because the classic key would undo the post-quantum protection; use one kind for every recipient";

/** True when the keys are of more than one kind (unknown kinds are left to {@link checkRecipient}). */
export function mixesKinds(keys: Iterable<string>): boolean {
  const kinds = new Set<string>();
  for (const k of keys) {
    const kind = recipientKind(k);
    if (kind !== undefined) kinds.add(kind);
  }
  return kinds.size > 1;
}

/**
 * Refuses recipients of more than one kind.
 * @throws InvalidInputError (`E_RECIPIENT`) when post-quantum and classic keys are mixed.
 */
export function checkOneKind(keys: Iterable<string>): void {
  if (mixesKinds(keys)) throw new InvalidInputError("E_RECIPIENT", MIXED_KINDS_MESSAGE, { hint: MIXED_KINDS_HINT });
}

/** Named recipients whose key has no `sops.age` entry, and wrapped keys that no name holds. */
export interface RecipientMismatch {
  /** Keys in `sops.age` that are not a named recipient. */
  unnamed: string[];
  /** Names whose key has no `sops.age` entry. */
  unwrapped: string[];
}

/** Compares the named recipients with the keys the data key is wrapped for; `undefined` when they match. */
export function recipientMismatch(
  named: Readonly<Record<string, string>>,
  wrapped: readonly string[],
): RecipientMismatch | undefined {
  const keys = new Set(Object.values(named));
  const have = new Set(wrapped);
  const unnamed = [...have].filter((r) => !keys.has(r));
  const unwrapped = Object.entries(named)
    .filter(([, r]) => !have.has(r))
    .map(([n]) => n);
  return unnamed.length > 0 || unwrapped.length > 0 ? { unnamed, unwrapped } : undefined;
}

/**
 * Refuses a file whose named recipients do not match its `sops.age` block (a key added to the sops block by hand
 * could read every later value without anyone seeing a new name).
 * @throws IntegrityError (`E_RECIPIENTS`).
 */
export function checkRecipientsMatch(
  file: string,
  named: Readonly<Record<string, string>>,
  wrapped: readonly string[],
): void {
  const m = recipientMismatch(named, wrapped);
  if (!m) return;
  if (m.unnamed.length > 0) {
    throw new IntegrityError(
      "E_RECIPIENTS",
      `sops.age in ${file} wraps the data key for ${m.unnamed.join(", ")}, which is not a named recipient`,
      {
        hint: "someone added a key to the sops block by hand; remove that entry (restore from git) or add it with `vaultfile recipients add`",
      },
    );
  }
  throw new IntegrityError("E_RECIPIENTS", `recipient ${m.unwrapped.join(", ")} in ${file} has no sops.age entry`, {
    hint: "the sops block was edited; restore the file from git",
  });
}

/** What {@link checkVaultSopsBlock} reads of a vault's `sops` block. */
export interface VaultSopsBlock {
  lastModified: string;
  /** Key kinds other than age that hold entries (`kms`, `pgp`, `hc_vault`, …). */
  otherKeySources: readonly string[];
  /** The age item that gave the data key, when it is labelled for another key (opened with a key only). */
  mislabelled?: MislabelledStanza | undefined;
}

/** How sops and vaultfile write `lastmodified`: RFC 3339 in UTC, whole seconds. */
const LASTMODIFIED = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/**
 * Refuses what no MAC covers in a vault's `sops` block and that vaultfile never writes there: key sources other
 * than age (sops would ask the services they name for the data key, with the caller's credentials), a
 * `lastmodified` spelled otherwise than sops writes it (`.5`, `+00:00`: the MAC reads it as the same second), and
 * an age item whose `enc` opened with another key than its label names (swapped or copied between items). A plain
 * sops file read with `decrypt` is not a vault and keeps sops's rules.
 * @throws IntegrityError (`E_RECIPIENTS` for key entries, `E_TAMPERED` for `lastmodified`).
 */
export function checkVaultSopsBlock(file: string, sops: VaultSopsBlock): void {
  if (sops.otherKeySources.length > 0) {
    const fields = sops.otherKeySources.map((k) => `sops.${k}`).join(", ");
    throw new IntegrityError(
      "E_RECIPIENTS",
      `${fields} in ${file}: a vault's data key is wrapped for its named age recipients only, and no MAC covers ${sops.otherKeySources.length > 1 ? "these entries" : "this entry"}`,
      {
        hint: "someone added it to the sops block by hand (sops would ask the key service it names for the data key, with your credentials); remove it, or restore the sops block from git",
      },
    );
  }
  if (!LASTMODIFIED.test(sops.lastModified)) {
    throw new IntegrityError(
      "E_TAMPERED",
      `sops.lastmodified in ${file} is ${JSON.stringify(sops.lastModified)}, not written as sops and vaultfile write it (YYYY-MM-DDTHH:MM:SSZ): the sops block was edited by hand`,
      {
        hint: "no MAC covers its spelling; restore the file from git",
      },
    );
  }
  const m = sops.mislabelled;
  if (m) {
    throw new IntegrityError(
      "E_RECIPIENTS",
      `sops.age item ${m.item} in ${file} is labelled for ${describeRecipient(m.label)} but opens with your key ${describeRecipient(m.opener)} (${m.source}): the enc of two items was swapped, or one copied over another`,
      {
        hint: "no MAC covers sops.age, and the recipient it is labelled for may no longer be able to open the file; restore the sops block from git",
      },
    );
  }
}

/** The `recipients` section: name → age recipient (no prototype: `__proto__` is a valid name). */
export function readRecipients(root: unknown): Record<string, string> {
  const r = getNode(root, SECTION.recipients);
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (isMap(r)) for (const p of (r as YAMLMap).items) out[scalarText(p.key)] = scalarText(p.value);
  return out;
}

/** The `required` section: names in file order. */
export function readRequired(root: unknown): string[] {
  const r = getNode(root, SECTION.required);
  return isSeq(r) ? (r as YAMLSeq).items.map((i) => scalarText(i)) : [];
}

/** The `types` section: custom type name → its fields as written, in file order. */
export function readTypeEntries(root: unknown): Record<string, unknown> {
  const m = getNode(root, SECTION.types);
  const out: Record<string, unknown> = {};
  if (isMap(m))
    for (const p of (m as YAMLMap).items)
      out[scalarText(p.key)] = isMap(p.value) || isScalar(p.value) || isSeq(p.value) ? p.value.toJSON() : p.value;
  return out;
}

/** The node of a custom type's entry, companions on one line. */
export function typeEntryNode(doc: Document, entry: object): YAMLMap {
  const node = doc.createNode(entry) as YAMLMap;
  const companions = node.get("companions", true);
  if (isSeq(companions)) companions.flow = true;
  return node;
}

/** Fills an empty document root with a new vault's sections. */
export function buildLayout(root: YAMLMap, recipients: Readonly<Record<string, string>>): void {
  root.set(SECTION.secrets, new (yamlWrite().YAMLMap)());
  const req = new (yamlWrite().YAMLSeq)();
  req.flow = true;
  root.set(SECTION.required, req);
  const rec = new (yamlWrite().YAMLMap)();
  for (const [name, key] of Object.entries(recipients)) rec.set(name, new (yamlWrite().Scalar)(key));
  root.set(SECTION.recipients, rec);
  root.commentBefore =
    " Secrets managed with vaultfile: values are encrypted, names and metadata are readable.\n Edit with `vaultfile set/rotate/edit`; do not edit by hand (a MAC covers everything).";
}

/**
 * Checks the named recipients of a new or edited vault: valid names, valid keys, one kind.
 * @throws InvalidInputError for a bad name or key, or mixed kinds.
 */
export function checkRecipientList(recipients: Readonly<Record<string, string>>): void {
  if (Object.keys(recipients).length === 0) {
    throw new InvalidInputError("E_RECIPIENT", "a vault needs at least one recipient", {
      hint: "pass --recipient NAME=age1…, or create a key with `vaultfile keygen`",
    });
  }
  for (const [name, key] of Object.entries(recipients)) {
    checkRecipientName(name);
    checkRecipient(key, `recipient ${name}`);
  }
  checkOneKind(Object.values(recipients));
}

/** What the structure check needs of the decrypted sops file. */
export interface StructureInput {
  root: YAMLMap;
  file: string;
  /** The text the document was parsed from, for line numbers. */
  text: string;
  rules: EncryptionRules;
  /** The sops type of a decrypted value node, `undefined` when the node is not encrypted. */
  plainType: (node: Scalar) => string | undefined;
  /** The recipients in `sops.age`. */
  wrapped: readonly string[];
  sops: VaultSopsBlock;
}

/** What the structure check reads of an opened sops file (its tree: `yaml`'s or, opened read-only, the light one). */
export function structureOf(sf: SopsFile, file: string, text: string): StructureInput {
  return {
    root: sf.tree.contents as YAMLMap,
    file,
    text,
    rules: sf.meta.rules,
    plainType: (n) => sf.valueTypeOf(n),
    wrapped: sf.ageRecipients,
    sops: { ...sf.meta, mislabelled: sf.mislabelled },
  };
}

/**
 * Checks that a decrypted sops document is a vault: the rule, the sections' shapes, entry names, string values,
 * valid dates, a recipients section of valid keys of one kind that matches `sops.age`.
 * @throws FormatError for a malformed layout; IntegrityError (`E_RECIPIENTS`) when recipients and `sops.age` differ;
 * InvalidInputError for mixed key kinds.
 */
export function checkStructure(s: StructureInput): void {
  const { root, file, text } = s;
  if (s.rules.encryptedRegex !== VAULT_RULES.encryptedRegex) {
    throw new FormatError(
      `${file} is a sops file but not a vault: it must use encrypted_regex: ${VAULT_RULES.encryptedRegex}`,
      { hint: "read any sops file with `vaultfile decrypt`" },
    );
  }
  const secrets = root.get(SECTION.secrets, true);
  if (secrets !== undefined && secrets !== null && !isMap(secrets))
    throw new FormatError(`secrets in ${file} must be a mapping`, lineOf(secrets as Scalar, text));
  if (isMap(secrets)) for (const p of secrets.items) checkEntry(s, scalarText(p.key), p.key as Scalar | null, p.value);
  const required = root.get(SECTION.required, true);
  if (required !== undefined && required !== null && !isSeq(required))
    throw new FormatError(`required in ${file} must be a list of names`, lineOf(required as Scalar, text));
  const rec = root.get(SECTION.recipients, true);
  if (!isMap(rec))
    throw new FormatError(`${file} has no recipients section`, {
      hint: "a vault names its recipients (`recipients: {alice: age1…}`); read other sops files with `vaultfile decrypt`",
    });
  const named = readRecipients(root);
  for (const [name, key] of Object.entries(named)) {
    try {
      checkRecipientName(name);
      checkRecipient(key, `recipient ${name}`);
    } catch (err) {
      throw new FormatError(`recipient ${name} in ${file} is invalid`, {
        cause: err,
        hint: err instanceof InvalidInputError ? err.hint : undefined,
      });
    }
  }
  checkOneKind(Object.values(named));
  checkRecipientsMatch(file, named, s.wrapped);
  checkVaultSopsBlock(file, s.sops);
}

function checkEntry(s: StructureInput, name: string, key: Scalar | null, entry: unknown): void {
  const { file, text } = s;
  // Positions are computed only for an error: lineOf scans the text.
  const where = () => lineOf(key ?? null, text);
  try {
    checkSecretName(name);
  } catch (err) {
    throw new FormatError(`invalid secret name ${JSON.stringify(name)} in ${file}`, { ...where(), cause: err });
  }
  if (!isMap(entry)) throw new FormatError(`secret ${name} in ${file} must be a mapping with a value`, where());
  const valueNode = (entry as YAMLMap).get(VALUE_FIELD, true);
  if (!isScalar(valueNode)) throw new FormatError(`secret ${name} in ${file} has no value`, where());
  const type = s.plainType(valueNode);
  if (valueNode.value !== "" && type !== "str") {
    throw new FormatError(
      `the value of ${name} in ${file} is ${type ? `of type ${type}` : "not a string"}; vault values must be strings`,
      lineOf(valueNode, text),
    );
  }
  for (const f of DATE_FIELDS) {
    const v = (entry as YAMLMap).get(f);
    if (v === undefined || v === null) continue;
    try {
      parseDate(String(v), f);
    } catch (err) {
      throw new FormatError(`secrets.${name}.${f} in ${file} is not a valid date`, {
        ...lineOf(getNode(entry, f) as Scalar, text),
        cause: err,
      });
    }
  }
}

/** A vault whose name seal no longer matches (sops, or a hand edit, changed what the seal covers). */
export function staleSealError(path: string): StaleSealError {
  return new StaleSealError(
    `${path} was last saved by a tool that does not seal names (plain sops?), or its key names were edited`,
    {
      hint: "its sops MAC is valid, so values and their order are as a key holder wrote them; run `vaultfile reseal` to review the names and metadata (values hidden) and seal it again",
    },
  );
}
