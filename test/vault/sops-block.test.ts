/**
 * The `sops` block is covered by no MAC and no seal (the seal covers the tree, recipient names included, and
 * `lastmodified` as sops reads it). What a writer without the key can put there, and what vaultfile decided for each
 * (SECURITY.md "What a writer cannot do unnoticed"): foreign key sources and a `lastmodified` spelled otherwise than
 * sops writes it are refused in a vault; age items whose `enc` was swapped are refused by whoever's key opens
 * another item; a plain sops file read with `decrypt` keeps sops's rules.
 */
import { describe, expect, it } from "vitest";
import { parseIdentities } from "../../src/crypto/identities.js";
import { IntegrityError, VaultfileError } from "../../src/errors.js";
import { openVaultText } from "../../src/io/vault-file.js";
import { decryptSops } from "../../src/sops/decrypt.js";
import { Vault } from "../../src/vault/vault.js";
import { testKey } from "../helpers.js";
import { aliceOpts, sampleVaultText } from "./make.js";

const alice = testKey("alice");
const bob = testKey("bob");

async function openAs(text: string, who: { secret: string }): Promise<VaultfileError | "opened"> {
  return openVaultText(text, "t.yaml", aliceOpts({ identities: [who.secret] })).then(
    () => "opened" as const,
    (e: unknown) => {
      if (e instanceof VaultfileError) return e;
      throw e;
    },
  );
}

/** sops -d semantics: every document decrypted, the MAC checked, nothing vault-specific. */
const sopsDecrypt = (text: string) =>
  decryptSops(text, "t.yaml", { identities: parseIdentities(alice.secret, "test"), searched: [] });

const withSopsField = (text: string, field: string): string =>
  text.replace(/^ {2}lastmodified:/m, `${field}\n  lastmodified:`);

/** The `enc` blocks of the `sops.age` items, each with the lines that follow `enc: |`. */
function encBlocks(text: string): { start: number; body: string }[] {
  return [...text.matchAll(/ {4}enc: \|\n((?: {6}.*\n)+)/g)].map((m) => ({
    start: m.index! + m[0].length - m[1]!.length,
    body: m[1]!,
  }));
}

/** Puts `bodies[i]` in place of the i-th `enc` block. */
function replaceEnc(text: string, bodies: readonly string[]): string {
  const blocks = encBlocks(text);
  let out = text;
  for (let i = blocks.length - 1; i >= 0; i--)
    out = out.slice(0, blocks[i]!.start) + bodies[i]! + out.slice(blocks[i]!.start + blocks[i]!.body.length);
  return out;
}

describe("foreign key sources in a vault's sops block", () => {
  const stanzas: [string, string][] = [
    [
      "pgp",
      '  pgp:\n    - created_at: "2026-11-24T10:00:00Z"\n      enc: |\n        -----BEGIN PGP MESSAGE-----\n        x\n        -----END PGP MESSAGE-----\n      fp: 0123456789ABCDEF',
    ],
    [
      "kms",
      '  kms:\n    - arn: arn:aws:kms:us-east-1:000000000000:key/attacker\n      enc: AQICAHg=\n      aws_profile: ""',
    ],
    ["gcp_kms", "  gcp_kms:\n    - resource_id: projects/p/locations/global/keyRings/r/cryptoKeys/k\n      enc: CiQA"],
    [
      "azure_kv",
      "  azure_kv:\n    - vault_url: https://attacker.vault.azure.net\n      name: k\n      version: v\n      enc: x",
    ],
    [
      "hc_vault",
      "  hc_vault:\n    - vault_address: https://vault.attacker.example\n      engine_path: sops\n      key_name: k\n      enc: vault:v1:x",
    ],
    ["huaweicloud_kms", "  huaweicloud_kms:\n    - key_id: k\n      enc: x"],
  ];

  it.each(stanzas)("sops.%s is refused on open (exit 5) and by the keyless check, naming it", async (kind, field) => {
    const text = withSopsField(await sampleVaultText(), field);
    const want = `sops.${kind} in t.yaml: a vault's data key is wrapped for its named age recipients only, and no MAC covers this entry`;
    const err = await openAs(text, alice);
    expect(err).toBeInstanceOf(IntegrityError);
    expect(err).toMatchObject({ code: "E_RECIPIENTS", exitCode: 5, message: want });
    await expect(Vault.openMetadata(text, "t.yaml")).rejects.toThrow(want);
  });

  it("empty lists of other key sources, as older sops versions write them, are not entries", async () => {
    const text = withSopsField(
      await sampleVaultText(),
      "  kms: []\n  gcp_kms: []\n  azure_kv: []\n  hc_vault: []\n  pgp: []",
    );
    expect(await openAs(text, alice)).toBe("opened");
  });

  it("decrypt of the same file (sops -d semantics) still reads it, as sops does", async () => {
    const text = withSopsField(await sampleVaultText(), stanzas[4]![1]);
    await expect(sopsDecrypt(text)).resolves.toBeDefined();
  });
});

