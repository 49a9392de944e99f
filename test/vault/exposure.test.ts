/** Offboarding: `removeRecipient` marks what the removed holder could read; only a new value clears the mark. */
import { describe, expect, it } from "vitest";
import { Document, parse, type YAMLMap } from "yaml";
import { readExposure } from "../../src/vault/exposure.js";
import { Vault } from "../../src/vault/vault.js";
import { parseIdentities } from "../../src/crypto/identities.js";
import { testKey } from "../helpers.js";

const NOW = new Date("2026-12-01T10:00:00Z");
const alice = () => parseIdentities(testKey("alice").secret, "alice");

async function vaultWithBob(): Promise<Vault> {
  const v = await Vault.create(
    { alice: testKey("alice").recipient, bob: testKey("bob").recipient },
    { now: () => NOW },
  );
  v.set("A", "a1", { expiresIn: "365d" });
  v.set("B", "b1");
  v.set("C", "c1");
  return v;
}

describe("exposure after a recipient is removed", () => {
  it("marks every secret, and a rotation clears only that one", async () => {
    const v = await vaultWithBob();
    expect(await v.removeRecipient("bob")).toEqual(["A", "B", "C"]);
    v.rotate("B", "b2");
    const reopened = await Vault.fromText(v.toText(), alice(), { now: () => new Date("2026-12-02T10:00:00Z") });
    expect(reopened.get("A").exposedTo).toEqual([{ recipient: "bob", removedAt: NOW }]);
    expect(reopened.get("B").exposedTo).toEqual([]);
    expect(reopened.expiryReport()).toMatchObject({
      A: { status: "exposed" },
      B: { status: "ok" },
      C: { status: "exposed" },
    });
    const r = reopened.validate();
    expect(r.exposed).toEqual(["A", "C"]);
    expect(r.allValid).toBe(true); // a warning
    expect(reopened.validate({ strict: true }).allValid).toBe(false);
    // The field is clear text in the entry, so sops (and the MAC) see it.
    expect(parse(v.toText()).secrets.A.exposed_to).toEqual({ bob: "2026-12-01T10:00:00Z" });
  });

  it("keeps the mark on a metadata-only change and on set with the same value; set with a new value clears it", async () => {
    const v = await vaultWithBob();
    await v.removeRecipient("bob");
    v.update("A", { description: "still the old token" });
    v.set("B", "b1", { description: "same value" });
    v.set("C", "c2");
    expect(v.get("A").isExposed()).toBe(true);
    expect(v.get("B").isExposed()).toBe(true);
    expect(v.get("C").isExposed()).toBe(false);
  });

  it("an expired secret stays EXPIRED (most urgent); a second removal adds its name, an earlier one keeps its date", async () => {
    const v = await vaultWithBob();
    v.set("A", "a1", { expiresAt: "2026-12-03T00:00:00Z" });
    await v.addRecipient("carol", testKey("carol").recipient);
    await v.removeRecipient("bob");
    const later = new Date("2026-12-05T10:00:00Z");
    const v2 = await Vault.fromText(v.toText(), alice(), { now: () => later });
    await v2.removeRecipient("carol");
    expect(v2.get("B").exposedTo).toEqual([
      { recipient: "bob", removedAt: NOW },
      { recipient: "carol", removedAt: later },
    ]);
    expect(v2.expiryReport().A!.status).toBe("expired");
    expect(v2.validate().exposed).toEqual(["A", "B", "C"]);
  });

  it("reads only a mapping of recipient names to dates", () => {
    const entry = (field: unknown) => new Document({ value: "x", exposed_to: field }).contents as YAMLMap;
    expect(readExposure(entry({ bob: "2026-12-01T10:00:00Z" }), "A", "f")).toEqual([
      { recipient: "bob", removedAt: NOW },
    ]);
    expect(() => readExposure(entry("bob"), "A", "f")).toThrow(
      "secrets.A.exposed_to in f must map recipient names to removal dates",
    );
    expect(() => readExposure(entry({ bob: "soon" }), "A", "f")).toThrow(
      "secrets.A.exposed_to.bob in f is not a valid date",
    );
  });
});
