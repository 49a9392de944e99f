/** Exclusive creation of private files (keys, the edit file): all or nothing, never a truncated file left behind. */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileExclusive } from "../../src/io/atomic.js";
import { ROOT, tempDir } from "../helpers.js";

describe("writeFileExclusive", () => {
  it("writes all of the text with the mode asked, and never over an existing file", () => {
    const path = join(tempDir(), "key.txt");
    const text = "é".repeat(100_000);
    writeFileExclusive(path, text, 0o600);
    expect(readFileSync(path, "utf8")).toBe(text);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(() => writeFileExclusive(path, "other")).toThrow(
      expect.objectContaining({ code: "E_IO", cause: expect.objectContaining({ code: "EEXIST" }) }),
    );
    expect(readFileSync(path, "utf8")).toBe(text);
  });

  it("removes the file again when the write fails (file size limit: EFBIG)", () => {
    const path = join(tempDir(), "key.txt");
    // An ignored SIGXFSZ survives exec, so the write fails with EFBIG instead of killing node.
    const script = `import("${join(ROOT, "dist", "io", "atomic.js")}").then((m) => { try { m.writeFileExclusive(process.argv[1], "x".repeat(100000)); } catch (e) { console.log(e.message); } })`;
    const out = execFileSync(
      "/bin/sh",
      ["-c", `trap '' XFSZ; ulimit -f 8; exec "$0" --input-type=module -e "$1" "$2"`, process.execPath, script, path],
      { encoding: "utf8" },
    );
    expect(out).toMatch(/^cannot write .*key\.txt: EFBIG/);
    expect(existsSync(path)).toBe(false);
  });
});
