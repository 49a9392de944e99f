import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findIdentities } from "../../src/io/keys.js";
import { parseIdentities } from "../../src/crypto/identities.js";
import { InvalidIdentityError, NoIdentityError, WrongKeyError } from "../../src/errors.js";
import { cleanEnv, clock, tempDir, testKey } from "../helpers.js";
import { createVault, openVaultText } from "../../src/io/vault-file.js";
import { hintFor } from "../../src/cli/key-error.js";

const alice = () => testKey("alice");
const bob = () => testKey("bob");

describe("identity lookup", () => {
  it("collects keys from every source in order: --identity, env text, env files, default files", () => {
    const env = cleanEnv();
    const dir = tempDir();
    const sopsDefault = join(env.XDG_CONFIG_HOME!, "sops", "age", "keys.txt");
    mkdirSync(join(env.XDG_CONFIG_HOME!, "sops", "age"), { recursive: true });
    writeFileSync(sopsDefault, `# comment\n\n${testKey("carol").secret}\n`);
    writeFileSync(join(dir, "f.txt"), bob().secret);
    const found = findIdentities({
      identityFiles: [alice().identityFile],
      env: { ...env, SOPS_AGE_KEY: `${bob().secret} ${alice().secret}`, SOPS_AGE_KEY_FILE: join(dir, "f.txt") },
    });
    expect(found.identities.map((i) => i.source)).toEqual([
      alice().identityFile,
      "$SOPS_AGE_KEY",
      "$SOPS_AGE_KEY",
      join(dir, "f.txt"),
      sopsDefault,
    ]);
    expect(found.searched.join("\n")).toContain("$VAULTFILE_AGE_KEY (not set)");
    expect(found.searched.join("\n")).toContain(`${join(env.XDG_CONFIG_HOME!, "vaultfile", "keys.txt")} (absent)`);
  });

  it("parses identity files with comments, blank lines and several keys; reports the line of a bad one without echoing it", () => {
    const ids = parseIdentities(`# created: x\n${alice().secret}\n\n  ${bob().secret}  \n`, "k.txt");
    expect(ids).toHaveLength(2);
    const err = (() => {
      try {
        parseIdentities(`${alice().secret}\nAGE-SECRET-KEY-1NOTAKEY\n`, "k.txt");
      } catch (e) {
        return e as InvalidIdentityError;
      }
    })();
    expect(err).toBeInstanceOf(InvalidIdentityError);
    expect(err!.exitCode).toBe(4);
    expect(err!.message).toBe("invalid age identity in k.txt (line 2): not an age identity");
    expect(err!.message).not.toContain("NOTAKEY");
    expect(() => parseIdentities(alice().recipient, "pub.txt")).toThrow(/public key/);
  });

  it("no key at all: the error lists every place searched and the file's recipients", async () => {
    const v = await createVault("x.yaml", { alice: alice().recipient }, { now: clock });
    const text = v.toText();
    const err = await openVaultText(text, "x.yaml", { env: cleanEnv() }).catch((e) => e);
    expect(err).toBeInstanceOf(NoIdentityError);
    expect(err.exitCode).toBe(4);
    // The facts, as data; the words, from the CLI's one formatter.
    expect(err.keys).toMatchObject({
      file: "x.yaml",
      recipients: [alice().recipient],
      named: { alice: alice().recipient },
      tried: [],
    });
    expect(err.keys.searched).toContain("$SOPS_AGE_KEY_FILE (not set)");
    const hint = hintFor(err)!;
    expect(hint).toContain("$SOPS_AGE_KEY_FILE (not set)");
    expect(hint).toContain("sops/age/keys.txt (absent)");
    expect(hint).toContain(alice().recipient);
  });

  it("a key that does not fit: WrongKeyError naming the recipients", async () => {
    const v = await createVault("x.yaml", { alice: alice().recipient }, { now: clock });
    const err = await openVaultText(v.toText(), "x.yaml", { env: cleanEnv({ VAULTFILE_AGE_KEY: bob().secret }) }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(WrongKeyError);
    expect(err.keys).toMatchObject({
      recipients: [alice().recipient],
      named: { alice: alice().recipient },
      tried: [{ source: "$VAULTFILE_AGE_KEY", recipient: bob().recipient }],
    });
    const hint = hintFor(err)!;
    expect(hint).toContain(`alice (${alice().recipient})`);
    expect(hint).toContain(`Your keys: ${bob().recipient} from $VAULTFILE_AGE_KEY`);
    expect(hint).toContain(`vaultfile recipients add NAME ${bob().recipient}`);
    expect(hint).not.toContain(bob().secret);
    expect(JSON.stringify(err.keys)).not.toContain(bob().secret);
  });
});

describe("post-quantum recipients", () => {
  it("a vault of PQ recipients round-trips; mixing PQ and classic is refused", async () => {
    const dana = testKey("pq-dana");
    const v = await createVault("pq.yaml", { dana: dana.recipient }, { now: clock });
    v.set("PQ_SECRET", "quantum-safe");
    const text = v.toText();
    expect(text).toContain("recipient: age1pq1");
    const back = await openVaultText(text, "pq.yaml", { identities: [dana.secret], env: {} });
    expect(back.get("PQ_SECRET").value).toBe("quantum-safe");
    await expect(back.addRecipient("alice", alice().recipient)).rejects.toThrow(/cannot mix post-quantum/);
    await expect(createVault("m.yaml", { dana: dana.recipient, alice: alice().recipient })).rejects.toThrow(
      /cannot mix/,
    );
  });
});

describe("recipients", () => {
  it("add wraps the same data key (only sops.age and recipients change); remove rolls the key and re-encrypts", async () => {
    const v = await createVault(
      "r.yaml",
      { alice: alice().recipient },
      { now: clock, identities: [alice().secret], env: {} },
    );
    v.set("A", "1");
    v.set("B", "2");
    const t1 = v.toText();
    await v.addRecipient("bob", bob().recipient);
    const t2 = v.toText();
    const values = (t: string) => t.match(/value: ENC\[.*\]/g);
    expect(values(t2)).toEqual(values(t1));
    const asBob = await openVaultText(t2, "r.yaml", { identities: [bob().secret], env: {} });
    expect(asBob.get("B").value).toBe("2");
    const readable = await asBob.removeRecipient("alice");
    expect(readable).toEqual(["A", "B"]);
    const t3 = asBob.toText();
    expect(values(t3)).not.toEqual(values(t2));
    await expect(openVaultText(t3, "r.yaml", { identities: [alice().secret], env: {} })).rejects.toBeInstanceOf(
      WrongKeyError,
    );
    expect((await openVaultText(t3, "r.yaml", { identities: [bob().secret], env: {} })).get("A").value).toBe("1");
  });
});

describe("removing a recipient from a big vault", () => {
  it("re-encrypts every value, skipping plaintext of entries removed earlier", async () => {
    const v = await createVault(
      "big.yaml",
      { alice: alice().recipient, bob: bob().recipient },
      { now: clock, identities: [alice().secret], env: {} },
    );
    for (let i = 0; i < 300; i++) v.set(`S_${i}`, `value-${i}`);
    v.remove("S_7"); // a removed entry's plaintext must not trip the re-encryption
    await v.removeRecipient("bob");
    const back = await openVaultText(v.toText(), "big.yaml", { identities: [alice().secret], env: {} });
    expect(back.get("S_299").value).toBe("value-299");
    expect(back.has("S_7")).toBe(false);
  });
});
