import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gitFileState } from "../../src/git/tracked.js";
import { tempDir } from "../helpers.js";

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", args, {
    cwd,
    stdio: "ignore",
    env: {
      ...process.env,
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@e",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@e",
    },
  });

describe("gitFileState", () => {
  it("tells tracked, ignored, untracked and outside a work tree apart", async () => {
    const repo = tempDir();
    git(repo, "init", "-q");
    mkdirSync(join(repo, "docs"));
    writeFileSync(join(repo, "docs", "CHANGELOG.md"), "x\n");
    writeFileSync(join(repo, ".gitignore"), ".env\n");
    git(repo, "add", ".");
    git(repo, "commit", "-qm", "init");
    expect(await gitFileState(join(repo, "docs", "CHANGELOG.md"))).toBe("tracked");
    expect(await gitFileState(join(repo, ".env"))).toBe("ignored");
    expect(await gitFileState(join(repo, "docs", ".env"))).toBe("ignored");
    expect(await gitFileState(join(repo, "secrets.env"))).toBe("untracked");
    expect(await gitFileState(join(tempDir(), ".env"))).toBe("outside");
  });
});
