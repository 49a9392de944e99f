/**
 * Every failure vaultfile reports to a person is a {@link VaultfileError}: a short lowercase message with no
 * secret data, a stable `code` for scripts, the process `exitCode` the CLI uses, and an optional `hint` that
 * says how to fix it. The CLI prints `vaultfile: error: <message>` and `vaultfile: hint: <hint>`.
 */

/** The documented exit codes (README "Exit codes"). */
export const ExitCode = {
  ok: 0,
  /** `validate` found a missing required or expired secret (or, with --strict, one expiring soon). */
  validationFailed: 1,
  /** `git merge` / `git resolve`: conflicting changes to the same entry are left for a person (git's convention). */
  mergeConflict: 1,
  /** Bad command line: unknown option, missing argument, conflicting flags; a multi-line paste at a one-line prompt. */
  usage: 2,
  /** A secret, recipient or type name that does not exist. */
  notFound: 3,
  /** No usable age identity, or none of them opens the file. */
  decryption: 4,
  /**
   * MAC, seal or recipient check failed: the file was changed outside vaultfile, or damaged (in a vault's sops block
   * too: a foreign key source, a moved age `enc`, a respelled `lastmodified`).
   */
  integrity: 5,
  /** The file or an input is malformed: YAML syntax, sops structure, bad date, invalid name, bad value. */
  invalidInput: 6,
  /** Reading or writing a file failed (permissions, disk full, not a file). */
  io: 7,
  /**
   * Refused to overwrite or to proceed: the target exists, another process holds the lock, or `keygen` was asked to
   * write into a folder others can write to.
   */
  conflict: 8,
  /** `edit` finished with nothing changed; the file was not written. */
  nothingChanged: 9,
  /** A bug in vaultfile: please report it (run with --debug for the stack trace). */
  internal: 70,
  /** `exec`: the command was found but cannot be run (not executable), as a shell reports it. */
  commandNotExecutable: 126,
  /** `exec`: the command was not found, as a shell reports it. */
  commandNotFound: 127,
  /**
   * Interrupted by Ctrl-C (SIGINT) at a prompt or in the editor: 128 + 2, as shells report it; nothing was written.
   * Other signals end a command with 128 + their number too (143 for SIGTERM).
   */
  interrupted: 130,
} as const;
/** One of the {@link ExitCode} values. */
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Optional parts of an error: how to fix it, and the error that caused it (kept for `--debug`). */
export interface ErrorDetails {
  hint?: string | undefined;
  cause?: unknown;
}

/** Base class of every error vaultfile raises on purpose. */
export class VaultfileError extends Error {
  readonly code: string;
  readonly exitCode: ExitCodeValue;
  readonly hint: string | undefined;

  constructor(code: string, exitCode: ExitCodeValue, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.hint = details.hint;
  }
}

/** A bad command line: unknown option, missing argument, conflicting flags (exit 2). */
export class UsageError extends VaultfileError {
  constructor(message: string, details?: ErrorDetails) {
    super("E_USAGE", ExitCode.usage, message, details);
  }
}

/** The person pressed Ctrl-C (or Esc) at a prompt: nothing was changed; exit 130, as a shell reports SIGINT. */
export class InterruptedError extends VaultfileError {
  constructor(message = "interrupted; nothing was changed", details?: ErrorDetails) {
    super("E_INTERRUPTED", ExitCode.interrupted, message, details);
  }
}

/** Thrown by `get` and friends for a name the vault does not hold. */
export class SecretNotFoundError extends VaultfileError {
  readonly secretName: string;
  readonly suggestions: readonly string[];
  constructor(name: string, suggestions: readonly string[] = []) {
    super("E_NOT_FOUND", ExitCode.notFound, `no secret named ${name}`, {
      hint:
        suggestions.length > 0
          ? `did you mean ${suggestions.join(" or ")}?`
          : "run `vaultfile status` to list the secrets",
    });
    this.secretName = name;
    this.suggestions = suggestions;
  }
}

/** A recipient, type or file that does not exist (exit 3). */
export class NotFoundError extends VaultfileError {
  constructor(message: string, details?: ErrorDetails) {
    super("E_NOT_FOUND", ExitCode.notFound, message, details);
  }
}

/**
 * What a "no key opens this file" error knows, as data (public keys and places only, never a secret), so that one
 * formatter at the CLI edge words it, as age's `NoIdentityMatchError` carries its stanzas.
 */
export interface KeyErrorDetails {
  /** The file, as named in messages. */
  file: string;
  /** The age recipients the file's data key is wrapped for (`sops.age`). */
  recipients: readonly string[];
  /** The vault's named recipients (name → age recipient), when the file has a clear-text `recipients` section. */
  named?: Readonly<Record<string, string>> | undefined;
  /** The places looked at for identities, in order (`--identity ./k.txt`, `$VAULTFILE_AGE_KEY (not set)`, …). */
  searched: readonly string[];
  /** The identities tried: where each came from and its public key (`undefined` when it cannot be derived). */
  tried: readonly { source: string; recipient: string | undefined }[];
}

/** Details of the key errors: the usual ones, plus the structured {@link KeyErrorDetails}. */
export interface KeyErrorOptions extends ErrorDetails {
  keys?: KeyErrorDetails | undefined;
}

