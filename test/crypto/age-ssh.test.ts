/**
 * age's ssh-ed25519 and ssh-rsa stanzas against the real peers: keys made by `ssh-keygen`, data keys wrapped by
 * vaultfile opened by the `age` CLI (`age -d -i KEY`), and files made by `age -R KEY.pub` opened by vaultfile.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unwrapDataKey, wrapDataKey } from "../../src/crypto/age.js";
import {
  checkRecipient,
  parseIdentities,
  recipientId,
  recipientKind,
  recipientOf,
} from "../../src/crypto/identities.js";
import { parseKeyFile } from "../../src/crypto/key-files.js";
import { InvalidIdentityError, type InvalidInputError } from "../../src/errors.js";
import { tempDir, testKey } from "../helpers.js";
import { hasAge, hasSshKeygen, sshKeygen, type SshKey } from "./ssh-support.js";

const identityOf = (k: SshKey, ask?: (p: string) => Promise<string>) => parseKeyFile(readFileSync(k.path), k.path, ask);

describe.skipIf(!hasSshKeygen)("SSH keys as age recipients and identities", () => {
  const kinds = [
    ["ed25519", {}],
    ["rsa", {}],
  ] as const;

  for (const [type, opts] of kinds) {
    it.skipIf(!hasAge)(
      `ssh-${type}: the age CLI opens what vaultfile wraps, vaultfile opens what age -R wraps`,
      async () => {
        const key = sshKeygen(type, opts);
        const dir = tempDir();
        const dataKey = randomBytes(32);
        // vaultfile → age
        const enc = await wrapDataKey(dataKey, key.pub);
        expect(enc).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/);
        writeFileSync(join(dir, "ours.age"), enc);
        expect(Buffer.from(execFileSync("age", ["-d", "-i", key.path, join(dir, "ours.age")])).equals(dataKey)).toBe(
          true,
        );
        // age → vaultfile
        writeFileSync(join(dir, "dk"), dataKey);
        execFileSync("age", ["-R", `${key.path}.pub`, "-a", "-o", join(dir, "theirs.age"), join(dir, "dk")]);
        const theirs = readFileSync(join(dir, "theirs.age"), "utf8");
        const ids = identityOf(key);
        expect(ids.map((i) => i.kind)).toEqual([`ssh-${type}`]);
        expect(await recipientOf(ids[0]!)).toBe(recipientId(key.pub));
        const got = await unwrapDataKey([{ recipient: key.pub, enc: theirs }], ids);
        expect(Buffer.from(got!).equals(dataKey)).toBe(true);
        // Another key of the same type does not fit, and nothing is thrown: the stanza's tag is not its own.
        const other = identityOf(sshKeygen(type, opts));
        expect(await unwrapDataKey([{ recipient: key.pub, enc: theirs }], other)).toBeUndefined();
      },
    );
  }

  for (const cipher of ["aes256-ctr", "aes256-gcm@openssh.com"]) {
    it(`a passphrase-protected ed25519 key (${cipher}) is asked for once, only when a stanza names it`, async () => {
      const key = sshKeygen("ed25519", { passphrase: "correct horse", cipher });
      const dataKey = randomBytes(32);
      const stanzas = [{ recipient: key.pub, enc: await wrapDataKey(dataKey, key.pub) }];
      const asked: string[] = [];
      const ids = identityOf(key, async (p) => {
        asked.push(p);
        return "correct horse";
      });
      // A file for someone else: the key is not unlocked.
      const alice = testKey("alice");
      expect(
        await unwrapDataKey([{ recipient: alice.recipient, enc: await wrapDataKey(dataKey, alice.recipient) }], ids),
      ).toBeUndefined();
      expect(asked).toEqual([]);
      expect(Buffer.from((await unwrapDataKey(stanzas, ids))!).equals(dataKey)).toBe(true);
      expect(Buffer.from((await unwrapDataKey(stanzas, ids))!).equals(dataKey)).toBe(true);
      expect(asked).toEqual([`Passphrase for ${key.path}:`]);

      const wrong = await unwrapDataKey(
        stanzas,
        identityOf(key, async () => "wrong"),
      ).catch((e: unknown) => e);
      expect(wrong).toBeInstanceOf(InvalidIdentityError);
      expect((wrong as InvalidIdentityError).message).toBe(`invalid SSH identity in ${key.path}: wrong passphrase`);
      expect((wrong as InvalidIdentityError).exitCode).toBe(4);

      const noTerminal = await unwrapDataKey(stanzas, identityOf(key)).catch((e: unknown) => e);
      expect(noTerminal).toBeInstanceOf(InvalidIdentityError);
      expect((noTerminal as Error).message).toBe(
        `${key.path} is protected by a passphrase, and there is no terminal to ask for it`,
      );
    });
  }

  it("a passphrase-protected RSA key and a PEM RSA key (ssh-keygen -m PEM) open too", async () => {
    const dataKey = randomBytes(32);
    for (const key of [sshKeygen("rsa", { passphrase: "pw" }), sshKeygen("rsa", { pem: true })]) {
      const stanzas = [{ recipient: key.pub, enc: await wrapDataKey(dataKey, key.pub) }];
      expect(
        Buffer.from(
          (await unwrapDataKey(
            stanzas,
            identityOf(key, async () => "pw"),
          ))!,
        ).equals(dataKey),
      ).toBe(true);
    }
  });

  it("recipients: SSH keys are of the classic family, compared without their comment; errors name the key, shortened", () => {
    const ed = sshKeygen("ed25519");
    expect(recipientKind(ed.pub)).toBe("x25519");
    expect(checkRecipient(ed.pub, "recipient carol")).toBe("x25519");
    expect(recipientId(ed.pub)).toBe(ed.pub.split(" ").slice(0, 2).join(" "));
    expect(recipientId(`${ed.pub}  other comment`)).toBe(recipientId(ed.pub));
    const fail = (r: string): InvalidInputError => {
      try {
        checkRecipient(r, "recipient carol");
      } catch (e) {
        return e as InvalidInputError;
      }
      throw new Error("accepted");
    };
    const damaged = ed.pub.replace(/AAAA(.{10})/, "AAAA$1!");
    expect(fail(damaged).message).toMatch(
      /^recipient carol: "ssh-ed25519 AAAAC3Nz…" is an SSH key vaultfile cannot use: its base64 is damaged$/,
    );
    expect(fail("ssh-ed25519 AAAA").message).toMatch(/^recipient carol: "ssh-ed25519 AAAA" is /);
    const small = sshKeygen("rsa", { bits: 1024 });
    expect(fail(small.pub).message).toMatch(/RSA keys under 2048 bits are not supported \(this one has 1024\)/);
    // Over Go's crypto/rsa limit (16384 bits), which age and sops enforce: refused before any RSA work.
    const str = (b: Uint8Array) =>
      Buffer.concat([Buffer.from([0, 0, 0, 0].map((_, i) => (b.length >>> (24 - 8 * i)) & 0xff)), b]);
    const n = randomBytes(32768 / 8);
    n[0]! |= 0x80;
    const huge = `ssh-rsa ${Buffer.concat([str(Buffer.from("ssh-rsa")), str(Buffer.from([1, 0, 1])), str(Buffer.concat([Buffer.from([0]), n]))]).toString("base64")}`;
    expect(fail(huge).message).toMatch(
      /is an SSH key vaultfile cannot use: RSA keys over 16384 bits are not supported/,
    );
    expect(fail("hello world").message).toBe(
      'recipient carol: "hello world" is not an age recipient (age1…, age1pq1…, ssh-ed25519, ssh-rsa)',
    );
    // No message holds more than 20 characters of a key.
    for (const r of [damaged, small.pub, `${"age1".padEnd(70, "q")}`])
      expect(fail(r).message).not.toContain(r.slice(0, 21));
  });

  it("age plugins: precise errors for plugin recipients and identities", () => {
    const plugin = "age1yubikey1qwt50d05nh5vutpdzmlg5wn80xq5negm4uj9ghv0snvdd3yysf5yw3rhl3t";
    expect(() => checkRecipient(plugin, "recipient ci")).toThrow(
      /^recipient ci: "age1yubikey1qwt50d05…" is an age plugin recipient: age plugins are not supported yet$/,
    );
    const identity = "AGE-PLUGIN-YUBIKEY-1QYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQSZQGPQYQS3290GQ";
    expect(() => parseIdentities(identity, "k.txt")).toThrow(
      "invalid age identity in k.txt (line 1): age plugin identities are not supported yet",
    );
  });
});
