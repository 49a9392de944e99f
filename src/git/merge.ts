/**
 * The entry-level three-way merge of vault files behind `vaultfile git merge` (a git merge driver). Base, ours and
 * theirs are decrypted; secrets, the required list, recipients and any other top-level key are merged one by one.
 * What changed on one side only is taken as it is — the YAML node moves, its ciphertext is kept — and the result
 * gets a fresh MAC and seal. Both sides changing the same entry differently is a conflict; the result then keeps
 * our side of it and starts with a comment block that explains each conflict without any value.
 */
import { isMap, isScalar, isSeq, Scalar, YAMLMap, YAMLSeq } from "yaml";
import { IntegrityError, NoIdentityError, StaleSealError, WrongKeyError } from "../errors.js";
import { scalarText, SOPS_KEY } from "../format/yaml.js";
import { SopsFile } from "../sops/sops-file.js";
import type { KeySearch } from "../crypto/key-search.js";
import { appendCustodyLink, readCustody } from "../vault/custody.js";
import { sameDataKey } from "./key-change.js";
import { clearExposure, EXPOSED_FIELD, markExposed, readExposure } from "../vault/exposure.js";
import { readRequired, SECTION, VALUE_FIELD } from "../vault/schema.js";
import { CONFLICT_MARKER } from "./vault-view.js";

export type Side = "ours" | "theirs";

export interface MergeConflict {
  kind: "secret" | "recipient" | "key" | "data key";
  name: string;
  /** What each side did, in words and metadata only (never a value). */
  ours: string;
  theirs: string;
}

export interface MergeInput {
  base: string;
  ours: string;
  theirs: string;
  /** The file's name in the repository, for messages. */
  path: string;
  keys: KeySearch;
  now: Date;
  /** How to settle conflicts already looked at, by entry name (`git resolve --ours/--theirs`). */
  prefer?: ReadonlyMap<string, Side>;
}

export interface MergeOutcome {
  /** The merged file; on conflict our side of each conflicting entry plus the explanation block on top. */
  text: string;
  conflicts: MergeConflict[];
  /** Entries taken from their side, e.g. `secret PYPI_TOKEN`. */
  fromTheirs: string[];
}

type Decision = Side | "conflict";

/** Classic three-way rule on canonical forms (`undefined` = absent). */
function decide(b: string | undefined, o: string | undefined, t: string | undefined): Decision {
  if (o === t) return "ours";
  if (b === o) return "theirs";
  if (b === t) return "ours";
  return "conflict";
}

