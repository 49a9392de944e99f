/**
 * Names: what may name a secret or a recipient, and the size limit of a value. Pure rules.
 */
import { InvalidInputError } from "../errors.js";
import { MAX_NAME_LENGTH, MAX_VALUE_BYTES } from "./limits.js";

/** Names that become environment variables. */
export const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names a recipient may have. */
export const RECIPIENT_NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.@-]*$/;
/**
 * `value` would match the file's `encrypted_regex: ^value$` as a path component, so sops would encrypt that
 * entry's metadata too: it cannot be a secret or recipient name.
 */
const RESERVED = new Set(["value"]);

/** The largest value a secret may hold (1 MiB), from `limits.ts`. */
export { MAX_VALUE_BYTES };

/** A name over {@link MAX_NAME_LENGTH}: refused by its length, without echoing it. */
function checkNameLength(name: string, what: string): void {
  if (name.length > MAX_NAME_LENGTH) {
    throw new InvalidInputError(
      "E_NAME",
      `invalid ${what}: ${name.length} characters, more than the limit of ${MAX_NAME_LENGTH}`,
      { hint: "names are short identifiers (e.g. PYPI_TOKEN)" },
    );
  }
}

/**
 * The one rule for a new value, for `set`, `rotate`, `import`, the editor and the library: not empty (an empty
 * secret is almost always a mistake, an unset variable or a blank line; `rm` removes a secret), and not over
 * {@link MAX_VALUE_BYTES}. The message names the secret and gives the size, never the value.
 */
export function checkSecretValue(name: string, value: string): void {
  if (value === "") {
    throw new InvalidInputError("E_VALUE", `the value of ${name} is empty`, {
      hint: "a secret needs a value: an empty one is almost always a mistake (an unset variable?); remove a secret with `vaultfile rm`",
    });
  }
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > MAX_VALUE_BYTES) {
    throw new InvalidInputError(
      "E_VALUE",
      `the value of ${name} is ${bytes} bytes, more than the limit of ${MAX_VALUE_BYTES} (1 MiB)`,
      {
        hint: "keep large files out of the vault: encrypt them with age and store their key here",
      },
    );
  }
}

export function checkSecretName(name: string): void {
  checkNameLength(name, "secret name");
  if (!NAME_RE.test(name)) {
    throw new InvalidInputError("E_NAME", `invalid secret name ${JSON.stringify(name)}`, {
      hint: "names become environment variables: letters, digits and _, not starting with a digit (e.g. PYPI_TOKEN)",
    });
  }
  if (RESERVED.has(name))
    throw new InvalidInputError("E_NAME", `"${name}" is reserved and cannot name a secret`, {
      hint: "choose another name, e.g. an upper-case one",
    });
}

export function checkRecipientName(name: string): void {
  checkNameLength(name, "recipient name");
  if (!RECIPIENT_NAME_RE.test(name) || RESERVED.has(name)) {
    throw new InvalidInputError("E_NAME", `invalid recipient name ${JSON.stringify(name)}`, {
      hint: 'use letters, digits, _, ., @ or - (e.g. alice, ci, bob@example.com); "value" is reserved',
    });
  }
}

/** The names a type may have (`set --type`, `type add`, the editor and the menu all apply this rule). */
export const TYPE_NAME_RE = /^[a-z0-9][a-z0-9_.-]*$/;

/** Throws unless `name` can name a type (one rule, one code: `E_NAME`). `value` is reserved: sops would encrypt a `types.value` entry. */
export function checkTypeName(name: string): void {
  if (!TYPE_NAME_RE.test(name) || name === "value") {
    throw new InvalidInputError("E_NAME", `invalid type name ${JSON.stringify(name)}`, {
      hint: 'a type is a lower-case word: letters, digits, _, . or - (e.g. internal-api); "value" is reserved',
    });
  }
}
