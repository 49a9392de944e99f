/**
 * What changed in the file format across sops versions (README "Compatibility"), one test per row: what newer sops
 * writes, vaultfile reads; what vaultfile writes, sops 3.9 reads (checked with the real sops v3.9.2 where it can
 * tell).
 */
import { createVault } from "../../src/io/vault-file.js";
import { describe, expect, it } from "vitest";
import { parseIdentities } from "../../src/crypto/identities.js";
import { plainToJs, type PlainMap } from "../../src/format/plain-tree.js";
import { printSopsJson } from "../../src/format/sops-json-print.js";
import { printSopsYaml } from "../../src/format/sops-yaml-print.js";
import { decryptSops } from "../../src/sops/decrypt.js";
import { encryptSops } from "../../src/sops/encrypt.js";
import { Vault } from "../../src/vault/vault.js";
import { clock, NOW, tempDir, testKey } from "../helpers.js";
import { realSops, sopsDecrypt } from "../peers/real-sops.js";
import { join } from "node:path";

const alice = testKey("alice");
const keys = { identities: parseIdentities(alice.secret, "alice"), searched: [] };
const doc = (items: PlainMap["items"]): PlainMap => ({ kind: "map", items });
const str = (value: string) => ({ kind: "str" as const, value });

describe("sops 3.10: type:time (unquoted timestamps are encrypted as time.Time)", () => {
  it("decrypt reads a type:time value and prints it as a timestamp, as sops >= 3.10 -d does", async () => {
    const text = await encryptSops(
      [doc([{ kind: "pair", key: "since", value: { kind: "time", value: "2024-01-31T12:00:00Z" } }])],
      { recipients: [alice.recipient], now: NOW },
    );
    expect(text).toMatch(/^since: ENC\[AES256_GCM,.*,type:time\]$/m);
    const d = await decryptSops(text, "t.yaml", keys);
    expect(printSopsYaml(d.documents)).toBe("since: 2024-01-31T12:00:00Z\n");
    expect(printSopsJson(d.documents[0]!)).toBe('{\n\t"since": "2024-01-31T12:00:00Z"\n}\n');
  });

  it.skipIf(!realSops.available)(
    "sops 3.9.2 does not know type:time, so vaultfile never writes it (a vault's timestamps are quoted strings)",
    async () => {
      const text = await encryptSops(
        [doc([{ kind: "pair", key: "since", value: { kind: "time", value: "2024-01-31T12:00:00Z" } }])],
        { recipients: [alice.recipient], now: NOW },
      );
      const [r] = sopsDecrypt([text]);
      expect(r!.ok).toBe(false);
      const v = await createVault(join(tempDir(), "v.yaml"), { alice: alice.recipient }, { now: clock });
      v.set("A", "a", { expiresAt: "2027-01-01" });
      expect(v.toText()).not.toContain("type:time");
      expect(v.toText()).toMatch(/expires_at: "2027-01-01T00:00:00Z"/);
    },
  );
});

describe("sops 3.10: empty key lists (kms: [], pgp: [], …) are no longer written", () => {
  it.skipIf(!realSops.available)(
    "vaultfile writes none, and sops 3.9.2 (which writes them) reads its files",
    async () => {
      const text = await encryptSops([doc([{ kind: "pair", key: "a", value: str("b") }])], {
        recipients: [alice.recipient],
        now: NOW,
      });
      expect(text).not.toMatch(/^ +(kms|gcp_kms|azure_kv|hc_vault|pgp): \[\]$/m);
      const [r] = sopsDecrypt([text]);
      expect(r).toMatchObject({ ok: true, data: { a: "b" } });
    },
  );
});

describe("sops 3.10: duplicate keys are refused", () => {
  it("decrypt refuses them too (exit 6), with the line", async () => {
    const text = (
      await encryptSops(
        [
          doc([
            { kind: "pair", key: "a", value: str("1") },
            { kind: "pair", key: "b", value: str("2") },
          ]),
        ],
        { recipients: [alice.recipient], now: NOW },
      )
    ).replace(/^b:/m, "a:");
    await expect(decryptSops(text, "d.yaml", keys)).rejects.toMatchObject({
      exitCode: 6,
      message: expect.stringMatching(/duplicate key/),
      line: 2,
    });
  });
});

describe("sops 3.12: age1pq (post-quantum hybrid) recipients", () => {
  it.skipIf(!realSops.available)(
    "vaultfile reads and writes them; sops before 3.12 cannot open such a vault",
    async () => {
      const dana = testKey("pq-dana");
      const v = await createVault(join(tempDir(), "pq.yaml"), { dana: dana.recipient }, { now: clock });
      v.set("A", "a", {});
      const text = v.toText();
      expect(text).toContain("recipient: age1pq1");
      const back = await decryptSops(text, "pq.yaml", {
        identities: parseIdentities(dana.secret, "dana"),
        searched: [],
      });
      expect((plainToJs(back.documents[0]!) as { secrets: { A: { value: string } } }).secrets.A.value).toBe("a");
      const [r] = sopsDecrypt([text], { extraKeys: [] });
      expect(r!.ok).toBe(false);
    },
  );
});

describe("sops 3.9: comment-based selectors (encrypted_comment_regex, unencrypted_comment_regex)", () => {
  const tree = doc([
    { kind: "pair", key: "public", value: str("p") },
    { kind: "comment", text: " sops:enc" },
    { kind: "pair", key: "password", value: str("hunter2") },
    { kind: "pair", key: "after", value: str("clear again") },
  ]);

  it.skipIf(!realSops.available)(
    "decrypt reads what sops writes with them, and sops 3.9.2 reads what vaultfile's engine writes",
    async () => {
      const text = await encryptSops([tree], {
        recipients: [alice.recipient],
        now: NOW,
        rules: { encryptedCommentRegex: "sops:enc" },
      });
      expect(text).toMatch(/^password: ENC\[/m);
      expect(text).toMatch(/^public: p$/m);
      expect(text).toMatch(/^after: clear again$/m);
      expect(text).toMatch(/^# sops:enc$/m);
      const d = await decryptSops(text, "c.yaml", keys);
      expect(printSopsYaml(d.documents)).toBe("public: p\n# sops:enc\npassword: hunter2\nafter: clear again\n");
      const [r] = sopsDecrypt([text]);
      expect(r).toMatchObject({ ok: true, data: { public: "p", password: "hunter2", after: "clear again" } });
    },
  );

  it("vault commands refuse such a file (they only edit encrypted_regex: ^value$ files)", async () => {
    const text = await encryptSops([tree], {
      recipients: [alice.recipient],
      now: NOW,
      rules: { unencryptedCommentRegex: "sops:plain" },
    });
    await expect(Vault.fromText(text, [alice.secret], { file: "c.yaml", now: clock })).rejects.toMatchObject({
      exitCode: 6,
    });
  });
});

describe("sops 3.13: inline comments stay inline", () => {
  it("decrypt prints an inline comment on its own line before the item, as sops up to 3.12 does", async () => {
    const text = (
      await encryptSops(
        [
          doc([
            { kind: "pair", key: "a_unencrypted", value: str("x") },
            { kind: "pair", key: "b", value: str("yy") },
          ]),
        ],
        { recipients: [alice.recipient], now: NOW },
      )
    ).replace("a_unencrypted: x\n", "a_unencrypted: x # why\n");
    const d = await decryptSops(text, "i.yaml", keys);
    expect(printSopsYaml(d.documents)).toBe("# why\na_unencrypted: x\nb: yy\n");
  });
});
