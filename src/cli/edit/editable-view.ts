/**
 * The decrypted, editable view of a vault that `edit --editor` opens in the editor: values in clear, the
 * metadata a person may change, the required names and the recipients. Rendering is one function, parsing back
 * (with line numbers for every mistake) is another; neither touches the vault.
 */
import {
  Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Scalar,
  YAMLMap,
  YAMLSeq,
  type Node,
} from "yaml";
import { FormatError, VaultfileError } from "../../errors.js";
import { checkRecipient } from "../../crypto/identities.js";
import { doubleQuoted, lineOf, printYaml } from "../../format/yaml.js";
import { checkRecipientName, checkSecretName } from "../../rules/names.js";
import { MIXED_KINDS_MESSAGE, mixesKinds, SECTION } from "../../vault/schema.js";
import { formatTimestamp, isNever, parseDate, parseDuration } from "../../rules/time.js";
import type { Vault } from "../../vault/vault.js";
import { checkTypeAnswer } from "./answers.js";

/** One secret as the view shows it. `line` (1-based) is where it starts in the edited text, for messages. */
export interface SecretView {
  value: string;
  type: string;
  description: string | null;
  expiresAt: Date | null;
  rotateEvery: string | null;
  line?: number | undefined;
}

export interface EditView {
  /** In file order. */
  secrets: Map<string, SecretView>;
  required: string[];
  recipients: Map<string, string>;
  /** Line of each section and recipient, for messages about them. */
  lines: Map<string, number>;
}

/** The fields of a secret in the view; `created_at` and `rotated_at` are kept by vaultfile itself. */
export const VIEW_FIELDS = ["value", "type", "description", "expires_at", "rotate_every"] as const;
/** The sections the view shows (a vault's `types` are edited with `vaultfile type`). */
const SECTIONS = [SECTION.secrets, SECTION.required, SECTION.recipients] as const;

/** The current state of the vault as a view. */
export function viewOf(vault: Vault): EditView {
  const secrets = new Map<string, SecretView>();
  for (const s of vault.secrets()) {
    secrets.set(s.name, {
      value: s.value,
      type: s.type,
      description: s.description,
      expiresAt: s.expiresAt,
      rotateEvery: s.rotateEvery?.text ?? null,
    });
  }
  return {
    secrets,
    required: vault.required,
    recipients: new Map(Object.entries(vault.recipients())),
    lines: new Map(),
  };
}

/** The text the editor shows: a comment that explains the rules, then the view as YAML. */
export function renderView(view: EditView, file: string): string {
  const doc = new Document();
  const secrets = new YAMLMap<string, YAMLMap>();
  for (const [name, s] of view.secrets) {
    const entry = new YAMLMap<string, unknown>();
    entry.set("value", s.value);
    entry.set("type", s.type);
    if (s.description !== null) entry.set("description", s.description);
    if (s.expiresAt !== null) entry.set("expires_at", doubleQuoted(formatTimestamp(s.expiresAt)));
    if (s.rotateEvery !== null) entry.set("rotate_every", s.rotateEvery);
    secrets.set(name, entry);
  }
  const required = new YAMLSeq<string>();
  required.flow = true;
  required.items.push(...view.required);
  const recipients = new YAMLMap<string, string>();
  for (const [name, key] of view.recipients) recipients.set(name, key);
  doc.contents = new YAMLMap() as never;
  const root = doc.contents as unknown as YAMLMap;
  root.set(SECTION.secrets, secrets);
  root.set(SECTION.required, required);
  root.set(SECTION.recipients, recipients);
  doc.commentBefore = [
    ` vaultfile edit: ${file}`,
    " Values are in clear here. This file is private (0600) and is deleted when the editor closes.",
    " Change values and metadata, add or delete secrets, required names and recipients; then save and quit.",
    " Quit without saving to leave the vault as it is.",
    " Fields: value, type (a lower-case word), description, expires_at (2027-01-31 or RFC 3339),",
    " rotate_every (90d, 12w, 6mo, 1y). created_at and rotated_at are kept by vaultfile.",
  ].join("\n");
  // printYaml: a blank value with a line break (" \n") is printed so that it reads back as it was.
  return printYaml(doc, true);
}

/**
 * Parses the edited text back into a view. Every problem is a {@link FormatError} naming the line; no message
 * quotes a value.
 */
export function parseView(text: string): EditView {
  const lc = new LineCounter();
  // The failsafe schema reads every scalar as a string: `value: 0123` stays "0123", `yes` stays "yes".
  const doc = parseDocument(text, { schema: "failsafe", lineCounter: lc, uniqueKeys: true, prettyErrors: true });
  const problem = doc.errors[0];
  if (problem) {
    const pos = problem.linePos?.[0];
    throw new FormatError(`invalid YAML: ${problem.message.split(" at line ")[0]!.split("\n")[0]}`, {
      line: pos?.line,
      column: pos?.col,
    });
  }
  const at = (node: unknown): { line?: number; column?: number } => lineOf(node as Node, text);
  const fail: Fail = (message, node, hint, cause) => {
    throw new FormatError(message, { ...at(node), hint, cause });
  };
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === ""))
    fail("the edited file is empty", root, "to keep the vault as it is, quit the editor without saving");
  if (!isMap(root)) return fail("the edited file must be a mapping with secrets, required and recipients", root);

  const view: EditView = { secrets: new Map(), required: [], recipients: new Map(), lines: new Map() };
  for (const pair of root.items) {
    const key = keyText(pair.key);
    if (!(SECTIONS as readonly string[]).includes(key))
      fail(`unknown section ${JSON.stringify(key)}`, pair.key, `the sections are ${SECTIONS.join(", ")}`);
    view.lines.set(key, at(pair.key).line ?? 0);
    if (isEmpty(pair.value)) continue;
    if (key === SECTION.secrets) readSecrets(pair.value, view, fail, at);
    else if (key === SECTION.required) readRequired(pair.value, view, fail);
    else readRecipients(pair.value, view, fail, at);
  }
  if (view.recipients.size === 0)
    fail("a vault needs at least one recipient", root, "keep your own entry under recipients");
  return view;
}

