/** `recipients`, `decrypt` (any sops file) and `reseal` (files last saved by plain sops). */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { decryptAead, encryptAead } from "../../src/crypto/aead.js";
import { unwrapDataKey } from "../../src/crypto/age.js";
import { parseIdentities } from "../../src/crypto/identities.js";
import { formatEncryptedValue, parseEncryptedValue } from "../../src/format/enc.js";
import { macAdditionalData } from "../../src/format/yaml.js";
import { hasShared, SHARED_SOPS, sharedSkipMessage, testKey } from "../helpers.js";
import { workspace, writeVault } from "./lifecycle-support.js";

const BOB = { VAULTFILE_AGE_KEY_FILE: testKey("bob").identityFile };

describe("vaultfile recipients", () => {
  it("list marks your key; add lets the new key open the vault; remove rolls the key and names what they could read", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => {
      v.set("A", "a");
      v.set("B", "b");
    });
    const list = w.run(["recipients", "list"]);
    expect(list).toEqual({
      code: 0,
      stdout: `NAME   PUBLIC KEY\nalice  ${testKey("alice").recipient}  (you)\n`,
      stderr: "",
    });
    expect(w.run(["get", "A"], { env: BOB }).code).toBe(4);

    const add = w.run(["recipients", "add", "bob", testKey("bob").recipient]);
    expect(add.code).toBe(0);
    expect(w.run(["get", "A"], { env: BOB }).stdout).toBe("a\n");
    expect(JSON.parse(w.run(["--json", "recipients", "list"], { env: BOB }).stdout)).toEqual([
      { name: "alice", recipient: testKey("alice").recipient, you: false },
      { name: "bob", recipient: testKey("bob").recipient, you: true },
    ]);

    const before = parse(w.text());
    const remove = w.run(["recipients", "remove", "bob"]);
    expect(remove.code).toBe(0);
    expect(remove.stderr).toContain(
      "vaultfile: warning: bob could read 2 secrets and may still know them: A, B\nvaultfile: hint: rotate them at their source",
    );
    const after = parse(w.text());
    expect(after.recipients).toEqual({ alice: testKey("alice").recipient });
    // New data key: every value re-encrypted, so the old ciphertexts are useless to bob.
    expect(after.secrets.A.value).not.toBe(before.secrets.A.value);
    expect(w.run(["get", "A"], { env: BOB }).code).toBe(4);
    expect(w.run(["get", "B"]).stdout).toBe("b\n");
  });

  it("refuses a bad key, a duplicate name, an unknown name, and removing your only key without --force", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => v.set("A", "a"), true);
    const before = w.text();
    expect(w.run(["recipients", "add", "carol", "age1nope"]).code).toBe(6);
    expect(w.run(["recipients", "add", "bob", testKey("carol").recipient]).code).toBe(8);
    expect(w.run(["recipients", "remove", "dave"]).code).toBe(3);
    const self = w.run(["recipients", "remove", "alice"]);
    expect(self.code).toBe(2);
    expect(self.stderr).toContain("alice is your key");
    expect(w.text()).toBe(before);
  });
});

if (!hasShared) console.warn(sharedSkipMessage("vaultfile decrypt of sops-produced files"));