/** No identity was found at all. `keys` (when set) says where vaultfile looked and whom the file is for. */
export class NoIdentityError extends VaultfileError {
  readonly keys: KeyErrorDetails | undefined;
  constructor(message: string, details: KeyErrorOptions = {}) {
    super("E_NO_KEY", ExitCode.decryption, message, details);
    this.keys = details.keys;
  }
}

/**
 * An identity (key text from a file, a variable or a command) cannot be used: malformed, a bad checksum, a public
 * key where the secret one belongs. The message names the source and line, never any part of the key.
 */
export class InvalidIdentityError extends VaultfileError {
  constructor(message: string, details?: ErrorDetails) {
    super("E_IDENTITY", ExitCode.decryption, message, details);
  }
}

/** Identities were found, but none of them is a recipient of the file. `keys` lists the keys tried and the recipients. */
export class WrongKeyError extends VaultfileError {
  readonly keys: KeyErrorDetails | undefined;
  constructor(message: string, details: KeyErrorOptions = {}) {
    super("E_WRONG_KEY", ExitCode.decryption, message, details);
    this.keys = details.keys;
  }
}

/** A value or the data key failed to decrypt although a key matched: the ciphertext was altered. */
export class DecryptionError extends VaultfileError {
  constructor(message: string, details?: ErrorDetails) {
    super("E_DECRYPT", ExitCode.integrity, message, details);
  }
}

/** The sops MAC, vaultfile's name seal, the recipients check or the chain of custody failed. */
export class IntegrityError extends VaultfileError {
  constructor(
    code: "E_MAC" | "E_SEAL" | "E_RECIPIENTS" | "E_TAMPERED" | "E_CUSTODY",
    message: string,
    details?: ErrorDetails,
  ) {
    super(code, ExitCode.integrity, message, details);
  }
}

/** The sops MAC is valid but the seal is missing or stale: the file was last written by another sops tool. */
export class StaleSealError extends VaultfileError {
  constructor(message: string, details?: ErrorDetails) {
    super("E_SEAL_STALE", ExitCode.integrity, message, details);
  }
}

/** A secret is past its expiry and the caller did not accept expired values (`get` without `--allow-expired`). */
export class ExpiredError extends VaultfileError {
  readonly secretName: string;
  constructor(name: string, expiresAt: string, details: ErrorDetails = {}) {
    super("E_EXPIRED", ExitCode.validationFailed, `${name} expired on ${expiresAt}`, {
      hint: `rotate it with \`vaultfile rotate ${name}\`, or pass --allow-expired to read it anyway`,
      ...details,
    });
    this.secretName = name;
  }
}

/** The file is not a well-formed vault / sops file. `line` and `column` are 1-based when known. */
export class FormatError extends VaultfileError {
  readonly line: number | undefined;
  readonly column: number | undefined;
  constructor(
    message: string,
    details: ErrorDetails & { line?: number | undefined; column?: number | undefined } = {},
  ) {
    const where =
      details.line === undefined
        ? ""
        : ` (line ${details.line}${details.column === undefined ? "" : `, column ${details.column}`})`;
    super("E_FORMAT", ExitCode.invalidInput, message + where, details);
    this.line = details.line;
    this.column = details.column;
  }
}

/** A user-supplied input (name, date, duration, value) is invalid. */
export class InvalidInputError extends VaultfileError {
  constructor(
    code: "E_NAME" | "E_DATE" | "E_DURATION" | "E_VALUE" | "E_RECIPIENT" | "E_INPUT",
    message: string,
    details?: ErrorDetails,
  ) {
    super(code, ExitCode.invalidInput, message, details);
  }
}

/** Reading or writing a file failed: permissions, disk full, not a file (exit 7). */
export class IoError extends VaultfileError {
  constructor(message: string, details?: ErrorDetails) {
    super("E_IO", ExitCode.io, message, details);
  }
}

/**
 * The target exists, the lock is held, the file changed since it was read, or a key would go into a folder others
 * can write to (exit 8).
 */
export class ConflictError extends VaultfileError {
  constructor(
    code: "E_EXISTS" | "E_LOCKED" | "E_CONFLICT" | "E_UNSAFE_FOLDER",
    message: string,
    details?: ErrorDetails,
  ) {
    super(code, ExitCode.conflict, message, details);
  }
}

/** Turns a Node.js system error into an {@link IoError} naming the file, without its contents. */
export function ioErrorFrom(err: unknown, action: string, path: string): VaultfileError {
  if (err instanceof VaultfileError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Record<string, [string, string | undefined]> = {
    ENOENT: ["does not exist", undefined],
    EACCES: ["permission denied", "check the file's and its folder's permissions"],
    EPERM: ["operation not permitted", "check the file's and its folder's permissions"],
    EISDIR: ["is a directory", "pass the path of a file with -f"],
    ENOTDIR: ["a parent is not a directory", undefined],
    ENOSPC: ["no space left on device", "free some disk space and try again; the file was not changed"],
    EROFS: ["read-only file system", undefined],
    EDQUOT: ["disk quota exceeded", "free some space and try again; the file was not changed"],
  };
  const [reason, hint] = (code && reasons[code]) || [code ?? "unknown error", undefined];
  return new IoError(`cannot ${action} ${path}: ${reason}`, { hint, cause: err });
}