type Fail = (message: string, node: unknown, hint?: string, cause?: unknown) => never;

function keyText(node: unknown): string {
  return isScalar(node) ? String(node.value) : String(node);
}

function isEmpty(node: unknown): boolean {
  return (
    node === null ||
    node === undefined ||
    (isScalar(node) && (node.value === "" || node.value === "~" || node.value === "null"))
  );
}

/** Runs a library check and turns its error into one that points at `node`. */
function checked<T>(fail: Fail, node: unknown, what: string, check: () => T, hint?: string): T {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof VaultfileError)) throw err;
    return fail(`${what}: ${err.message}`, node, hint ?? err.hint, err);
  }
}

function readSecrets(node: unknown, view: EditView, fail: Fail, at: (n: unknown) => { line?: number }): void {
  if (!isMap(node)) fail("secrets must be a mapping of names to entries", node);
  for (const pair of (node as YAMLMap).items) {
    const name = keyText(pair.key);
    checked(fail, pair.key, "secrets", () => checkSecretName(name));
    const entry = pair.value;
    if (!isMap(entry)) fail(`secret ${name} must be a mapping with at least a value`, pair.key ?? node);
    const fields = new Map<string, Scalar>();
    for (const f of (entry as YAMLMap).items) {
      const field = keyText(f.key);
      if (!(VIEW_FIELDS as readonly string[]).includes(field))
        fail(`unknown field ${field} in secret ${name}`, f.key, `the fields are ${VIEW_FIELDS.join(", ")}`);
      if (!isScalar(f.value))
        fail(
          `${name}.${field} must be text, not a list or mapping`,
          f.value ?? f.key,
          field === "value" ? "quote it, or use a block scalar (|) for several lines" : undefined,
        );
      fields.set(field, f.value as Scalar);
    }
    const text = (field: string): string | null => {
      const v = fields.get(field);
      return v === undefined || isEmpty(v) ? null : String(v.value);
    };
    const valueNode = fields.get("value");
    if (valueNode === undefined || String(valueNode.value) === "")
      fail(
        `secret ${name} has no value`,
        valueNode ?? pair.key,
        "every secret needs a value (empty ones are refused everywhere); delete the whole entry to remove the secret",
      );
    const type = text("type") ?? "generic";
    const typeCheck = checkTypeAnswer(type);
    if (typeCheck !== true) fail(`${name}.type: ${typeCheck}`, fields.get("type"));
    // `never` removes either field, as everywhere else.
    const orNull = (t: string | null): string | null => (t === null || isNever(t) ? null : t);
    const expires = orNull(text("expires_at"));
    const every = orNull(text("rotate_every"));
    view.secrets.set(name, {
      value: String(valueNode!.value),
      type: type.trim(),
      description: text("description"),
      expiresAt:
        expires === null
          ? null
          : checked(
              fail,
              fields.get("expires_at"),
              `${name}.expires_at`,
              () => parseDate(expires, "date"),
              "use YYYY-MM-DD or an RFC 3339 time such as 2027-01-31T12:00:00Z",
            ),
      rotateEvery:
        every === null
          ? null
          : checked(
              fail,
              fields.get("rotate_every"),
              `${name}.rotate_every`,
              () => parseDuration(every, "duration").text,
            ),
      line: at(pair.key).line,
    });
  }
}

function readRequired(node: unknown, view: EditView, fail: Fail): void {
  if (!isSeq(node)) fail("required must be a list of names, e.g. [PYPI_TOKEN, NPM_TOKEN]", node);
  for (const item of (node as YAMLSeq).items) {
    if (!isScalar(item)) fail("required must be a list of names", item);
    const name = String((item as Scalar).value).trim();
    checked(fail, item, "required", () => checkSecretName(name));
    if (!view.required.includes(name)) view.required.push(name);
  }
}

function readRecipients(node: unknown, view: EditView, fail: Fail, at: (n: unknown) => { line?: number }): void {
  if (!isMap(node)) fail("recipients must be a mapping of names to age public keys", node);
  const holders = new Map<string, string>();
  for (const pair of (node as YAMLMap).items) {
    const name = keyText(pair.key);
    checked(fail, pair.key, "recipients", () => checkRecipientName(name));
    if (!isScalar(pair.value)) fail(`recipient ${name} must be an age public key (age1…)`, pair.value ?? pair.key);
    const key = String((pair.value as Scalar).value).trim();
    checked(fail, pair.value, "recipients", () => checkRecipient(key, `the key of ${name}`));
    const holder = holders.get(key);
    if (holder !== undefined) fail(`recipients ${holder} and ${name} have the same key`, pair.value);
    holders.set(key, name);
    view.recipients.set(name, key);
    view.lines.set(`recipient:${name}`, at(pair.key).line ?? 0);
  }
  if (mixesKinds(view.recipients.values())) fail(MIXED_KINDS_MESSAGE, node, "use one kind of key for every recipient");
}
