/**
 * Files written by the real `sops` binary (../shared/fixtures/sops) must decrypt to their plaintexts exactly, with
 * the MAC verified. Skips visibly in a plain clone where ../shared is absent.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { SopsFile } from "../../src/sops/sops-file.js";
import { parseIdentities } from "../../src/crypto/identities.js";
import { IntegrityError } from "../../src/errors.js";
import { hasShared, SHARED_SOPS, sharedSkipMessage } from "../helpers.js";

if (!hasShared) console.warn(sharedSkipMessage("sops-produced fixtures decrypt exactly"));

describe.skipIf(!hasShared)("sops-produced fixtures", () => {
  const keys = () => ({
    identities: parseIdentities(readFileSync(join(SHARED_SOPS, "keys.txt"), "utf8"), "keys.txt"),
    searched: [],
  });
  const cases = hasShared ? readdirSync(SHARED_SOPS).filter((f) => f.endsWith(".enc.yaml")) : [];

  it("finds the fixtures", () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
  });

  it.each(cases)("%s decrypts to its plaintext with the MAC verified", async (name) => {
    const text = readFileSync(join(SHARED_SOPS, name), "utf8");
    const plain = parse(readFileSync(join(SHARED_SOPS, name.replace(".enc.", ".plain.")), "utf8"));
    const sf = await SopsFile.open(text, name, keys());
    expect(sf.toPlain()).toEqual(plain);
    // The printed decryption (`vaultfile decrypt`) is checked in test/sops/decrypt-fixtures.test.ts.
    // sops does not seal names, so its files are reported as unsealed, never as sealed.
    expect(sf.sealState).toBe("stale");
  });

  it.each(cases)("%s: a flipped leaf is detected", async (name) => {
    const text = readFileSync(join(SHARED_SOPS, name), "utf8");
    // Change one clear-text or encrypted leaf: either the value fails to decrypt or the MAC no longer matches.
    const mutated = text.replace(/aaa|ENC\[AES256_GCM,data:[A-Za-z0-9+/]{2}/, (m) =>
      m === "aaa" ? "aab" : m.slice(0, -2) + (m.endsWith("AA") ? "BB" : "AA"),
    );
    expect(mutated).not.toBe(text);
    await expect(SopsFile.open(mutated, name, keys())).rejects.toThrow(/MAC|does not decrypt/);
  });

  it("rejects a wrong MAC with an IntegrityError", async () => {
    const text = readFileSync(join(SHARED_SOPS, "age_encrypted_regex.enc.yaml"), "utf8").replace(
      "not_encrypted: aaa",
      "not_encrypted: aab",
    );
    await expect(SopsFile.open(text, "x", keys())).rejects.toBeInstanceOf(IntegrityError);
  });
});
