/** Chain of custody in real git repositories: legitimate histories verify; a vault forged without the key does not. */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDocument, type YAMLMap } from "yaml";
import { parseIdentities } from "../../src/crypto/identities.js";
import { SopsFile } from "../../src/sops/sops-file.js";
import { appendCustodyLink, readCustody } from "../../src/vault/custody.js";
import { openVault } from "../../src/io/vault-file.js";
import { NOW } from "../helpers.js";
import { alice, bob, carol, forgeInto, legitimate } from "./custody-support.js";

describe("history --verify", () => {
  it("passes rotations, recipients add/remove, a merge of two rotations and a merge of a re-keyed branch", async () => {
    const r = await legitimate();
    await r.change("rotate A", (v) => v.rotate("A", "A-1"));
    await r.change("add carol", (v) => v.addRecipient("carol", carol.recipient));
    await r.change("remove bob", (v) => v.removeRecipient("bob"));
    r.git("checkout", "-q", "-b", "rotate-b");
    await r.change("rotate B", (v) => v.rotate("B", "B-1"));
    r.git("checkout", "-q", "main");
    await r.change("rotate C", (v) => v.rotate("C", "C-1"));
    r.git("merge", "-q", "--no-edit", "rotate-b");
    r.git("checkout", "-q", "-b", "offboard-carol");
    await r.change("remove carol", (v) => v.removeRecipient("carol"));
    r.git("checkout", "-q", "main");
    await r.change("rotate A again", (v) => v.rotate("A", "A-2"));
    r.git("merge", "-q", "--no-edit", "offboard-carol");
    const res = r.run(["--json", "history", "--verify"]);
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    const report = JSON.parse(res.stdout) as { holds: boolean; versions: { kind: string; detail: string }[] };
    expect(report.holds).toBe(true);
    expect(report.versions.filter((v) => v.detail.includes("proof ok"))).toHaveLength(2); // remove bob, remove carol
    expect((await openVault(r.file, r.opts())).exportSecrets()).toEqual({ A: "A-2", B: "B-1", C: "C-1" });
  });

  it("fails on a vault forged by a writer without the key (history --verify and validate --since main), naming the commit", async () => {
    const r = await legitimate();
    const base = r.git("rev-parse", "HEAD").trim();
    r.git("checkout", "-q", "-b", "forged");
    // carol holds no key of this vault: she builds a new one for the same recipients, then drops herself.
    const f = await forgeInto(r);
    r.git("commit", "-q", "-am", "routine rotation");
    const forgedCommit = r.git("rev-parse", "HEAD").trim();
    expect(r.run(["check"]).code).toBe(0); // every other check passes
    const res = r.run(["history", "--verify"]);
    expect(res.code).toBe(5);
    expect(res.stderr).toContain(
      `vaultfile: error: custody breaks at ${forgedCommit.slice(0, 8)} by Alice Example: data key replaced without proof`,
    );
    const v = r.run(["validate", "--since", "main"]);
    expect(v.code).toBe(5);
    expect(v.stderr).toContain(forgedCommit.slice(0, 8));
    // Copying the real vault's custody links into a forgery does not help: they vouch for other keys.
    r.git("checkout", "-q", "main");
    await r.change("remove bob", (x) => x.removeRecipient("bob"));
    const realLinks = readCustody(parseDocument(r.git("show", "HEAD:.secrets.yaml")).contents);
    expect(realLinks).toHaveLength(1);
    r.git("checkout", "-q", "-b", "forged-with-links", base); // its parent has the key the real link starts from
    const sf = await SopsFile.open(f.toText(), "forged", {
      identities: parseIdentities(alice.secret, "alice"),
      searched: [],
    });
    for (const link of realLinks) appendCustodyLink(sf.doc.contents as YAMLMap, link);
    sf.markDirty();
    writeFileSync(r.file, sf.serialize(NOW));
    r.git("commit", "-q", "-am", "another routine rotation");
    const again = r.run(["history", "--verify"]);
    expect(again.code).toBe(5);
    expect(again.stderr).toContain(`custody breaks at ${r.git("rev-parse", "HEAD").trim().slice(0, 8)}`);
  });

  it("reports versions from before the caller was a recipient as not verifiable, and verifies from there on", async () => {
    const r = await legitimate(bob, { bob: bob.recipient });
    await r.change("rotate A", (v) => v.rotate("A", "A-1"), bob);
    await r.change("add alice", (v) => v.addRecipient("alice", alice.recipient), bob);
    await r.change("rotate B", (v) => v.rotate("B", "B-1"), bob);
    await r.change("remove bob", (v) => v.removeRecipient("bob"), alice);
    const res = r.run(["--json", "history", "--verify"], alice);
    expect(res.code).toBe(0);
    const kinds = (JSON.parse(res.stdout) as { versions: { kind: string }[] }).versions.map((v) => v.kind);
    expect(kinds).toEqual(["unverifiable", "unverifiable", "unverifiable", "ok", "ok"]); // vault, rotate A, add alice (its parent is not), rotate B, remove bob
    expect(r.run(["history", "--verify"], alice).stderr).toContain("not verifiable with your key");
  });
});
