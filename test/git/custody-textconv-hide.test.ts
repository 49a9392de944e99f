/**
 * The `data_key:` marker of `git diff` cannot be hidden: git tells textconv only the file's basename, so a forged
 * version committed a second time at another path, or deleted and re-added, must still be marked (NO PROOF, or
 * `unknown` when the version before cannot be told), never shown as if nothing changed.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { alice, forgeInto, legitimate } from "./custody-support.js";

type Repo = Awaited<ReturnType<typeof legitimate>>;

/** The added `data_key:` lines of a git command's output, run with alice's key. */
function added(r: Repo, args: string[]): string[] {
  const out = execFileSync("git", args, {
    cwd: r.repo,
    env: { ...r.env, VAULTFILE_AGE_KEY: alice.secret },
    encoding: "utf8",
  });
  return out.split("\n").filter((l) => l.startsWith("+") && l.includes("data_key:"));
}

const SLOW_GIT = 120_000;
const NO_PROOF = "+  data_key: replaced (NO PROOF)";
const AMBIGUOUS =
  "+  data_key: unknown (cannot tell the version before, this version is at several paths or commits with different versions before it; vaultfile history --verify checks it)";

describe("git textconv: a data key change cannot be hidden", () => {
  it(
    "a copy of the forged file committed at another path makes the marker unknown, not absent",
    async () => {
      const r = await legitimate();
      r.git("checkout", "-q", "-b", "pr");
      await forgeInto(r);
      r.git("commit", "-q", "-am", "rotate A");
      expect(added(r, ["show", "HEAD"])).toEqual([NO_PROOF]);
      mkdirSync(join(r.repo, "examples"));
      copyFileSync(r.file, join(r.repo, "examples", ".secrets.yaml"));
      r.git("add", "examples");
      r.git("commit", "-q", "-m", "add example vault");
      expect(added(r, ["log", "-p", "--format=", "main..pr", "--", ".secrets.yaml"])).toEqual([AMBIGUOUS]);
      expect(added(r, ["diff", "main", "pr", "--", ".secrets.yaml"])).toEqual([AMBIGUOUS]);
    },
    SLOW_GIT,
  );

  it(
    "a vault deleted and re-added forged is marked against the version before the deletion",
    async () => {
      const r = await legitimate();
      r.git("checkout", "-q", "-b", "pr");
      r.git("rm", "-q", ".secrets.yaml");
      r.git("commit", "-q", "-m", "cleanup");
      await forgeInto(r);
      r.git("add", ".secrets.yaml");
      r.git("commit", "-q", "-m", "restore vault");
      expect(added(r, ["diff", "main...pr"])).toEqual([NO_PROOF]);
      expect(added(r, ["log", "-p", "--format=", "main..pr"])).toEqual([NO_PROOF]);
    },
    SLOW_GIT,
  );
});
