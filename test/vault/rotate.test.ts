/** Rotation and validation rules live in the vault layer, so the CLI, the menu and the library agree. */
import { describe, expect, it } from "vitest";
import { parseIdentities } from "../../src/crypto/identities.js";
import { Vault } from "../../src/vault/vault.js";
import { testKey } from "../helpers.js";

let t = new Date("2026-01-01T00:00:00Z");
const clock = () => t;

async function vault(): Promise<Vault> {
  t = new Date("2026-01-01T00:00:00Z");
  const v = await Vault.create({ alice: testKey("alice").recipient }, { now: clock });
  v.set("TOKEN", "first", { rotateEvery: "90d", expiresIn: "90d" });
  v.set("SOON", "x", { expiresAt: "2026-01-20T00:00:00Z" });
  return Vault.fromText(v.toText(), parseIdentities(testKey("alice").secret, "test"), { now: clock });
}

describe("Vault.rotate", () => {
  it("refuses the same value: no rotated_at stamp, no renewed expiry, the ciphertext unchanged", async () => {
    const v = await vault();
    t = new Date("2026-03-01T00:00:00Z");
    const before = v.toText();
    expect(() => v.rotate("TOKEN", "first")).toThrow(
      expect.objectContaining({
        code: "E_VALUE",
        message: "the new value of TOKEN is the same as the old one; nothing was changed",
      }),
    );
    const s = v.get("TOKEN");
    expect(s.rotatedAt?.toISOString()).toBe("2026-01-01T00:00:00.000Z");
    expect(s.expiresAt?.toISOString()).toBe("2026-04-01T00:00:00.000Z");
    expect(v.isDirty).toBe(false);
    expect(v.toText().match(/ENC\[[^\]]*\]/)![0]).toBe(before.match(/ENC\[[^\]]*\]/)![0]);
  });

  it("a new value is a rotation: rotated_at now, expiry renewed from rotate_every", async () => {
    const v = await vault();
    t = new Date("2026-03-01T00:00:00Z");
    const s = v.rotate("TOKEN", "second");
    expect(s.rotatedAt?.toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect(s.expiresAt?.toISOString()).toBe("2026-05-30T00:00:00.000Z");
  });
});

describe("Vault.validate verdict", () => {
  it("strict makes a secret expiring soon fail; the result says it was strict; computed in one call", async () => {
    const v = await vault();
    t = new Date("2026-01-10T00:00:00Z");
    const lax = v.validate();
    expect([lax.allValid, lax.strict, lax.expiringSoon]).toEqual([true, false, ["SOON"]]);
    const strict = v.validate({ strict: true });
    expect([strict.allValid, strict.strict, strict.expiringSoon]).toEqual([false, true, ["SOON"]]);
  });
});

describe("type names", () => {
  it("set, update and the custom-type rule refuse a bad type name alike (E_NAME)", async () => {
    const v = await vault();
    for (const bad of ["Not Valid", "value"]) {
      expect(() => v.set("X", "y", { type: bad })).toThrow(
        expect.objectContaining({ code: "E_NAME", message: `invalid type name ${JSON.stringify(bad)}` }),
      );
      expect(() => v.update("TOKEN", { type: bad })).toThrow(expect.objectContaining({ code: "E_NAME" }));
    }
    expect(v.has("X")).toBe(false);
  });
});
