import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createPrivateTemp, EDIT_DIR_PREFIX, sweepLeftovers } from "../../../src/cli/edit/private-temp.js";
import { tempDir } from "../../helpers.js";

describe("plaintext left by a killed edit session", () => {
  it("is removed by the next edit when its process is gone; a live session's folder is kept", () => {
    const base = tempDir();
    // A pid that surely exited: a child that has finished.
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid!;
    const leftover = join(base, `${EDIT_DIR_PREFIX}${dead}-abc123`);
    mkdirSync(leftover, { mode: 0o700 });
    writeFileSync(join(leftover, "vault.yaml"), "value: plaintext");
    const live = join(base, `${EDIT_DIR_PREFIX}${process.pid}-def456`);
    mkdirSync(live, { mode: 0o700 });
    const unrelated = join(base, "something-else-1");
    mkdirSync(unrelated);

    const t = createPrivateTemp("vault.yaml", "x", base);
    expect(existsSync(leftover)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(existsSync(unrelated)).toBe(true);
    expect(t.dir.startsWith(join(base, `${EDIT_DIR_PREFIX}${process.pid}-`))).toBe(true);
    t.remove();
    expect(sweepLeftovers(base)).toBe(0);
  });
});
