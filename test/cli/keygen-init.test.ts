/** `keygen` and `init`: key files written exclusively 0600, vaults created once, recipients chosen as documented. */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { userInfo } from "node:os";
import { describe, expect, it } from "vitest";
import { defaultRecipientName } from "../../src/cli/commands/init.js";
import { parse } from "yaml";
import { parseIdentities, recipientOf } from "../../src/crypto/identities.js";
import { testKey } from "../helpers.js";
import { vf, workspace } from "./lifecycle-support.js";

const AGE1 = /^age1[0-9a-z]{58}$/;

describe("vaultfile keygen", () => {
  it("writes a 0600 age-keygen style file in vaultfile's default place and prints the public key", async () => {
    const w = workspace({ VAULTFILE_AGE_KEY_FILE: "" });
    const r = w.run(["keygen"]);
    expect(r.code).toBe(0);
    const path = join(w.env.XDG_CONFIG_HOME!, "vaultfile", "keys.txt");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(w.env.XDG_CONFIG_HOME!, "vaultfile")).mode & 0o777).toBe(0o700);
    const text = readFileSync(path, "utf8");
    const pub = r.stdout.trim();
    expect(pub).toMatch(AGE1);
    expect(text).toMatch(
      new RegExp(`^# created: 2026-11-24T10:00:00Z\\n# public key: ${pub}\\nAGE-SECRET-KEY-1[0-9A-Z]{58}\\n$`),
    );
    // The printed key is the recipient of the written identity, and the secret never reaches the output.
    expect(await recipientOf(parseIdentities(text, path)[0]!)).toBe(pub);
    expect(r.stdout + r.stderr).not.toContain("AGE-SECRET-KEY");
    expect(r.stderr).toContain(path);
  });

  it("refuses to overwrite an existing key file (exit 8) and leaves it as it was", () => {
    const w = workspace();
    const path = join(w.dir, "k.txt");
    writeFileSync(path, "# precious\n");
    const r = w.run(["keygen", "-o", "k.txt"]);
    expect(r.code).toBe(8);
    expect(r.stderr).toMatch(
      /^vaultfile: error: .*k\.txt already exists\nvaultfile: hint: keygen never overwrites a key; keep it \(its public key is on its `# public key:` line; `vaultfile recipients list` marks yours\)/,
    );
    expect(r.stdout).toBe("");
    expect(readFileSync(path, "utf8")).toBe("# precious\n");
  });

  it("-o - prints the key file on stdout (as age-keygen does) and writes no file", async () => {
    const w = workspace();
    const r = w.run(["keygen", "-o", "-"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^# created: 2026-11-24T10:00:00Z\n# public key: (age1[0-9a-z]{58})\nAGE-SECRET-KEY-1[0-9A-Z]{58}\n$/,
    );
    const pub = /public key: (\S+)/.exec(r.stdout)![1]!;
    expect(await recipientOf(parseIdentities(r.stdout, "stdout")[0]!)).toBe(pub);
    expect(r.stderr).toBe(`Public key: ${pub}\n`);
    expect(existsSync(join(w.dir, "-"))).toBe(false);
  });

  it("warns when the key lands in a git work tree where .gitignore does not cover it, as export -o does", () => {
    const w = workspace();
    execFileSync("git", ["init", "-q"], { cwd: w.dir });
    const bare = w.run(["keygen", "-o", "ci.agekey"]);
    expect(bare.code).toBe(0);
    expect(bare.stderr).toContain(
      `vaultfile: warning: ${join(w.dir, "ci.agekey")} is inside a git work tree and not ignored: add it to .gitignore`,
    );
    writeFileSync(join(w.dir, ".gitignore"), "*.agekey\n");
    const ignored = w.run(["keygen", "-o", "other.agekey"]);
    expect(ignored.code).toBe(0);
    expect(ignored.stderr).not.toContain("not ignored");
  });

  it("--pq writes a post-quantum hybrid identity", () => {
    const w = workspace();
    const r = w.run(["keygen", "--pq", "-o", "pq.txt"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^age1pq1[0-9a-z]+$/);
    expect(readFileSync(join(w.dir, "pq.txt"), "utf8")).toMatch(/\nAGE-SECRET-KEY-PQ-1[0-9A-Z]+\n$/);
  });
});