describe("a field of the sops block that neither sops nor vaultfile knows", () => {
  it("is ignored and kept as it is when saving", async () => {
    const text = withSopsField(await sampleVaultText(), "  note: hello");
    const v = await openVaultText(text, "t.yaml", aliceOpts());
    v.set("NEW_ONE", "v");
    expect(v.toText()).toMatch(/^ {2}note: hello$/m);
  });
});

describe("age items whose enc was moved", () => {
  it("the untouched sample has one enc per recipient, alice's first", async () => {
    const text = await sampleVaultText();
    expect(encBlocks(text)).toHaveLength(2);
    expect(await openAs(text, alice)).toBe("opened");
    expect(await openAs(text, bob)).toBe("opened");
  });

  it("swapped between two recipients: each is refused (exit 5), naming the item that opened with their key", async () => {
    const text = await sampleVaultText();
    const [a, b] = encBlocks(text).map((x) => x.body);
    const swapped = replaceEnc(text, [b!, a!]);
    for (const [who, item, label] of [
      [alice, 2, bob.recipient],
      [bob, 1, alice.recipient],
    ] as const) {
      const err = await openAs(swapped, who);
      expect(err).toBeInstanceOf(IntegrityError);
      expect((err as IntegrityError).message).toBe(
        `sops.age item ${item} in t.yaml is labelled for ${label} but opens with your key ${who.recipient} (identity #1 given by the caller): the enc of two items was swapped, or one copied over another`,
      );
      expect((err as IntegrityError).exitCode).toBe(5);
    }
    // sops never looks at the labels: a plain `sops -d` (and vaultfile's decrypt) reads the file.
    await expect(sopsDecrypt(swapped)).resolves.toBeDefined();
  });

  it("copied over another's (documented limit): the copied key's holder opens it, the other is locked out (exit 4)", async () => {
    const text = await sampleVaultText();
    const [a] = encBlocks(text).map((x) => x.body);
    const copied = replaceEnc(text, [a!, a!]);
    expect(await openAs(copied, alice)).toBe("opened");
    expect(await openAs(copied, bob)).toMatchObject({ code: "E_WRONG_KEY", exitCode: 4 });
  });
});

describe("sops.lastmodified spellings", () => {
  const spell = (text: string, lm: string) => text.replace(/lastmodified: "[^"]+"/, `lastmodified: "${lm}"`);
  const at = "2026-11-24T10:00:00";

  it("the form sops and vaultfile write opens, quoted or bare", async () => {
    const text = await sampleVaultText();
    expect(text).toContain(`lastmodified: "${at}Z"`);
    expect(await openAs(text.replace(`"${at}Z"`, `${at}Z`), alice)).toBe("opened");
  });

  it.each([`${at}.5Z`, `${at}.000000001Z`, `${at}+00:00`, `${at}-00:00`])(
    "%s (the same second to sops's MAC) is refused in a vault (exit 5)",
    async (lm) => {
      const text = spell(await sampleVaultText(), lm);
      const want = `sops.lastmodified in t.yaml is "${lm}", not written as sops and vaultfile write it (YYYY-MM-DDTHH:MM:SSZ): the sops block was edited by hand`;
      expect(await openAs(text, alice)).toMatchObject({ code: "E_TAMPERED", exitCode: 5, message: want });
      await expect(Vault.openMetadata(text, "t.yaml")).rejects.toThrow(want);
      // A plain sops file may carry it: sops reads it.
      await expect(sopsDecrypt(text)).resolves.toBeDefined();
    },
  );

  it.each([`2026-11-24 10:00:00Z`, `2026-11-24t10:00:00z`, ` ${at}Z`])(
    "%j, which sops cannot parse, fails the MAC (exit 5) as in sops",
    async (lm) => {
      const text = spell(await sampleVaultText(), lm);
      expect(await openAs(text, alice)).toMatchObject({ code: "E_MAC", exitCode: 5 });
      await expect(sopsDecrypt(text)).rejects.toMatchObject({ code: "E_MAC" });
    },
  );
});
