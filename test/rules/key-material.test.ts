import { describe, expect, it } from "vitest";
import { looksLikeKeyMaterial, REDACTED_KEY_SOURCE, shownKeySource } from "../../src/rules/key-material.js";
import { testKey } from "../helpers.js";

describe("key material in a path or command", () => {
  it("redacts age keys (any case, with or without prefix), plugin identities, PEM armour and long base64", () => {
    const key = testKey("alice").secret;
    for (const t of [
      key,
      key.toLowerCase(),
      `/work/${key}`,
      key.slice(16),
      "AGE-PLUGIN-YUBIKEY-1QQQ",
      "-----BEGIN OPENSSH PRIVATE KEY-----",
      `cat ${"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkw"}`,
      testKey("pq-dana").secret,
    ]) {
      expect(looksLikeKeyMaterial(t), t.slice(0, 20)).toBe(true);
      expect(shownKeySource(t)).toBe(REDACTED_KEY_SOURCE);
    }
  });

  it("shows ordinary paths and commands, with control characters escaped", () => {
    for (const t of [
      "/home/me/.config/sops/age/keys.txt",
      "/nix/store/0c1l7ykcb4wxwgbvn1hx8hyz3wwvvpxh-age-1.2.0/bin/age",
      "op read op://vault/item/key",
      "pass show age/work",
    ]) {
      expect(shownKeySource(t)).toBe(t);
    }
    expect(shownKeySource("/tmp/a\u001b[2Jb")).toBe("/tmp/a\\x1b[2Jb");
  });
});