export async function mergeVaults(input: MergeInput): Promise<MergeOutcome> {
  const ours = sealed(await SopsFile.open(input.ours, `${input.path} (ours)`, input.keys));
  const theirs = sealed(await SopsFile.open(input.theirs, `${input.path} (theirs)`, input.keys));
  const base = await openBase(input);

  if (!sameDataKey(ours, theirs) && base) {
    // One side rolled the data key (it removed a recipient) and the other kept the base's: the kept side moves onto
    // the rolled key, so nothing stays readable with the key the removed holder knew, and the merge goes on as usual.
    if (sameDataKey(ours, base)) ours.adoptDataKeyOf(provenFrom(base, theirs, "theirs", input.path));
    else if (sameDataKey(theirs, base)) theirs.adoptDataKeyOf(provenFrom(base, ours, "ours", input.path));
  }
  if (!sameDataKey(ours, theirs)) {
    const conflict: MergeConflict = {
      kind: "data key",
      name: "(all values)",
      ours: recipientChanges(base, ours),
      theirs: recipientChanges(base, theirs),
    };
    return { text: withConflictBlock(input.ours, input.path, [conflict]), conflicts: [conflict], fromTheirs: [] };
  }

  const conflicts: MergeConflict[] = [];
  const fromTheirs: string[] = [];
  const settle = (kind: MergeConflict["kind"], name: string, d: Decision, describe: () => [string, string]): Side => {
    if (d !== "conflict") return d;
    const chosen = input.prefer?.get(name);
    if (chosen) return chosen;
    const [o, t] = describe();
    conflicts.push({ kind, name, ours: o, theirs: t });
    return "ours";
  };

  // Secrets, entry by entry.
  const oSecrets = mapAt(ours, SECTION.secrets, true)!;
  const tSecrets = mapAt(theirs, SECTION.secrets);
  const bSecrets = base ? mapAt(base, SECTION.secrets) : undefined;
  for (const name of union(keysOf(oSecrets), keysOf(tSecrets))) {
    // Exposure marks are merged apart (below), so a removal on one side and a rotation on the other do not conflict.
    const [b, o, t] = [
      canonical(base, withoutExposure(bSecrets?.get(name, true))),
      canonical(ours, withoutExposure(oSecrets.get(name, true))),
      canonical(theirs, withoutExposure(tSecrets?.get(name, true))),
    ];
    const [oEntry, tEntry] = [oSecrets.get(name, true), tSecrets?.get(name, true)];
    const side = settle("secret", name, decide(b, o, t), () => [
      describeEntry(base, bSecrets?.get(name, true), ours, oSecrets.get(name, true)),
      describeEntry(base, bSecrets?.get(name, true), theirs, tSecrets?.get(name, true)),
    ]);
    if (side === "theirs" && o !== t) {
      putOrDelete(oSecrets, name, tEntry);
      fromTheirs.push(`secret ${name}`);
    }
    const result = oSecrets.get(name, true);
    if (isMap(result)) mergeExposure(result, [ours, oEntry], [theirs, tEntry]);
  }

  // The required list: a set; additions on either side stay, a removal on either side wins.
  mergeRequired(base, ours, theirs);

  // Recipients by name; the sops.age stanzas follow once the tree is settled.
  const oRec = mapAt(ours, SECTION.recipients, true)!;
  const tRec = mapAt(theirs, SECTION.recipients);
  const bRec = base ? mapAt(base, SECTION.recipients) : undefined;
  for (const name of union(keysOf(oRec), keysOf(tRec))) {
    const [b, o, t] = [
      optionalText(bRec?.get(name, true)),
      optionalText(oRec.get(name, true)),
      optionalText(tRec?.get(name, true)),
    ];
    const side = settle("recipient", name, decide(b, o, t), () => [describeRecipient(b, o), describeRecipient(b, t)]);
    if (side === "theirs" && o !== t) {
      putOrDelete(oRec, name, tRec?.get(name, true));
      fromTheirs.push(`recipient ${name}`);
    }
  }

  // Anything else at the top level (vaultfile writes nothing else, but a sops file may hold more).
  const oRoot = ours.doc.contents as YAMLMap;
  const tRoot = theirs.doc.contents as YAMLMap;
  const bRoot = base?.doc.contents as YAMLMap | undefined;
  const handled = new Set<string>([SECTION.secrets, SECTION.required, SECTION.recipients, SOPS_KEY]);
  for (const key of union(keysOf(oRoot), keysOf(tRoot)).filter((k) => !handled.has(k))) {
    const [b, o, t] = [
      canonical(base, bRoot?.get(key, true)),
      canonical(ours, oRoot.get(key, true)),
      canonical(theirs, tRoot.get(key, true)),
    ];
    const side = settle("key", key, decide(b, o, t), () => ["changed", "changed"]);
    if (side === "theirs" && o !== t) {
      putOrDelete(oRoot, key, tRoot.get(key, true));
      fromTheirs.push(`key ${key}`);
    }
  }

  ours.adoptLeaves();
  // The data key is wrapped for exactly the keys the merged list names. Compared as sets, not name by name: a key
  // that moved to another name (or two names that swapped keys) stays, where per-name removals would drop it.
  const named = new Set(keysOf(oRec).map((n) => scalarText(oRec.get(n, true))));
  const wrapped = new Set(ours.ageRecipients);
  for (const r of named) if (!wrapped.has(r)) await ours.addRecipient(r);
  // Removing a recipient rolls the data key (re-encrypting every value): the removed holder knew the old one.
  for (const r of wrapped) {
    if (named.has(r)) continue;
    const link = await ours.removeRecipient(r);
    if (link) appendCustodyLink(ours.doc.contents as YAMLMap, link);
  }
  ours.keepMetadataLast();
  const merged = ours.serialize(input.now);
  return {
    text: conflicts.length > 0 ? withConflictBlock(merged, input.path, conflicts) : merged,
    conflicts,
    fromTheirs,
  };
}

/**
 * Refuses a side whose name seal is stale. sops's MAC does not cover key names, so anyone can rename a clear-text key
 * (swap two recipients' names, `expires_at` ↔ `rotated_at`) in a branch without a key; merging would re-seal that
 * edit and make it look like vaultfile's own. Such a file must be reviewed and resealed first.
 */
function sealed(sf: SopsFile): SopsFile {
  if (sf.sealState === "valid") return sf;
  throw new StaleSealError(
    `${sf.file} was last saved by a tool that does not seal names (plain sops?), or its key names were edited`,
    {
      hint: "review that version (`vaultfile decrypt`), run `vaultfile reseal` on it and commit, then merge again",
    },
  );
}

/**
 * The side that rolled the data key, once its custody links prove the new key from the base's (the check `history
 * --verify` makes). Anyone can write a vault under a key of their choosing; adopting it unproved would encrypt the
 * merged values, and every later one, under a key its writer knows. Refused: the CLI leaves our side as it was.
 */
