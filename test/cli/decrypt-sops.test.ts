/**
 * `vaultfile decrypt` on what sops writes and on vaults: key groups (enough, and too few), PGP/KMS-only files
 * (exit 4, saying so), multi-document JSON, and a vault whose seal is stale (issue 12 item 9: exit 5 unless
 * --accept-stale-seal; on the code before, it printed the swapped data with exit 0).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { SHARED_SOPS } from "../helpers.js";
import { workspace } from "./lifecycle-support.js";
import { existsSync } from "node:fs";

const SOPS392 = join(SHARED_SOPS, "..", "sops-3.9.2");
const has392 = existsSync(join(SOPS392, "enc-05-multidoc.enc.yaml"));
if (!has392) console.warn(`SKIPPED: vaultfile decrypt on sops v3.9.2 fixtures: ${SOPS392} is absent`);

describe.skipIf(!has392)("vaultfile decrypt: sops v3.9.2 files", () => {
  const run = (file: string, key: string, ...args: string[]) =>
    workspace().run(["decrypt", join(SOPS392, file), "-i", join(SOPS392, key), ...args]);

  it("key groups: two of three groups' keys open a 2-of-3 file; every group is needed without a threshold", () => {
    for (const [file, key] of [
      ["enc-09b-shamir-2of3.enc.yaml", "key-alice+carol.agekey"],
      ["enc-09c-keygroups-no-threshold.enc.yaml", "key-bob+carol.agekey"],
      ["enc-09a-shamir-2of2.enc.yaml", "key-alice+bob.agekey"],
    ]) {
      const r = run(file!, key!);
      expect(r.code, r.stderr).toBe(0);
      expect(parse(r.stdout)).toEqual(parse(readFileSync(join(SOPS392, "plain-enc-09a-shamir-2of2.yaml"), "utf8")));
    }
  });

  it("too few groups: exit 4, how many groups are needed and which ones the keys open", () => {
    const r = run("enc-09a-shamir-2of2.enc.yaml", "key-alice.agekey");
    expect(r.code).toBe(4);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/needs keys of 2 of its 2 key groups; your identities open group 1 \(age1tytl88/);
    expect(r.stderr).toMatch(/hint: add an identity for 1 more of: group 2 \(age1vqdtl0/);
  });

  it("vault commands refuse a key-group file (they do not edit Shamir splits), pointing at decrypt", () => {
    const w = workspace();
    const r = w.run([
      "status",
      "-f",
      join(SOPS392, "enc-09a-shamir-2of2.enc.yaml"),
      "-i",
      join(SOPS392, "key-alice+bob.agekey"),
    ]);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/splits its data key over key_groups \(Shamir\), which vault commands do not edit/);
    expect(r.stderr).toMatch(/hint: read it with `vaultfile decrypt`/);
  });

  it("multi-document: YAML prints every document; JSON the first, with a note on stderr", () => {
    const y = run("enc-05-multidoc.enc.yaml", "key-alice.agekey");
    expect(y.code).toBe(0);
    const plain = readFileSync(join(SOPS392, "plain-enc-05-multidoc.yaml"), "utf8");
    expect(parseAllDocuments(y.stdout).map((d) => d.toJS())).toEqual(parseAllDocuments(plain).map((d) => d.toJS()));
    const j = run("enc-05-multidoc.enc.yaml", "key-alice.agekey", "--output-type", "json");
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toEqual(parseAllDocuments(plain)[0]!.toJS());
    expect(j.stderr).toMatch(/note: .* holds 3 YAML documents; JSON output has the first only/);
  });

  it("a file with PGP and KMS keys only: exit 4, naming them", () => {
    const w = workspace();
    const text = readFileSync(join(SOPS392, "enc-01-sops-example.enc.yaml"), "utf8")
      .replace(/ {4}age:\n(?: {8}.*\n)+/, "    age: []\n")
      .replace(
        "    pgp: []\n",
        '    pgp:\n        - created_at: "2026-12-01T19:01:44Z"\n          enc: |\n            -----BEGIN PGP MESSAGE-----\n            AAAA\n            -----END PGP MESSAGE-----\n          fp: 0123456789ABCDEF\n',
      )
      .replace(
        "    kms: []\n",
        '    kms:\n        - arn: arn:aws:kms:us-east-1:123456789012:key/x\n          created_at: "2026-12-01T19:01:44Z"\n          enc: AQIC\n          aws_profile: ""\n',
      );
    writeFileSync(join(w.dir, "pgp.yaml"), text);
    const r = w.run(["decrypt", "pgp.yaml"]);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/can only be opened with AWS KMS, PGP keys, which vaultfile does not support/);
    expect(r.stderr).toMatch(/hint: vaultfile opens sops files encrypted with age keys only/);
  });
});

describe("vaultfile decrypt: a vault whose seal is stale (issue 12 item 9)", () => {
  function staleVault() {
    const w = workspace();
    expect(w.run(["init"]).code).toBe(0);
    expect(
      w.run(["set", "TOKEN", "--stdin", "--expires-at", "2027-01-01", "--rotate-every", "90d"], { input: "t0k3n\n" })
        .code,
    ).toBe(0);
    const text = w.text();
    // Swap the names of two clear fields with their values in place: the sops MAC (over values in order) still
    // verifies, vaultfile's seal over the names does not.
    const swapped = text.replace(/^( +)rotated_at: (.*)\n\1expires_at: (.*)$/m, "$1expires_at: $2\n$1rotated_at: $3");
    expect(swapped).not.toBe(text);
    writeFileSync(w.file, swapped);
    return w;
  }

  it("warns on stderr naming the problem and exits 5, printing nothing", () => {
    const w = staleVault();
    const r = w.run(["decrypt", ".secrets.yaml"]);
    expect(r.code).toBe(5);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /error: the name seal of .*\.secrets\.yaml is stale: its key names or metadata .* were changed outside vaultfile/,
    );
    expect(r.stderr).toMatch(/hint: .*vaultfile reseal.*--accept-stale-seal/);
  });

  it("--accept-stale-seal prints it with a warning", () => {
    const w = staleVault();
    const r = w.run(["decrypt", ".secrets.yaml", "--accept-stale-seal", "--output-type", "json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: the name seal .* is stale/);
    expect(JSON.parse(r.stdout).secrets.TOKEN.value).toBe("t0k3n");
  });

  it("an intact vault decrypts without a word on stderr", () => {
    const w = workspace();
    expect(w.run(["init"]).code).toBe(0);
    const r = w.run(["decrypt", ".secrets.yaml"]);
    expect(r).toMatchObject({ code: 0, stderr: "" });
  });
});
