/** The vault model is pure: it opens from text with the identities given and prints to text, touching no file. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseIdentities } from "../../src/crypto/identities.js";
import { Vault } from "../../src/vault/vault.js";
import { clock, tempDir, testKey } from "../helpers.js";

describe("Vault.fromText / toText", () => {
  it("opens with identities given as values, reads no key file or environment, and prints back to text", async () => {
    const alice = testKey("alice");
    const made = await Vault.create({ alice: alice.recipient }, { now: clock });
    made.set("API_TOKEN", "s3cret");
    const text = made.toText();
    const v = await Vault.fromText(text, parseIdentities(alice.secret, "test"), { file: "mem.yaml", now: clock });
    expect(v.get("API_TOKEN").value).toBe("s3cret");
    expect(v.path).toBe("mem.yaml");
    // Unchanged: the same values and ciphertexts (a fresh lastmodified/MAC only).
    expect(v.toText().match(/ENC\[[^\]]*\]/g)![0]).toBe(text.match(/ENC\[[^\]]*\]/g)![0]);
  });

  it("save() without a store refuses and writes nothing", async () => {
    const dir = tempDir();
    const v = await Vault.create({ alice: testKey("alice").recipient }, { file: join(dir, "v.yaml"), now: clock });
    await expect(v.save()).rejects.toMatchObject({ code: "E_INPUT" });
    expect(existsSync(join(dir, "v.yaml"))).toBe(false);
  });

  it("with no identity given, it refuses with the no-key error", async () => {
    const made = await Vault.create({ alice: testKey("alice").recipient }, { now: clock });
    await expect(Vault.fromText(made.toText(), [], { file: "mem.yaml" })).rejects.toMatchObject({ code: "E_NO_KEY" });
  });
});
