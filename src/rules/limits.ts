/**
 * The size limits every reader of a vault or sops file checks before doing any work: the file is hostile input
 * (a pull request from someone without the key), and git runs textconv and the merge driver on it unasked, so each
 * of them must answer in bounded time and memory. README "Limits" and SECURITY.md list the same numbers.
 */
import { FormatError } from "../errors.js";

/** The largest file read (64 MiB): ten thousand secrets of 1 KiB are about 4 MiB. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** The deepest nesting of mappings and lists in a file (a vault needs 4; sops files rarely more than 10). */
export const MAX_DEPTH = 100;
/** The largest value a secret may hold (1 MiB): a vault lives in git and is read and decrypted whole on every open. */
export const MAX_VALUE_BYTES = 1024 * 1024;
/** The longest secret, recipient or type name: an environment variable name, not a paragraph. */
export const MAX_NAME_LENGTH = 256;
/** The longest regular expression read from a file or given on the command line (custom type patterns). */
export const MAX_PATTERN_LENGTH = 4096;
/** The longest one-line text stored in clear (a description, a type's rotate_at link). */
export const MAX_TEXT_LENGTH = 4096;
/** The longest duration (`--expires-in`, `--rotate-every`): a hundred years. */
export const MAX_DURATION_DAYS = 36_525;
/** The largest `--warn-days`: also a hundred years. */
export const MAX_WARN_DAYS = 36_525;

/** `1 MiB`, `64 MiB`, `512 bytes`: a size for messages. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

/** The error for a file over {@link MAX_FILE_BYTES} (exit 6), raised before it is read or parsed. */
export function fileTooLarge(file: string): FormatError {
  return new FormatError(`${file} is larger than the limit of ${formatBytes(MAX_FILE_BYTES)}`, { hint: 'a vault holds secrets, not files; see README "Limits"' });
}
