/** `git diff` through vaultfile's textconv marks a version whose data key changed, with or without a key. */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseIdentities } from "../../src/crypto/identities.js";
import { blobId, parentVersion } from "../../src/git/parent-version.js";
import { textconv } from "../../src/git/textconv.js";
import { tempDir } from "../helpers.js";
import { alice, bob, carol, forgeInto, legitimate } from "./custody-support.js";

type Repo = Awaited<ReturnType<typeof legitimate>>;

/**
 * The `data_key:` lines of a diff, run with `key` (or without any key: `null`). A version's marker describes it
 * against the version before, so the next commit's diff shows it removed.
 */
function markers(r: Repo, args: string[], key: typeof alice | null = alice): string[] {
  const { VAULTFILE_AGE_KEY: _, ...keyless } = r.env;
  const out = execFileSync("git", args, {
    cwd: r.repo,
    env: key === null ? keyless : { ...r.env, VAULTFILE_AGE_KEY: key.secret },
    encoding: "utf8",
  });
  return out.split("\n").filter((l) => l.includes("data_key:"));
}

/** Each diff runs textconv (a node process) twice per version: slow on a loaded machine, never timed. */
const SLOW_GIT = 120_000;
const PROOF_OK = "+  data_key: replaced (proof ok)";
const NO_PROOF = "+  data_key: replaced (NO PROOF)";
const KEYLESS = "+  data_key: changed (all recipients' enc blobs differ; no key to check its proof)";

describe("git textconv: data key changes", () => {
  it(
    "marks a re-key by a key holder as proof ok and a forged one as NO PROOF, in commits and in the work tree",
    async () => {
      const r = await legitimate();
      await r.change("rotate A", (v) => v.rotate("A", "A-1"));
      expect(markers(r, ["show", "HEAD"])).toEqual([]); // same data key: nothing to mark
      await r.change("remove bob", (v) => v.removeRecipient("bob"));
      await r.change("rotate B", (v) => v.rotate("B", "B-1"));
      expect(markers(r, ["show", "HEAD~1"])).toEqual([PROOF_OK]);
      // `git log -p`: each version against the one before it, whatever HEAD is.
      expect(markers(r, ["log", "-p", "--format="])).toEqual([PROOF_OK.replace("+", "-"), PROOF_OK]);
      expect(markers(r, ["diff", "HEAD~3", "HEAD~1"])).toEqual([PROOF_OK]);
      await forgeInto(r);
      expect(markers(r, ["diff"])).toEqual([NO_PROOF]); // not committed yet: against HEAD's version
      r.git("commit", "-q", "-am", "routine rotation");
      expect(markers(r, ["show", "HEAD"])).toEqual([NO_PROOF]);
      expect(markers(r, ["log", "-p", "--format=", "-3"]).filter((l) => l.startsWith("+"))).toEqual([
        NO_PROOF,
        PROOF_OK,
      ]);
    },
    SLOW_GIT,
  );

  it(
    "without a key says the data key changed (every recipient's wrapped key differs)",
    async () => {
      const r = await legitimate();
      await r.change("swap bob for carol", async (v) => {
        await v.addRecipient("carol", carol.recipient);
        await v.removeRecipient("bob");
      });
      expect(markers(r, ["show", "HEAD"], null)).toEqual([KEYLESS]);
      expect(markers(r, ["show", "HEAD"])).toEqual([PROOF_OK]);
      // A key that opens this version but not the one before cannot check the proof either.
      expect(markers(r, ["show", "HEAD"], carol)).toEqual([
        KEYLESS.replace("no key to check its proof", "your key does not open the version before"),
      ]);
      await r.change("add bob", (v) => v.addRecipient("bob", bob.recipient));
      expect(markers(r, ["show", "HEAD"], null).filter((l) => l.startsWith("+"))).toEqual([]); // the others' wrapped keys stay byte for byte
      await forgeInto(r);
      r.git("commit", "-q", "-am", "routine rotation");
      expect(markers(r, ["show", "HEAD"], null)).toEqual([KEYLESS]);
    },
    SLOW_GIT,
  );

  it("treats a hostile version before as nothing to tell and a failed lookup as unknown, never as a failure", async () => {
    const r = await legitimate();
    const text = execFileSync("git", ["show", "HEAD:.secrets.yaml"], { cwd: r.repo, encoding: "utf8" });
    const keys = { identities: parseIdentities(alice.secret, "alice"), searched: [] };
    const plain = await textconv(text, ".secrets.yaml", { keys });
    for (const parent of ["sops: [", "", text.replace("sops:", "sopz:"), "a: *x"]) {
      expect(await textconv(text, ".secrets.yaml", { keys, parent: async () => parent })).toBe(plain);
    }
    // A lookup that fails is said, not left out: a marker that can be made to vanish is what a forger wants.
    expect(
      await textconv(text, ".secrets.yaml", { keys, parent: () => Promise.reject(new Error("git died")) }),
    ).toContain("data_key: unknown (cannot tell the version before, the lookup failed;");
    expect(
      await textconv(text, ".secrets.yaml", {
        keys: { identities: [], searched: [] },
        parent: async () => ({ unknown: "git did not answer" }),
      }),
    ).toContain("data_key: unknown (cannot tell the version before, git did not answer;");
    expect(
      await textconv(text, ".secrets.yaml", { keys: { identities: [], searched: [] }, parent: async () => "sops: [" }),
    ).not.toContain("data_key");
  });

  it("says a file outside any repository is not in one (git's refusal is not a failed lookup)", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "v.yaml"), "a: 1\n");
    // parentVersion runs git with this process's environment: no repository above `dir` either.
    const saved = process.env.GIT_CEILING_DIRECTORIES;
    process.env.GIT_CEILING_DIRECTORIES = dir;
    try {
      expect(await parentVersion("v.yaml", dir)).toEqual({ unknown: "not in a git repository" });
    } finally {
      if (saved === undefined) delete process.env.GIT_CEILING_DIRECTORIES;
      else process.env.GIT_CEILING_DIRECTORIES = saved;
    }
    const repo = join(dir, "empty");
    execFileSync("git", ["init", "-q", repo]);
    writeFileSync(join(repo, "v.yaml"), "a: 1\n");
    expect(await parentVersion("v.yaml", repo)).toBeNull(); // a repository without a commit: nothing before
  });

  it("hashes a version to the blob id git gives it, SHA-1 and SHA-256 repositories alike", () => {
    const dir = tempDir();
    const file = join(dir, "v.yaml");
    writeFileSync(file, "secrets:\n  A: ENC[…]\r\n\u00e9\n");
    for (const format of ["sha1", "sha256"] as const) {
      const repo = join(dir, format);
      execFileSync("git", ["init", "-q", `--object-format=${format}`, repo]);
      const id = execFileSync("git", ["hash-object", "--no-filters", "--", file], {
        cwd: repo,
        encoding: "utf8",
      }).trim();
      expect(blobId(readFileSync(file), format)).toBe(id);
    }
  });
});
