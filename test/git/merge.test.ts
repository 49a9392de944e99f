/** The merge function in-process: the three-way rules that the CLI tests do not reach, without spawning git. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeVaults } from "../../src/git/merge.js";
import { textconv } from "../../src/git/textconv.js";
import type { Vault } from "../../src/vault/vault.js";
import { NOW, tempDir, testKey } from "../helpers.js";
import { createVault, openVaultText } from "../../src/io/vault-file.js";

const alice = testKey("alice");
const bob = testKey("bob");
const keys = { identities: [], searched: [] };
const opts = { identities: [alice.secret], env: {}, now: () => NOW };
const search = async () => {
  const { findIdentities } = await import("../../src/io/keys.js");
  return findIdentities({ identities: [alice.secret], env: {} });
};

/** A base vault text and a way to derive edited versions of it. */
async function fixture(): Promise<{ base: string; edit(fn: (v: Vault) => void | Promise<void>): Promise<string> }> {
  const path = join(tempDir(), "v.yaml");
  const v = await createVault(path, { alice: alice.recipient, bob: bob.recipient }, opts);
  v.set("A", "a-0", {});
  v.set("B", "b-0", {});
  v.require(["A"]);
  const base = v.toText();
  return {
    base,
    edit: async (fn) => {
      const e = await openVaultText(base, path, opts);
      await fn(e);
      return e.toText();
    },
  };
}

const merge = async (base: string, ours: string, theirs: string) =>
  mergeVaults({ base, ours, theirs, path: "v.yaml", keys: await search(), now: NOW });

describe("mergeVaults", () => {
  it("merges additions on both sides, the required list as a set, and the same change made on both sides", async () => {
    const f = await fixture();
    const ours = await f.edit((v) => {
      v.set("C", "c-ours", {});
      v.require(["C"]);
      v.unrequire(["A"]);
      v.rotate("B", "b-same");
    });
    const theirs = await f.edit((v) => {
      v.set("D", "d-theirs", {});
      v.require(["D"]);
      v.rotate("B", "b-same");
    });
    const r = await merge(f.base, ours, theirs);
    expect(r.conflicts).toEqual([]);
    const v = await openVaultText(r.text, "v.yaml", opts);
    expect(v.exportSecrets()).toEqual({ A: "a-0", B: "b-same", C: "c-ours", D: "d-theirs" });
    expect(v.required).toEqual(["C", "D"]);
  });

  it("reports a secret deleted on one side and rotated on the other, keeping ours", async () => {
    const f = await fixture();
    const r = await merge(f.base, await f.edit((v) => v.remove("A")), await f.edit((v) => void v.rotate("A", "a-1")));
    expect(r.conflicts.map((c) => [c.kind, c.name, c.ours])).toEqual([["secret", "A", "deleted it"]]);
    expect(r.conflicts[0]!.theirs).toBe("changed: value"); // same clock: rotated_at did not move
    expect(r.text).not.toContain("a-1");
    const v = await openVaultText(r.text, "v.yaml", opts); // comments are outside the MAC: still a valid vault
    expect(v.has("A")).toBe(false);
  });

  // A removal on one side only now merges onto the rolled key (test/git/merge-exposure.test.ts).
  it("refuses to merge values across data keys (each side rolled its own)", async () => {
    const f = await fixture();
    const ours = await f.edit(async (v) => {
      v.rotate("A", "a-1");
      v.touch();
      await v.addRecipient("carol", testKey("carol").recipient);
      await v.removeRecipient("carol");
    });
    const theirs = await f.edit(async (v) => void (await v.removeRecipient("bob")));
    const r = await merge(f.base, ours, theirs);
    expect(r.conflicts).toEqual([
      {
        kind: "data key",
        name: "(all values)",
        ours: "kept the recipients but has another data key",
        theirs: "removed bob (new data key)",
      },
    ]);
    expect(r.text.endsWith(ours)).toBe(true);
  });

  it("keeps a recipient's key wrapped when one side renamed it (the merged list decides, not the per-name diff)", async () => {
    const f = await fixture();
    const ours = await f.edit((v) => void v.rotate("A", "a-1"));
    // A rename made by hand and resealed after review: bob's key is now named robert.
    const renamed = await openVaultText(f.base.replace("  bob: ", "  robert: "), "v.yaml", {
      ...opts,
      acceptStaleSeal: true,
    });
    renamed.touch();
    const r = await merge(f.base, ours, renamed.toText());
    expect(r.conflicts).toEqual([]);
    const v = await openVaultText(r.text, "v.yaml", { ...opts, identities: [bob.secret] });
    expect(v.recipients()).toEqual({ alice: alice.recipient, robert: bob.recipient });
    expect(v.exportSecrets()).toEqual({ A: "a-1", B: "b-0" });
  });

  it("refuses a side whose names were edited without a key (stale seal) instead of sealing the edit", async () => {
    const f = await fixture();
    const swapped = f.base.replace(/ {2}alice: (age1\S+)\n {2}bob: (age1\S+)/, "  bob: $1\n  alice: $2");
    expect(swapped).not.toBe(f.base);
    await expect(merge(f.base, f.base, swapped)).rejects.toMatchObject({ code: "E_SEAL_STALE", exitCode: 5 });
    await expect(merge(f.base, swapped, f.base)).rejects.toMatchObject({ code: "E_SEAL_STALE" });
  });
});

describe("textconv fingerprints", () => {
  it("are stable for an unchanged value across saves and change with the value; names bind them", async () => {
    const f = await fixture();
    const k = await search();
    const view = async (text: string) => textconv(text, "v.yaml", { keys: k });
    const before = await view(f.base);
    const after = await view(await f.edit((v) => void v.rotate("B", "b-1")));
    const fp = (text: string, name: string) => new RegExp(`${name}:\\n\\s+value: <fp:([0-9a-f]{16})>`).exec(text)![1];
    expect(fp(after, "A")).toBe(fp(before, "A"));
    expect(fp(after, "B")).not.toBe(fp(before, "B"));
    const same = await view(await f.edit((v) => void v.rotate("B", "a-0"))); // B now holds A's value
    expect(fp(same, "B")).not.toBe(fp(same, "A"));
    expect(await textconv(f.base, "v.yaml", { keys })).toMatch(/value: <encrypted:[0-9a-f]{8}>/);
    expect(await textconv(f.base, "v.yaml", { keys: k, showValues: true })).toContain("value: a-0");
  });
});
