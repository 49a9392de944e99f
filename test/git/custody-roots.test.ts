/**
 * Only the true first version of a vault may be a "first version": a root of the file's history merged in from an
 * unrelated history (`--allow-unrelated-histories`) is checked against the last key the walk saw, and under
 * `--since REV` the version at REV is the trusted start, so no version after it is a first version.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createVault } from "../../src/io/vault-file.js";
import { alice, bob, carol, forgeInto, legitimate, repository } from "./custody-support.js";

const GATES = (base: string) => [
  ["history", "--verify"],
  ["validate", "--since", base],
  ["check", "--since", base],
];

describe("custody roots", () => {
  it("a forged vault on an orphan branch merged in with --allow-unrelated-histories is a break", async () => {
    const r = await legitimate();
    const base = r.git("rev-parse", "HEAD").trim();
    r.git("checkout", "-q", "--orphan", "forge");
    r.git("rm", "-rqf", "--cached", ".");
    await forgeInto(r);
    r.git("add", ".secrets.yaml", ".gitattributes");
    r.git("commit", "-q", "-m", "x");
    const orphan = r.git("rev-parse", "HEAD").trim();
    r.git("checkout", "-qf", "main");
    r.git("checkout", "-q", "-b", "pr");
    r.git("merge", "-q", "--allow-unrelated-histories", "-s", "ours", "--no-commit", orphan);
    r.git("checkout", orphan, "--", ".secrets.yaml");
    r.git("commit", "-q", "-m", "Merge tidy-up");
    for (const cmd of GATES(base)) {
      const res = r.run(cmd);
      expect(res.stderr).toContain(`custody breaks at ${orphan.slice(0, 8)}`);
      expect(res.code).toBe(5);
    }
  });

  it("the same merge with the orphan as the first parent still breaks (the walk has one first version)", async () => {
    const r = await legitimate();
    const base = r.git("rev-parse", "HEAD").trim();
    r.git("checkout", "-q", "--orphan", "pr");
    r.git("rm", "-rqf", "--cached", ".");
    await forgeInto(r);
    r.git("add", ".secrets.yaml", ".gitattributes");
    r.git("commit", "-q", "-m", "x");
    r.git("merge", "-q", "--allow-unrelated-histories", "-s", "ours", "--no-edit", "main");
    for (const cmd of GATES(base)) expect(r.run(cmd).code).toBe(5);
  });

  it("a second root your key opens, after versions it does not, is a break, not a recipient added later", async () => {
    const r = await legitimate(alice, { bob: bob.recipient, carol: carol.recipient });
    r.git("checkout", "-q", "--orphan", "forge");
    r.git("rm", "-rqf", "--cached", ".");
    await forgeInto(r, { alice: alice.recipient, bob: bob.recipient });
    r.git("add", ".secrets.yaml", ".gitattributes");
    r.git("commit", "-q", "-m", "x");
    r.git("checkout", "-qf", "main");
    r.git("merge", "-q", "--allow-unrelated-histories", "-s", "ours", "--no-commit", "forge");
    r.git("checkout", "forge", "--", ".secrets.yaml");
    r.git("commit", "-q", "-m", "Merge tidy-up");
    const res = r.run(["history", "--verify"]);
    expect(res.stderr).toMatch(/custody breaks at [0-9a-f]{8}/);
    expect(res.code).toBe(5);
  });

  it("a vault first committed after REV is a first version for --since REV; one re-keyed with proof passes", async () => {
    const r = repository();
    writeFileSync(join(r.repo, "README"), "x\n");
    r.git("add", "README");
    r.git("commit", "-q", "-m", "start");
    const base = r.git("rev-parse", "HEAD").trim();
    const v = await createVault(r.file, { alice: alice.recipient, bob: bob.recipient }, r.opts());
    v.set("A", "A-0");
    await v.save();
    r.git("add", ".secrets.yaml");
    r.git("commit", "-q", "-m", "vault");
    await r.change("remove bob", (x) => x.removeRecipient("bob"));
    for (const cmd of GATES(base)) {
      const res = r.run(cmd);
      expect(res.stderr).not.toContain("error");
      expect(res.code).toBe(0);
    }
  });
});
