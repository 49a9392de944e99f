/** Running git: a call given a time limit is stopped there and fails, instead of holding up what git started. */
import { describe, expect, it } from "vitest";
import { tryGit } from "../../src/git/run.js";
import { tempDir } from "../helpers.js";

describe("git with a time limit", () => {
  it("stops git after timeoutMs and reports it as a failure (null from tryGit)", async () => {
    const cwd = tempDir();
    const env = { PATH: process.env.PATH, HOME: cwd, GIT_CONFIG_NOSYSTEM: "1" };
    // A shell alias that sleeps: git waits for it until the limit ends both.
    expect(await tryGit(["-c", "alias.slow=!sleep 2", "slow"], { cwd, env, timeoutMs: 200 })).toBeNull();
    expect(await tryGit(["-c", "alias.quick=!true", "quick"], { cwd, env, timeoutMs: 5000 })).toBe("");
  });
});
