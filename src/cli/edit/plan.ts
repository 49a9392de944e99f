/**
 * From the view the editor opened with and the view it closed with, the list of library calls that make the
 * vault match, and applying them. Only secrets whose value changed get new ciphertext; a metadata change keeps
 * the value's bytes.
 */
import { FormatError } from "../../errors.js";
import type { TypeCatalogue } from "../../types/catalogue.js";
import { formatTimestamp } from "../../rules/time.js";
import type { SetOptions, Vault } from "../../vault/vault.js";
import type { SecretView, EditView } from "./editable-view.js";

export type Change =
  | { kind: "addRecipient"; name: string; key: string }
  | { kind: "removeRecipient"; name: string }
  | { kind: "remove"; name: string }
  | { kind: "value"; name: string; value: string }
  | { kind: "meta"; name: string; opts: SetOptions; line?: number | undefined }
  | { kind: "add"; name: string; secret: SecretView }
  | { kind: "require"; names: string[] }
  | { kind: "unrequire"; names: string[] };

/**
 * The changes from `before` to `after`, in a safe order: recipients are added before any is removed (so the
 * vault never has none), and secrets exist before they are marked required. Throws a {@link FormatError} with
 * the line for an expiry the vault would refuse (before the secret's creation).
 */
export function planChanges(before: EditView, after: EditView, vault: Vault): Change[] {
  const changes: Change[] = [];
  // New names first, then replaced keys, then removals: the vault keeps a recipient at every step.
  const replaced: Change[] = [];
  for (const [name, key] of after.recipients) {
    const old = before.recipients.get(name);
    if (old === undefined) changes.push({ kind: "addRecipient", name, key });
    else if (old !== key) replaced.push({ kind: "removeRecipient", name }, { kind: "addRecipient", name, key });
  }
  changes.push(...replaced);
  for (const name of before.recipients.keys())
    if (!after.recipients.has(name)) changes.push({ kind: "removeRecipient", name });

  for (const name of before.secrets.keys()) if (!after.secrets.has(name)) changes.push({ kind: "remove", name });
  for (const [name, s] of after.secrets) {
    const old = before.secrets.get(name);
    if (!old) {
      checkExpiry(name, s, vault.now, s.line);
      changes.push({ kind: "add", name, secret: s });
      continue;
    }
    if (s.value !== old.value) changes.push({ kind: "value", name, value: s.value });
    const opts = metaChanges(old, s);
    if (Object.keys(opts).length > 0) {
      if (opts.expiresAt) checkExpiry(name, s, vault.get(name).createdAt ?? vault.now, s.line);
      changes.push({ kind: "meta", name, opts, line: s.line });
    }
  }
  const added = after.required.filter((n) => !before.required.includes(n));
  const dropped = before.required.filter((n) => !after.required.includes(n));
  if (added.length > 0) changes.push({ kind: "require", names: added });
  if (dropped.length > 0) changes.push({ kind: "unrequire", names: dropped });
  return changes;
}

function metaChanges(old: SecretView, s: SecretView): SetOptions {
  const opts: SetOptions = {};
  if (s.type !== old.type) opts.type = s.type;
  if (s.description !== old.description) opts.description = s.description;
  if ((s.expiresAt?.getTime() ?? null) !== (old.expiresAt?.getTime() ?? null)) opts.expiresAt = s.expiresAt;
  if (s.rotateEvery !== old.rotateEvery) opts.rotateEvery = s.rotateEvery;
  return opts;
}

/** The vault refuses an expiry before creation; say so with the line, so the person can fix it in the editor. */
function checkExpiry(name: string, s: SecretView, created: Date, line: number | undefined): void {
  const createdSecond = Math.floor(created.getTime() / 1000) * 1000; // stored with whole seconds
  if (s.expiresAt && s.expiresAt.getTime() < createdSecond) {
    throw new FormatError(
      `${name}.expires_at (${formatTimestamp(s.expiresAt)}) is before the secret was created (${formatTimestamp(new Date(createdSecond))})`,
      {
        line,
        hint: "an expiry must come after the secret's creation",
      },
    );
  }
}

/** A value that does not fit its type, and the line of its secret in the edited text. */
export interface TypeMismatch {
  /** The type's message: names the secret and the expected shape, never the value. */
  message: string;
  line: number | undefined;
}

/**
 * The secrets whose value does not fit their type, among those the edit added, gave a new value or a new type:
 * the values `set` and `rotate` would check. A value stored before and left as it was is `validate`'s to report.
 */
export function typeMismatches(before: EditView, after: EditView, catalogue: TypeCatalogue): TypeMismatch[] {
  const found: TypeMismatch[] = [];
  for (const [name, s] of after.secrets) {
    const old = before.secrets.get(name);
    if (old && old.value === s.value && old.type === s.type) continue;
    const finding = catalogue.check(name, s.type, s.value);
    if (finding) found.push({ message: finding.message, line: s.line });
  }
  return found;
}

/** Applies the changes through the library; returns the names of secrets a removed recipient could read. */
export async function applyChanges(vault: Vault, changes: readonly Change[]): Promise<string[]> {
  let exposed: string[] = [];
  for (const c of changes) {
    switch (c.kind) {
      case "addRecipient":
        await vault.addRecipient(c.name, c.key);
        break;
      case "removeRecipient":
        exposed = await vault.removeRecipient(c.name);
        break;
      case "remove":
        vault.remove(c.name);
        break;
      case "value":
        vault.set(c.name, c.value);
        break;
      case "meta":
        vault.update(c.name, c.opts);
        break;
      case "add":
        vault.set(c.name, c.secret.value, {
          type: c.secret.type,
          description: c.secret.description,
          expiresAt: c.secret.expiresAt,
          rotateEvery: c.secret.rotateEvery,
        });
        break;
      case "require":
        vault.require(c.names);
        break;
      case "unrequire":
        vault.unrequire(c.names);
        break;
    }
  }
  return exposed;
}

/** One line per change, for the summary on stderr (names only, never values). */
export function describeChange(c: Change): string {
  switch (c.kind) {
    case "addRecipient":
      return `added recipient ${c.name}`;
    case "removeRecipient":
      return `removed recipient ${c.name}`;
    case "remove":
      return `deleted ${c.name}`;
    case "value":
      return `changed the value of ${c.name}`;
    case "meta":
      return `changed ${Object.keys(c.opts)
        .map((k) => FIELD_NAMES[k] ?? k)
        .join(", ")} of ${c.name}`;
    case "add":
      return `added ${c.name}`;
    case "require":
      return `now required: ${c.names.join(", ")}`;
    case "unrequire":
      return `no longer required: ${c.names.join(", ")}`;
  }
}

const FIELD_NAMES: Record<string, string> = {
  type: "type",
  description: "description",
  expiresAt: "expires_at",
  rotateEvery: "rotate_every",
};
