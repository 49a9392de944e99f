/** Ways around the chain of custody that must not work: a vault in a subfolder, a vault deleted and re-created. */
import { mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createVault } from "../../src/io/vault-file.js";
import { vf } from "../cli/lifecycle-support.js";
import { alice, bob, forgeInto, legitimate, repository } from "./custody-support.js";

describe("custody holes", () => {
  it("verifies a vault in a subfolder (git paths are the file's, not the top's)", async () => {
    const r = repository();
    mkdirSync(join(r.repo, "config"));
    const file = join(r.repo, "config", ".secrets.yaml");
    const v = await createVault(file, { alice: alice.recipient, bob: bob.recipient }, r.opts());
    v.set("A", "A-0");
    await v.save();
    r.git("add", "-A");
    r.git("commit", "-q", "-m", "vault");
    r.git("checkout", "-q", "-b", "forged");
    await forgeInto({ ...r, file });
    r.git("commit", "-q", "-am", "routine rotation");
    const forged = r.git("rev-parse", "HEAD").trim().slice(0, 8);
    for (const cmd of [
      ["history", "--verify"],
      ["validate", "--since", "main"],
      ["check", "--since", "main"],
    ]) {
      const res = r.run(["-f", "config/.secrets.yaml", ...cmd]);
      expect(res.stderr).toContain(`custody breaks at ${forged}`);
      expect(res.code).toBe(5);
      // From inside the subfolder too (git's REV:PATH is from the top whatever the working folder).
      const inside = vf(["-f", ".secrets.yaml", ...cmd], { cwd: join(r.repo, "config"), env: r.env });
      expect(inside.stderr).toContain(`custody breaks at ${forged}`);
      expect(inside.code).toBe(5);
    }
  });

  it("a vault deleted in one commit and re-created forged in the next is checked against the version before the deletion", async () => {
    const r = await legitimate();
    r.git("checkout", "-q", "-b", "forged");
    r.git("rm", "-q", ".secrets.yaml");
    r.git("commit", "-q", "-m", "drop the vault");
    await forgeInto(r);
    r.git("add", ".secrets.yaml");
    r.git("commit", "-q", "-m", "vault");
    const forged = r.git("rev-parse", "HEAD").trim().slice(0, 8);
    for (const cmd of [
      ["history", "--verify"],
      ["validate", "--since", "main"],
    ]) {
      const res = r.run(cmd);
      expect(res.stderr).toContain(`custody breaks at ${forged} by Alice Example: data key replaced without proof`);
      expect(res.code).toBe(5);
    }
    // Moved away and a forgery put in its place in one commit: the path's own history still leads to the original.
    r.git("checkout", "-q", "main");
    r.git("checkout", "-q", "-b", "moved");
    renameSync(r.file, join(r.repo, "old.yaml"));
    await forgeInto(r);
    r.git("add", "-A");
    r.git("commit", "-q", "-m", "move");
    expect(r.run(["validate", "--since", "main"]).code).toBe(5);
  });

  it("follows a rename: the versions before it are verified, and a forgery after it breaks", async () => {
    const r = await legitimate();
    await r.change("rotate A", (v) => v.rotate("A", "A-1"));
    r.git("mv", ".secrets.yaml", "prod.yaml");
    r.git("commit", "-q", "-m", "rename the vault");
    const moved = { ...r, file: join(r.repo, "prod.yaml") };
    await forgeInto(moved);
    r.git("commit", "-q", "-am", "routine rotation");
    const res = r.run(["--json", "-f", "prod.yaml", "history", "--verify"]);
    expect(res.code).toBe(5);
    const report = JSON.parse(res.stdout) as { versions: { kind: string; detail: string }[] };
    // vault, rotate A, the rename (the same file as its parent), then the forgery against the renamed version.
    expect(report.versions.map((v) => v.kind)).toEqual(["ok", "ok", "unchanged", "break"]);
    expect(report.versions[3]?.detail).toBe("data key replaced without proof");
  });
});
