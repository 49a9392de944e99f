/**
 * The merge driver keeps the chain of custody: it moves our side onto the other side's data key only when that key
 * is proved from the base's by custody links. A branch that edits, or deletes and re-adds, the vault under a key its
 * writer chose (no key of the vault needed) must not get the merging key holder's later values encrypted under it.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { openVault } from "../../src/io/vault-file.js";
import { forgeInto, legitimate } from "./custody-support.js";

type Repo = Awaited<ReturnType<typeof legitimate>>;

/** `git merge BRANCH` on main after main added D (so the driver runs); status, output and the file before/after. */
async function mergeOnMain(r: Repo, branch: string) {
  r.git("checkout", "-q", "main");
  await r.change("main adds D", (v) => v.set("D", "D-0"));
  const before = readFileSync(r.file, "utf8");
  const res = spawnSync("git", ["merge", "--no-edit", branch], { cwd: r.repo, env: r.env, encoding: "utf8" });
  return { ...res, before, after: readFileSync(r.file, "utf8") };
}

function expectRefused(m: Awaited<ReturnType<typeof mergeOnMain>>, r: Repo) {
  expect(m.status).not.toBe(0);
  expect(m.stderr).toContain(
    "vaultfile: error: merge refused: theirs replaced the data key of .secrets.yaml without proof",
  );
  expect(m.after).toBe(m.before); // our side, byte for byte
  expect(r.git("ls-files", "-u", "--", ".secrets.yaml")).not.toBe(""); // left to a person, as a conflict
}

describe("merge driver and custody", () => {
  it("refuses a branch that re-keyed the vault without proof (edited in place)", async () => {
    const r = await legitimate();
    r.git("checkout", "-q", "-b", "pr");
    await forgeInto(r);
    r.git("commit", "-q", "-am", "bump");
    expectRefused(await mergeOnMain(r, "pr"), r);
    expect(r.run(["git", "merge", "--help"]).stdout).toContain(
      "Exit 5: refused, OURS left as it was: a side replaced the data key without a custody link",
    );
  });

  it("refuses a branch that deleted the vault and added a forged one", async () => {
    const r = await legitimate();
    r.git("checkout", "-q", "-b", "pr");
    r.git("rm", "-q", ".secrets.yaml");
    r.git("commit", "-q", "-m", "cleanup");
    await forgeInto(r);
    r.git("add", ".secrets.yaml");
    r.git("commit", "-q", "-m", "restore vault");
    expectRefused(await mergeOnMain(r, "pr"), r);
  });

  it("merges a branch that removed a recipient (its link proves the new key from the base's)", async () => {
    const r = await legitimate();
    r.git("checkout", "-q", "-b", "offboard");
    await r.change("remove bob", (v) => v.removeRecipient("bob"));
    const m = await mergeOnMain(r, "offboard");
    expect(m.stderr).not.toContain("error");
    expect(m.status).toBe(0);
    expect((await openVault(r.file, r.opts())).exportSecrets()).toEqual({ A: "A-0", B: "B-0", C: "C-0", D: "D-0" });
  });
});
