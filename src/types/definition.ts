/**
 * What a secret type is: a description for people, a format check for values, a rotation policy, where the
 * credential is rotated, how `--generate` makes one, and which other secrets belong with it.
 */

/**
 * A format check: `null` when the value looks right, else what was expected, phrased for a person. The message
 * describes the expected shape only; it must never contain the value or any part of it.
 */
export type FormatCheck = (value: string) => string | null;

/**
 * One half of a credential that comes in parts (docker username and password, aws key id and secret key). A
 * secret says which part it is by the end of its name: `DOCKER_PASSWORD` ends in `_PASSWORD`.
 */
export interface SecretRole {
  /** `username`, `password`, `access-key-id`, … */
  readonly id: string;
  /** Name endings that mark this part, e.g. `_USERNAME`; the name may also be the ending without `_`. */
  readonly suffixes: readonly string[];
  readonly check: FormatCheck;
  /** An optional part (an AWS session token) is never reported missing. */
  readonly optional?: boolean;
  /**
   * The part names the account rather than being the credential (a username, an access key id): it has no rotation
   * period of its own and no "where to rotate"; the credential beside it is what gets rotated.
   */
  readonly identifier?: boolean;
}

export interface SecretType {
  /** The name used in `type:` (`pypi`, or a custom type's name). */
  readonly id: string;
  /** One line for people. */
  readonly description: string;
  /** `builtin` for the catalogue, `file` for a custom type declared in the vault's `types:`. */
  readonly source: "builtin" | "file";
  /** The default rotation policy (`90d`), applied when a new secret of this type gets none; `null` for none. */
  readonly rotateEvery: string | null;
  /** Where the credential is rotated: a URL or an instruction. */
  readonly rotateAt: string | null;
  /** A `--generate` SPEC for values of this type; `null` when values come from a provider. */
  readonly generate: string | null;
  /** The check for a secret whose name names no role (or for types without roles). */
  readonly check: FormatCheck;
  /** The parts of a multi-part credential; empty for single values. */
  readonly roles: readonly SecretRole[];
  /** Secret names that must exist beside any secret of this type (custom types). */
  readonly companions: readonly string[];
  /** A custom type's pattern, as written in the file. */
  readonly pattern?: string;
  /** Values have several lines (PEM): the one-line hidden prompt cannot take them, `--stdin` can. */
  readonly multiLine?: boolean;
}

/** A value that does not match its type. `message` never contains the value. */
export interface FormatFinding {
  name: string;
  type: string;
  message: string;
}

/** A secret whose companion is absent: `expected` lists the names any one of which would do. */
export interface CompanionFinding {
  name: string;
  type: string;
  /** The missing part (`username`) or, for a custom type's companion, the companion's name. */
  missing: string;
  expected: string[];
  message: string;
}

/** A secret whose `type` is neither built in nor declared in the file: it is not checked. */
export interface UnknownTypeFinding {
  name: string;
  type: string;
  message: string;
}
