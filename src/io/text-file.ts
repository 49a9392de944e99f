/** Reading a whole text file, with a system error turned into an {@link IoError} that names the file, not its contents. */
import { closeSync, fstatSync, openSync, readFileSync } from "node:fs";
import { ioErrorFrom, NotFoundError } from "../errors.js";
import { fileTooLarge, MAX_FILE_BYTES } from "../rules/limits.js";

/**
 * The file as UTF-8 text. A file over {@link MAX_FILE_BYTES} is refused before it is read (a FormatError, exit 6):
 * git hands vault files to textconv and the merge driver unasked, and a 4 GB one must not be loaded whole. With
 * `missingHint`, a file that does not exist is a {@link NotFoundError} with that hint rather than an I/O error.
 */
export function readTextFile(path: string, opts: { missingHint?: string } = {}): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    if (fstatSync(fd).size > MAX_FILE_BYTES) throw fileTooLarge(path);
    return readFileSync(fd, "utf8");
  } catch (err) {
    if (opts.missingHint !== undefined && (err as NodeJS.ErrnoException).code === "ENOENT")
      throw new NotFoundError(`${path} does not exist`, { hint: opts.missingHint });
    throw ioErrorFrom(err, "read", path);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