describe.skipIf(!hasShared)("vaultfile decrypt (sops-produced files)", () => {
  const keyEnv = { VAULTFILE_AGE_KEY_FILE: join(SHARED_SOPS, "keys.txt") };

  it.each(["age_example", "age_encrypted_regex", "age_unencrypted_suffix", "age_empty_value"])(
    "%s prints the plaintext's data in sops -d's layout (indent 4, go-yaml quoting), as YAML and JSON",
    (name) => {
      const w = workspace(keyEnv);
      const plain = readFileSync(join(SHARED_SOPS, `${name}.plain.yaml`), "utf8");
      const yaml = w.run(["decrypt", join(SHARED_SOPS, `${name}.enc.yaml`)]);
      expect(yaml.code).toBe(0);
      expect(yaml.stderr).toBe("");
      expect(parse(yaml.stdout)).toEqual(parse(plain));
      // The fixtures' plaintexts are indented by 2 and quote with ''; sops -d writes go-yaml's indent 4 and "".
      expect(yaml.stdout).toBe(reindentAsSops(plain));
      const json = w.run(["decrypt", join(SHARED_SOPS, `${name}.enc.yaml`), "--output-type", "json"]);
      expect(JSON.parse(json.stdout)).toEqual(parse(plain));
      expect(json.stdout).toMatch(/^\{\n\t"/);
    },
  );

  it("fails without the key (exit 4) and on a damaged file (exit 5), printing nothing on stdout", () => {
    const w = workspace();
    const noKey = w.run(["decrypt", join(SHARED_SOPS, "age_example.enc.yaml")]);
    expect(noKey.code).toBe(4);
    expect(noKey.stdout).toBe("");
    const damaged = readFileSync(join(SHARED_SOPS, "age_encrypted_regex.enc.yaml"), "utf8").replace(
      "not_encrypted: aaa",
      "not_encrypted: aab",
    );
    const k = workspace(keyEnv);
    writeFileSync(join(k.dir, "d.yaml"), damaged);
    const r = k.run(["decrypt", "d.yaml"]);
    expect(r.code).toBe(5);
    expect(r.stdout).toBe("");
    expect(k.run(["decrypt", "missing.yaml"]).code).toBe(7);
  });
});

/** A plaintext fixture (indent 2, sequences not indented, '' for empty) in go-yaml's sops -d layout. */
function reindentAsSops(text: string): string {
  return text
    .split("\n")
    .map((l) => {
      const m = /^( *)(- )?(.*)$/.exec(l)!;
      const depth = m[1]!.length / 2;
      return (m[2] ? " ".repeat(depth * 4 + 4) + "- " : " ".repeat(depth * 4)) + m[3]!.replace(/''/g, '""');
    })
    .join("\n");
}

/** The file as plain sops would save it: same MAC, encrypted with a random IV, so vaultfile's seal is gone. */
async function asSavedBySops(text: string): Promise<string> {
  const doc = parse(text);
  const key = await unwrapDataKey(
    doc.sops.age,
    parseIdentities(readFileSync(testKey("alice").identityFile, "utf8"), "alice"),
  );
  const aad = macAdditionalData(doc.sops.lastmodified);
  const mac = decryptAead(key!, parseEncryptedValue(doc.sops.mac, "mac"), aad)!;
  return text.replace(doc.sops.mac, formatEncryptedValue(encryptAead(key!, mac, aad, "str")));
}

describe("vaultfile recipients add with a secret key pasted by mistake", () => {
  it("says it is a secret key, without echoing any of it, and changes nothing", async () => {
    const w = workspace();
    await writeVault(w.file, () => {});
    const before = w.text();
    const secret = testKey("bob").secret;
    const r = w.run(["recipients", "add", "bob", secret]);
    expect(r).toEqual({
      code: 6,
      stdout: "",
      stderr: expect.stringMatching(
        /^vaultfile: error: that is a secret key; pass its public key \(age1…\)\nvaultfile: hint: /,
      ),
    });
    expect(r.stderr).not.toContain(secret.slice("AGE-SECRET-KEY-".length, "AGE-SECRET-KEY-".length + 6));
    expect(w.text()).toBe(before);
  });
});

describe("vaultfile reseal", () => {
  it("a file saved by plain sops is refused (exit 5) until reviewed and resealed; values are never shown", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => v.set("PYPI_TOKEN", "pypi-very-secret", { type: "pypi", expiresAt: "2027-01-01" }));
    writeFileSync(w.file, await asSavedBySops(w.text()));
    const unsealed = w.text();

    const refused = w.run(["get", "PYPI_TOKEN"]);
    expect(refused.code).toBe(5);
    expect(refused.stderr).toContain("vaultfile: hint: its sops MAC is valid");

    const noTty = w.run(["reseal"]);
    expect(noTty).toEqual({
      code: 2,
      stdout: "",
      stderr: expect.stringMatching(/^vaultfile: error: no terminal to prompt on\n/),
    }); // no review nobody can answer
    expect(w.text()).toBe(unsealed);

    const r = w.run(["reseal", "--yes"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("  PYPI_TOKEN:\n    value: <encrypted>\n    type: pypi\n");
    expect(r.stdout).toContain("recipients:\n  alice: age1");
    expect(r.stdout + r.stderr).not.toContain("pypi-very-secret");
    expect(r.stdout).not.toContain("ENC[");
    expect(r.stderr).toContain("resealed");
    expect(w.run(["get", "PYPI_TOKEN"]).stdout).toBe("pypi-very-secret\n");
    expect(w.run(["reseal"]).stderr).toContain("already sealed; nothing to do");
  });
});
