/** Reading a whole text file, with a system error turned into an {@link IoError} that names the file, not its contents. */
import { readFileSync } from "node:fs";
import { ioErrorFrom } from "../errors.js";

/** The file as UTF-8 text. */
export function readTextFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw ioErrorFrom(err, "read", path);
  }
}
