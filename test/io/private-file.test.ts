/** Issue 12 item 6: a committed symlink `.env -> docs/CHANGELOG.md` made `export -o .env` write every secret into the changelog. */
import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConflictError } from "../../src/errors.js";
import { appendPrivateFile, writePrivateFile } from "../../src/io/private-file.js";
import { tempDir } from "../helpers.js";

describe("private files behind a symlink", () => {
  it("writing and appending through a symlink are refused unless followed, and the linked file is untouched", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "docs"));
    writeFileSync(join(dir, "docs", "CHANGELOG.md"), "# Changelog\n");
    symlinkSync("docs/CHANGELOG.md", join(dir, ".env"));
    for (const write of [
      () => writePrivateFile(join(dir, ".env"), "A=1\n"),
      () => appendPrivateFile(join(dir, ".env"), "A=1\n"),
    ]) {
      expect(write).toThrow(ConflictError);
      expect(write).toThrow(
        `refusing to write secrets through ${join(dir, ".env")}: it is a symbolic link (to docs/CHANGELOG.md)`,
      );
    }
    expect(readFileSync(join(dir, "docs", "CHANGELOG.md"), "utf8")).toBe("# Changelog\n");
    writePrivateFile(join(dir, ".env"), "A=1\n", { followSymlink: true });
    expect(readFileSync(join(dir, "docs", "CHANGELOG.md"), "utf8")).toBe("A=1\n");
    expect(lstatSync(join(dir, ".env")).isSymbolicLink()).toBe(true);
  });

  it("a plain file is written as before", () => {
    const dir = tempDir();
    writePrivateFile(join(dir, ".env"), "A=1\n");
    appendPrivateFile(join(dir, ".env"), "B=2\n");
    expect(readFileSync(join(dir, ".env"), "utf8")).toBe("A=1\nB=2\n");
    expect(lstatSync(join(dir, ".env")).mode & 0o777).toBe(0o600);
  });
});