function provenFrom(base: SopsFile, rolled: SopsFile, side: Side, path: string): SopsFile {
  if (rolled.custodyFrom(base, readCustody(rolled.doc.contents))) return rolled;
  throw new IntegrityError(
    "E_CUSTODY",
    `merge refused: ${side} replaced the data key of ${path} without proof that its writer held the base's (chain of custody)`,
    {
      hint: `do not merge that version as it is: \`vaultfile history --verify\` on its branch names the commit; git left ${path} unmerged with our side in it`,
    },
  );
}

/** The base, or `undefined` when the file is new on both sides (git passes an empty base) or we cannot open it. */
async function openBase(input: MergeInput): Promise<SopsFile | undefined> {
  if (input.base.trim() === "") return undefined;
  try {
    return await SopsFile.open(input.base, `${input.path} (base)`, input.keys);
  } catch (err) {
    // E.g. we were added as a recipient after the merge base: every difference then counts as a change on both sides.
    if (err instanceof NoIdentityError || err instanceof WrongKeyError) return undefined;
    throw err;
  }
}

/** An entry without its exposure marks (a fresh map; the document is not touched). */
function withoutExposure(node: unknown): unknown {
  if (!isMap(node) || !node.has(EXPOSED_FIELD)) return node;
  const copy = new YAMLMap();
  copy.items = node.items.filter((p) => scalarText(p.key) !== EXPOSED_FIELD);
  return copy;
}

/**
 * The merged entry's exposure: the union of both sides' marks that are about the value the result holds. A side
 * that rotated the secret knew a new value nobody removed could read, so the other side's marks on the old value
 * do not carry over.
 */
function mergeExposure(result: YAMLMap, ...sides: [SopsFile, unknown][]): void {
  const plainValue = (sf: SopsFile, entry: unknown): string | undefined => {
    const v = isMap(entry) ? entry.get(VALUE_FIELD, true) : undefined;
    return isScalar(v) ? String(sf.plaintextOf(v)?.value ?? v.value) : undefined;
  };
  const resultSide = sides.find(([, e]) => e === result);
  const current = resultSide ? plainValue(...resultSide) : undefined;
  const marks = new Map<string, Date>();
  for (const [sf, entry] of sides) {
    if (!isMap(entry) || plainValue(sf, entry) !== current) continue;
    for (const x of readExposure(entry, "", sf.file)) {
      const had = marks.get(x.recipient);
      if (!had || x.removedAt < had) marks.set(x.recipient, x.removedAt);
    }
  }
  const have = readExposure(result, "", "");
  if (have.length === marks.size && have.every((x) => marks.get(x.recipient)?.getTime() === x.removedAt.getTime()))
    return; // keep its lines as they are
  clearExposure(result);
  for (const [recipient, at] of marks) markExposed(result, recipient, at);
}

function mapAt(sf: SopsFile, key: string, create = false): YAMLMap | undefined {
  const root = sf.doc.contents as YAMLMap;
  const m = root.get(key, true);
  if (isMap(m)) return m as YAMLMap;
  if (!create) return undefined;
  const fresh = new YAMLMap();
  root.set(key, fresh);
  return fresh;
}

function keysOf(map: YAMLMap | undefined): string[] {
  return (map?.items ?? []).map((p) => scalarText(p.key));
}

/** Names of `a` in order, then those only in `b`. */
function union(a: readonly string[], b: readonly string[]): string[] {
  const seen = new Set(a);
  return [...a, ...b.filter((n) => !seen.has(n))];
}

/** {@link scalarText}, keeping "absent" apart from any text. */
function optionalText(node: unknown): string | undefined {
  return node === undefined ? undefined : scalarText(node);
}

/**
 * A comparable form of a node with encrypted leaves as their plaintext, so that an equal value compares equal
 * whatever its IV. Held in memory only, never printed.
 */
function canonical(sf: SopsFile | undefined, node: unknown): string | undefined {
  if (node === undefined || !sf) return node === undefined ? undefined : JSON.stringify(plainForm(undefined, node));
  return JSON.stringify(plainForm(sf, node));
}

function plainForm(sf: SopsFile | undefined, node: unknown): unknown {
  if (isScalar(node)) {
    const p = sf?.plaintextOf(node);
    return p ? ["plain", String(p.value), p.type] : ["clear", String(node.value)];
  }
  if (isMap(node)) return node.items.map((p) => [scalarText(p.key), plainForm(sf, p.value)]);
  if (isSeq(node)) return node.items.map((i) => plainForm(sf, i));
  return node === null ? null : String(node);
}

