/**
 * Interop with things vaultfile did not write: the `age` CLI (Debian package), and two independent sops decoders
 * from npm (`sops-age`, which does its own age decryption; `sops-decoder`, which verifies the MAC).
 */
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { decryptSops } from "sops-age";
import { tempDir, testKey } from "../helpers.js";
import { aliceOpts, sampleVaultText } from "../vault/make.js";
import { openVaultText } from "../../src/io/vault-file.js";

const require = createRequire(import.meta.url);
const hasAge = (() => {
  try {
    execFileSync("age", ["--version"]);
    return true;
  } catch {
    return false;
  }
})();
if (!hasAge) console.warn("SKIPPED: the age CLI is not installed (apt-get install age; .ci/run installs it)");

function stanzas(text: string): { recipient: string; enc: string }[] {
  return (parse(text) as { sops: { age: { recipient: string; enc: string }[] } }).sops.age;
}

const expected = {
  PYPI_TOKEN: "pypi-secret-one",
  DOCKER_USERNAME: "bot",
  DOCKER_PASSWORD: "hunter2-docker",
};

describe.skipIf(!hasAge)("the age CLI", () => {
  it("decrypts each sops.age[].enc we write to the same 32-byte data key", async () => {
    const text = await sampleVaultText();
    const dir = tempDir();
    const keys = stanzas(text).map((s, i) => {
      const who = s.recipient === testKey("alice").recipient ? "alice" : "bob";
      writeFileSync(join(dir, `k${i}.age`), s.enc);
      return execFileSync("age", ["-d", "-i", testKey(who).identityFile, join(dir, `k${i}.age`)]);
    });
    expect(keys).toHaveLength(2);
    expect(keys[0]!.length).toBe(32);
    expect(keys[1]!.equals(keys[0]!)).toBe(true);
  });

  it("a data key wrapped by the age CLI opens with vaultfile", async () => {
    const text = await sampleVaultText();
    const dir = tempDir();
    const alice = stanzas(text).find((s) => s.recipient === testKey("alice").recipient)!;
    writeFileSync(join(dir, "k.age"), alice.enc);
    const dataKey = execFileSync("age", ["-d", "-i", testKey("alice").identityFile, join(dir, "k.age")]);
    const rewrapped = execFileSync("age", ["-a", "-r", testKey("alice").recipient], { input: dataKey }).toString();
    const indent = (s: string) =>
      s
        .trimEnd()
        .split("\n")
        .map((l) => "      " + l)
        .join("\n") + "\n";
    const swapped = text.replace(indent(alice.enc), indent(rewrapped));
    expect(swapped).not.toBe(text);
    const v = await openVaultText(swapped, "v.yaml", aliceOpts());
    expect(v.get("PYPI_TOKEN").value).toBe("pypi-secret-one");
  });
});

describe("independent sops decoders from npm", () => {
  it("sops-age decrypts a vault we wrote", async () => {
    const text = await sampleVaultText();
    const out = (await decryptSops(text, { secretKey: testKey("bob").secret, fileType: "yaml" })) as {
      secrets: Record<string, { value: string; type: string }>;
    };
    for (const [name, value] of Object.entries(expected)) expect(out.secrets[name]!.value).toBe(value);
    expect(out.secrets.PYPI_TOKEN!.type).toBe("pypi");
  });

  it.skipIf(!hasAge)("sops-decoder decrypts a vault we wrote and verifies its MAC", async () => {
    const text = await sampleVaultText();
    const dir = tempDir();
    writeFileSync(join(dir, "k.age"), stanzas(text)[0]!.enc);
    const dataKey = execFileSync("age", ["-d", "-i", testKey("alice").identityFile, join(dir, "k.age")]);
    // sops-decoder only fetches data keys from AWS KMS: answer its KMS call with the key the age CLI unwrapped.
    const kms = require("@aws-sdk/client-kms") as { KMSClient: { prototype: { send: unknown } } };
    const original = kms.KMSClient.prototype.send;
    kms.KMSClient.prototype.send = async () => ({ Plaintext: new Uint8Array(dataKey) });
    try {
      const { decrypt } = require("sops-decoder") as {
        decrypt: (t: unknown) => Promise<{ secrets: Record<string, { value: string }> }>;
      };
      const tree = parse(text) as { sops: Record<string, unknown> };
      tree.sops.kms = [{ arn: "arn:aws:kms:us-east-1:000000000000:key/test-only", enc: "AA==" }];
      const out = await decrypt(tree);
      for (const [name, value] of Object.entries(expected)) expect(out.secrets[name]!.value).toBe(value);
      // and it does check the MAC: a changed metadata field makes it fail
      const bad = parse(text.replace("type: pypi", "type: other")) as { sops: Record<string, unknown> };
      bad.sops.kms = tree.sops.kms;
      await expect(decrypt(bad)).rejects.toThrow(/Hash mismatch/);
    } finally {
      kms.KMSClient.prototype.send = original;
    }
  });
});
