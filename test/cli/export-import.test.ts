/** `vaultfile import`: dotenv files into the vault in one write, values never printed; export → import round trip. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { openVault } from "../../src/io/vault-file.js";
import { testKey } from "../helpers.js";
import { workspace, writeVault, type Workspace } from "./lifecycle-support.js";

const ENV_FILE = [
  "# production settings",
  "export API_KEY=plain-token-123",
  "DB_URL='postgres://u:p@h/db?x=1#frag'",
  'PEM="-----BEGIN-----\\nabc\\n-----END-----"',
  'GREETING=`it\'s "quoted"`  # trailing comment',
  "",
].join("\n");
const EXPECTED = {
  API_KEY: "plain-token-123",
  DB_URL: "postgres://u:p@h/db?x=1#frag",
  PEM: "-----BEGIN-----\nabc\n-----END-----",
  GREETING: `it's "quoted"`,
};

async function values(w: Workspace): Promise<Record<string, string>> {
  const v = await openVault(w.file, { identities: [testKey("alice").secret], env: {} });
  return v.exportSecrets();
}

async function emptyVault(): Promise<Workspace> {
  const w = workspace();
  await writeVault(w.file, (v) => v.set("EXISTING", "keep-me"));
  return w;
}

describe("vaultfile import", () => {
  it("adds one secret per variable as dotenv reads them, with the given metadata, printing counts only", async () => {
    const w = await emptyVault();
    writeFileSync(join(w.dir, ".env"), ENV_FILE);
    const r = w.run(["import", ".env", "--type", "api", "--expires-in", "90d", "--required"]);
    expect(r).toEqual({
      code: 0,
      stdout: "",
      stderr:
        "vaultfile: note: imported 4 secrets from .env: 4 new, 0 replaced, 0 unchanged\nvaultfile: hint: .env still holds the values in plaintext; delete it once you have checked the import\n",
    });
    expect(await values(w)).toEqual({ EXISTING: "keep-me", ...EXPECTED });
    const doc = parse(w.text());
    expect(doc.secrets.PEM).toMatchObject({ type: "api", expires_at: "2027-02-22T10:00:00Z" });
    expect(doc.required).toEqual(Object.keys(EXPECTED));
    expect(w.text()).not.toContain("plain-token-123");
  });

  it("refuses an empty value naming the variable, as set and edit do, and writes nothing (issue 15, item 2)", async () => {
    const w = await emptyVault();
    const before = w.text();
    writeFileSync(join(w.dir, ".env"), "A=1\nB=\nC=''\n");
    const r = w.run(["import", ".env"]);
    expect(r).toEqual({
      code: 6,
      stdout: "",
      stderr:
        "vaultfile: error: B, C in .env are empty; vaultfile stores no empty secrets, so nothing was imported\nvaultfile: hint: give each a value, or remove those lines from the file\n",
    });
    expect(w.text()).toBe(before);
    expect(w.run(["set", "B", "--stdin"], { input: "\n" })).toMatchObject({
      code: 6,
      stderr: expect.stringContaining("vaultfile: error: the value of B is empty\n"),
    });
  });

  it("warns, per variable and never with the value, where dotenv reads a line differently than it looks", async () => {
    const w = await emptyVault();
    writeFileSync(join(w.dir, ".env"), 'HASH=abc#def\nX="say \\"hi\\""\nFOO bar\nX=later-value\n');
    const r = w.run(["import", ".env"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.split("\n").filter((l) => l.startsWith("vaultfile: warning:"))).toEqual([
      'vaultfile: warning: HASH (.env line 1): dotenv reads an unquoted value only up to "#", the rest is a comment; quote the value to keep it whole',
      "vaultfile: warning: X (.env line 2): dotenv keeps backslashes inside quotes as written (only \\n and \\r are expanded, in double quotes); check the imported value",
      "vaultfile: warning: .env line 3 is not NAME=value and was skipped",
      "vaultfile: warning: X (.env line 4): set again; the last value is the one imported",
    ]);
    for (const value of ["abc#def", "#def", 'say \\"hi', "later-value", "FOO bar"])
      expect(r.stderr).not.toContain(value);
    expect((await values(w)).HASH).toBe("abc");
  });

  it("refuses names the vault has unless --overwrite, leaving the file unchanged", async () => {
    const w = await emptyVault();
    const before = w.text();
    const input = "NEW=1\nEXISTING=changed\n";
    const refused = w.run(["import", "-"], { input });
    expect(refused.code).toBe(8);
    expect(refused.stderr).toBe(
      "vaultfile: error: the vault already has EXISTING\nvaultfile: hint: pass --overwrite to replace their values, or remove those lines from the file\n",
    );
    expect(w.text()).toBe(before);
    const r = w.run(["import", "-", "--overwrite"], { input });
    expect(r.stderr).toBe("vaultfile: note: imported 2 secrets from stdin: 1 new, 1 replaced, 0 unchanged\n");
    expect(await values(w)).toEqual({ EXISTING: "changed", NEW: "1" });
  });

  it("refuses invalid names and dotenvx-encrypted values before writing anything", async () => {
    const w = await emptyVault();
    const before = w.text();
    const bad = w.run(["import", "-"], { input: "GOOD=1\nmy.var=2\nvalue=3\n" });
    expect(bad.code).toBe(6);
    expect(bad.stderr).toMatch(
      /^vaultfile: error: cannot import "my.var", "value": secret names must be environment variable names\n/,
    );
    const enc = w.run(["import", "-"], { input: 'DOTENV_PUBLIC_KEY="02ab"\nSECRET="encrypted:BDqD8j9x"\n' });
    expect(enc.code).toBe(6);
    expect(enc.stderr).toMatch(
      /^vaultfile: error: SECRET in stdin is encrypted by dotenvx\nvaultfile: hint: decrypt first/,
    );
    expect(w.run(["import", "-"], { input: "# nothing\n" }).code).toBe(6);
    // Bytes that are not UTF-8 would be imported as U+FFFD, a different secret: refused instead.
    writeFileSync(join(w.dir, "latin1.env"), Buffer.from("PASSWORD=caf\xe9\n", "latin1"));
    expect(w.run(["import", "latin1.env"])).toMatchObject({
      code: 6,
      stderr: expect.stringMatching(/^vaultfile: error: latin1\.env is not valid UTF-8 text\n/),
    });
    expect(w.text()).toBe(before);
  });

  it("export --format dotenv then import gives back the same secrets", async () => {
    const w = workspace();
    const tricky = { A: "it's #1", A2: "$HOME \\n", B: "line 1\nline 2\r\n", C: "  spaced  ", D: '"double" `tick`' };
    await writeVault(w.file, (v) => {
      for (const [n, value] of Object.entries(tricky)) v.set(n, value);
    });
    expect(w.run(["export", "-o", "out.env"]).code).toBe(0);
    const w2 = workspace();
    await writeVault(w2.file, () => {});
    writeFileSync(join(w2.dir, "in.env"), readFileSync(join(w.dir, "out.env")));
    expect(w2.run(["import", "in.env"]).code).toBe(0);
    expect(await values(w2)).toEqual(tricky);
  });
});