function putOrDelete(map: YAMLMap, key: string, node: unknown): void {
  if (node === undefined) {
    map.delete(key);
    return;
  }
  const pair = map.items.find((p) => scalarText(p.key) === key);
  if (pair) pair.value = node;
  else map.set(key, node);
}

function mergeRequired(base: SopsFile | undefined, ours: SopsFile, theirs: SopsFile): void {
  const list = (sf: SopsFile | undefined): string[] => (sf ? readRequired(sf.doc.contents) : []);
  const [b, o, t] = [new Set(list(base)), list(ours), list(theirs)];
  const oSet = new Set(o);
  const tSet = new Set(t);
  const merged = [...o.filter((n) => !(b.has(n) && !tSet.has(n))), ...t.filter((n) => !oSet.has(n) && !b.has(n))];
  if (merged.length === o.length && merged.every((n, i) => n === o[i])) return;
  const root = ours.doc.contents as YAMLMap;
  const existing: unknown = root.get(SECTION.required, true);
  let seq: YAMLSeq;
  if (isSeq(existing)) seq = existing as YAMLSeq;
  else {
    seq = new YAMLSeq();
    seq.flow = true;
    root.set(SECTION.required, seq);
  }
  seq.items = merged.map((n) => new Scalar(n));
}

/** What one side did to a secret relative to the base, naming changed fields and their new metadata values. */
function describeEntry(baseSf: SopsFile | undefined, b: unknown, sf: SopsFile, x: unknown): string {
  if (x === undefined) return b === undefined ? "absent" : "deleted it";
  if (!isMap(x)) return "changed it";
  const verb = b === undefined || !isMap(b) ? "added it" : "changed";
  const changes: string[] = [];
  for (const p of x.items) {
    const field = scalarText(p.key);
    const before = isMap(b) ? (b as YAMLMap).get(field, true) : undefined;
    if (before !== undefined && canonical(baseSf, before) === canonical(sf, p.value)) continue;
    if (field === "value") changes.push("value");
    else changes.push(`${field} ${JSON.stringify(optionalText(p.value) ?? null)}`);
  }
  if (isMap(b)) for (const p of (b as YAMLMap).items) if (!x.has(p.key)) changes.push(`${scalarText(p.key)} removed`);
  return changes.length === 0 ? verb : `${verb}: ${changes.join(", ")}`;
}

function describeRecipient(b: string | undefined, x: string | undefined): string {
  if (x === undefined) return "removed it";
  return b === undefined ? `added it as ${x}` : `changed its key to ${x}`;
}

/** Recipients a side added or removed relative to the base, for the data key conflict. */
function recipientChanges(base: SopsFile | undefined, sf: SopsFile): string {
  const names = (s: SopsFile | undefined): Set<string> => new Set(keysOf(s ? mapAt(s, SECTION.recipients) : undefined));
  const [b, x] = [names(base), names(sf)];
  const added = [...x].filter((n) => !b.has(n));
  const removed = [...b].filter((n) => !x.has(n));
  const parts = [
    ...(removed.length ? [`removed ${removed.join(", ")}`] : []),
    ...(added.length ? [`added ${added.join(", ")}`] : []),
  ];
  return parts.length > 0 ? `${parts.join("; ")} (new data key)` : "kept the recipients but has another data key";
}

/** One conflict in one line, values never included. */
export function describeConflict(c: MergeConflict): string {
  return `${c.kind} ${c.name}: ours ${c.ours}; theirs ${c.theirs}`;
}

/** Prepends the conflict report as YAML comments: the file still parses and (being comments) keeps its MAC. */
export function withConflictBlock(text: string, path: string, conflicts: readonly MergeConflict[]): string {
  const lines = [
    `${CONFLICT_MARKER} in ${path}: ${conflicts.length} conflict${conflicts.length === 1 ? "" : "s"}, our side kept; everything else is merged.`,
    ...conflicts.map((c) => `  ${describeConflict(c)}`),
  ];
  if (conflicts.some((c) => c.kind === "data key")) {
    lines.push(
      "The two sides use different data keys (a recipient was removed on one side), so values cannot be merged.",
      `Take one side (git checkout --ours ${path} or --theirs), redo the other side's changes with vaultfile, then git add.`,
    );
  } else {
    const names = conflicts.map((c) => c.name).join(" ");
    lines.push(
      `To keep ours: vaultfile git resolve ${path} --ours ${names}   To take theirs: ... --theirs ${names}`,
      `(or edit with vaultfile and delete these comment lines), then: vaultfile check ${path} && git add ${path}`,
    );
  }
  return lines.map((l) => `# ${l}`).join("\n") + "\n\n" + text;
}
