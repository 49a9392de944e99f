/** The library follows the CLI's rules for values and for clearing fields (issue 15, items 1 and 2). */
import { describe, expect, it } from "vitest";
import { Vault } from "../../src/vault/vault.js";
import { NOW, testKey } from "../helpers.js";

const create = () => Vault.create({ alice: testKey("alice").recipient }, { now: () => NOW });

describe("value rules in the library", () => {
  it("refuses an empty value, as set, import and edit do", async () => {
    const vault = await create();
    vault.set("S", "x");
    expect(() => vault.set("EMPTY", "")).toThrow(/^the value of EMPTY is empty$/);
    expect(() => vault.rotate("S", "")).toThrow(/^the value of S is empty$/);
  });

  it("never clears an expiry or a rotation period, as on the command line", async () => {
    const v = await create();
    v.set("T", "x", { expiresIn: "30d", rotateEvery: "90d" });
    v.update("T", { expiresAt: "never", rotateEvery: "Never" });
    expect([v.get("T").expiresAt, v.get("T").rotateEvery]).toEqual([null, null]);
    expect(() => v.update("T", { rotateEvery: "0d" })).toThrow(
      expect.objectContaining({
        message: 'invalid rotation period "0d"',
        hint: expect.stringContaining("never for none"),
      }),
    );
  });
});