describe("vaultfile init", () => {
  it("creates a vault with the caller's key as the first recipient, named from $USER or --name", () => {
    const w = workspace();
    const r = w.run(["init", "--recipient", `bob=${testKey("bob").recipient}`]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("encrypted to: alice (you), bob");
    const doc = parse(w.text());
    expect(doc.recipients).toEqual({ alice: testKey("alice").recipient, bob: testKey("bob").recipient });
    expect(doc.sops.age.map((a: { recipient: string }) => a.recipient)).toEqual([
      testKey("alice").recipient,
      testKey("bob").recipient,
    ]);
    expect(doc.secrets).toEqual({});
    // The new vault opens for both, and is empty.
    expect(w.run(["status"], { env: { VAULTFILE_AGE_KEY_FILE: testKey("bob").identityFile } })).toMatchObject({
      code: 0,
      stdout: expect.stringContaining("no secrets yet"),
    });

    const named = workspace();
    expect(named.run(["init", "--name", "al"]).code).toBe(0);
    expect(Object.keys(parse(named.text()).recipients)).toEqual(["al"]);
  });

  it("without $USER names you after the OS user, then git's user.name, never 'me' while either is known (issue 15, item 8)", async () => {
    const w = workspace({ USER: "" });
    expect(w.run(["init"]).code).toBe(0);
    expect(Object.keys(parse(w.text()).recipients)).toEqual([userInfo().username]);
    const none = { envUser: undefined, osUser: () => undefined };
    expect(await defaultRecipientName({ ...none, gitUser: async () => "Alice Example" })).toBe("alice-example");
    expect(await defaultRecipientName({ ...none, gitUser: async () => "  Ünï Cödé  " })).toBe("n-c-d");
    expect(await defaultRecipientName({ ...none, gitUser: async () => undefined })).toBe("me");
    expect(await defaultRecipientName({ envUser: "not valid!", osUser: () => "bob", gitUser: async () => "x" })).toBe(
      "bob",
    );
  });

  it("refuses to overwrite an existing vault (exit 8)", () => {
    const w = workspace();
    writeFileSync(w.file, "not mine\n");
    const r = w.run(["init"]);
    expect(r.code).toBe(8);
    expect(r.stderr).toContain("already exists");
    expect(w.text()).toBe("not mine\n");
  });

  it("without any key and without a terminal fails (exit 4) with a hint to run keygen, writing nothing", () => {
    const w = workspace({ VAULTFILE_AGE_KEY_FILE: "" });
    const r = w.run(["init"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(
      /^vaultfile: error: no age key found.*\nvaultfile: hint: create one with `vaultfile keygen`/,
    );
    expect(existsSync(w.file)).toBe(false);
  });

  it("adds the age keys of the first matching .sops.yaml creation rule as sops-1, sops-2", () => {
    const w = workspace();
    const bob = testKey("bob").recipient;
    const carol = testKey("carol").recipient;
    writeFileSync(
      join(w.dir, ".sops.yaml"),
      `creation_rules:\n  - path_regex: prod\\.yaml$\n    age: ${testKey("pq-dana").recipient}\n  - path_regex: \\.secrets\\.yaml$\n    age: >-\n      ${bob},\n      ${carol}, ${testKey("alice").recipient}\n`,
    );
    const r = w.run(["init"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("creation rule 2");
    // Alice's own key is in the rule too: it is not added twice.
    expect(parse(w.text()).recipients).toEqual({ alice: testKey("alice").recipient, "sops-1": bob, "sops-2": carol });
  });

  it("rejects a malformed --recipient as a usage error (exit 2)", () => {
    const w = workspace();
    const r = vf(["init", "--recipient", "bob"], { cwd: w.dir, env: w.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--recipient expects NAME=KEY (age1…, ssh-ed25519 …), not "bob"`);
    expect(existsSync(w.file)).toBe(false);
  });
});
