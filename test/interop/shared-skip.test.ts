/**
 * From a plain clone (no ../shared), the tests that need sops-produced files skip and say what is missing and how
 * to get it, in a user's words (issue 15, item 9). Runs vitest on one such file with the folder pointed elsewhere.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, tempDir } from "../helpers.js";

describe("without the sops-produced fixtures", () => {
  it("skips visibly, naming the missing folder, why it is not in the repository, and where to get the files", () => {
    const shared = tempDir();
    const r = spawnSync(
      process.execPath,
      [join(ROOT, "node_modules", "vitest", "vitest.mjs"), "run", "test/interop/sops-fixtures.test.ts"],
      {
        cwd: ROOT,
        env: { ...process.env, VAULTFILE_TEST_SHARED: shared, NO_COLOR: "1", FORCE_COLOR: "0" },
        encoding: "utf8",
      },
    );
    const output = r.stdout + r.stderr;
    expect(r.status, output).toBe(0);
    expect(output).toMatch(/Tests\s+\d+ skipped/);
    expect(output).toContain(
      "SKIPPED sops-produced fixtures decrypt exactly: these tests read files encrypted by the real sops tool, which vaultfile's repository does not ship",
    );
    expect(output).toContain(`Looked for ${join(shared, "fixtures", "sops", "keys.txt")}.`);
    expect(output).toContain("https://github.com/gibbz00/rops");
    expect(output).not.toContain("full workspace");
  });
});
