/** The merge driver across a recipient removal: the kept side moves onto the rolled data key; exposures merge. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeVaults } from "../../src/git/merge.js";
import { parseIdentities } from "../../src/crypto/identities.js";
import { Vault } from "../../src/vault/vault.js";
import { NOW, tempDir, testKey } from "../helpers.js";
import { createVault, openVaultText } from "../../src/io/vault-file.js";
import { findIdentities } from "../../src/io/keys.js";

const alice = testKey("alice");
const bob = testKey("bob");
const opts = { identities: [alice.secret], env: {}, now: () => NOW };

async function fixture() {
  const path = join(tempDir(), "v.yaml");
  const v = await createVault(path, { alice: alice.recipient, bob: bob.recipient }, opts);
  for (const n of ["A", "B", "C"]) v.set(n, `${n}-0`, {});
  const base = v.toText();
  const edit = async (fn: (v: Vault) => unknown) => {
    const e = await openVaultText(base, path, opts);
    await fn(e);
    return e.toText();
  };
  return { base, edit };
}

const merge = async (base: string, ours: string, theirs: string) =>
  mergeVaults({
    base,
    ours,
    theirs,
    path: "v.yaml",
    keys: await findIdentities({ identities: [alice.secret], env: {} }),
    now: NOW,
  });
const open = (text: string, who = alice.secret) =>
  Vault.fromText(text, parseIdentities(who, "key"), { now: () => NOW });

describe("merging a rotation with a recipient removal", () => {
  for (const removalSide of ["theirs", "ours"] as const) {
    it(`takes the rolled key (removal on ${removalSide}); the rotated secret is OK, the others stay EXPOSED`, async () => {
      const f = await fixture();
      const rotation = await f.edit((v) => void v.rotate("B", "B-1"));
      const removal = await f.edit((v) => v.removeRecipient("bob"));
      const [ours, theirs] = removalSide === "theirs" ? [rotation, removal] : [removal, rotation];
      const m = await merge(f.base, ours, theirs);
      expect(m.conflicts).toEqual([]);
      const v = await open(m.text);
      expect(v.recipients()).toEqual({ alice: alice.recipient });
      expect(v.get("B").value).toBe("B-1");
      expect(v.get("B").exposedTo).toEqual([]);
      expect(v.get("A").exposedTo.map((x) => x.recipient)).toEqual(["bob"]);
      expect(v.get("C").exposedTo.map((x) => x.recipient)).toEqual(["bob"]);
      // bob's key no longer opens the result: nothing stays under the data key he knew.
      await expect(open(m.text, bob.secret)).rejects.toThrow();
    });
  }

  it("unions exposures from two removals made on the same key", async () => {
    const f = await fixture();
    const ours = await f.edit((v) => void v.update("A", { description: "x" }));
    const theirs = await f.edit((v) => v.removeRecipient("bob"));
    const m = await merge(f.base, ours, theirs);
    const v = await open(m.text);
    expect(v.get("A").description).toBe("x");
    expect(v.get("A").exposedTo.map((x) => x.recipient)).toEqual(["bob"]);
  });

  it("still refuses to merge when both sides rolled the data key", async () => {
    const f = await fixture();
    const ours = await f.edit((v) => v.removeRecipient("bob"));
    const theirs = await f.edit(async (v) => {
      await v.addRecipient("carol", testKey("carol").recipient);
      await v.removeRecipient("bob");
    });
    const m = await merge(f.base, ours, theirs);
    expect(m.conflicts.map((c) => c.kind)).toEqual(["data key"]);
  });
});
