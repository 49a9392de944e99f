/**
 * Every way vaultfile writes a vault, checked by the real sops (v3.9.2's library): each CLI command that writes
 * (init, set, rotate, rm, import, recipients add/remove, require, type add, reseal, edit --editor), the git merge
 * driver, and the library's `save` and `updateVault`. Each file decrypts with its MAC verified to the data that
 * vaultfile itself decrypts; a tampered copy is refused by sops too; a vault that "sops" (vaultfile's sops engine
 * standing in for `sops edit`) gave comments and lists, re-saved by vaultfile, still opens in sops. Every file
 * contains `mac: ENC[`, which Flux's kustomize-controller looks for to treat it as encrypted.
 *
 * The vaults are collected first and the real sops runs once over all of them.
 */
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { decryptAead, encryptAead } from "../../src/crypto/aead.js";
import { unwrapDataKey } from "../../src/crypto/age.js";
import { parseIdentities } from "../../src/crypto/identities.js";
import { formatEncryptedValue, parseEncryptedValue } from "../../src/format/enc.js";
import { plainToJs, type PlainMap } from "../../src/format/plain-tree.js";
import { macAdditionalData, parseYaml, readMetadata } from "../../src/format/yaml.js";
import { createVault, updateVault } from "../../src/index.js";
import { decryptSops } from "../../src/sops/decrypt.js";
import { encryptSops } from "../../src/sops/encrypt.js";
import { clock, tempDir, testKey } from "../helpers.js";
import { workspace, type Workspace } from "../cli/lifecycle-support.js";
import { realSops, sopsDecrypt, type SopsResult } from "./real-sops.js";

const alice = testKey("alice");
const bob = testKey("bob");
const ids = parseIdentities(`${alice.secret}\n${bob.secret}`, "test");
const vaultfileData = async (text: string) =>
  plainToJs((await decryptSops(text, "v.yaml", { identities: ids, searched: [] })).documents[0]!);

/** The file, written again with the MAC under a fresh random IV: what a plain sops save leaves (the seal stale). */
async function asSopsSaved(text: string): Promise<string> {
  const meta = readMetadata(parseYaml(text, "v.yaml"), "v.yaml", text);
  const key = (await unwrapDataKey(meta.age, ids))!;
  const aad = macAdditionalData(meta.lastModified);
  const mac = decryptAead(key, parseEncryptedValue(meta.mac!, "mac"), aad)!;
  return text.replace(meta.mac!, formatEncryptedValue(encryptAead(key, mac, aad, "str")));
}

/** `vaultfile …` that must succeed. */
function ok(w: Workspace, args: string[], input?: string): void {
  const r = w.run(args, input === undefined ? {} : { input });
  expect(r.code, `vaultfile ${args.join(" ")}: ${r.stderr}`).toBe(0);
}

const written: { label: string; text: string }[] = [];
let results: SopsResult[] = [];
let tampered: SopsResult[] = [];

describe.skipIf(!realSops.available)("vaults written by vaultfile, read by the real sops", () => {
  beforeAll(async () => {
    const w = workspace();
    const snap = (label: string) => written.push({ label, text: w.text() });
    ok(w, ["init"]);
    snap("init");
    ok(w, ["set", "API_TOKEN", "--stdin", "--type", "generic", "--expires-in", "90d"], "tok-1\n");
    ok(w, ["set", "MULTI", "--stdin", "--description", "pässwörd 日本語"], "line one\nline two: 🔑\n  indented\n\n");
    snap("set");
    ok(w, ["rotate", "API_TOKEN", "--stdin"], "tok-2\n");
    snap("rotate");
    writeFileSync(join(w.dir, "in.env"), 'DB_URL=postgres://u:p@h/db\nSPARE=to-remove\nQUOTED="a b # c"\n');
    ok(w, ["import", "in.env"]);
    snap("import");
    ok(w, ["rm", "SPARE"]); // an empty value would be refused (one rule for empty values)
    snap("rm");
    ok(w, ["require", "API_TOKEN", "DB_URL"]);
    snap("require");
    ok(w, ["type", "add", "internal-api", "--pattern", "tok-[0-9]+", "--description", "an internal token"]);
    snap("type add");
    ok(w, ["recipients", "add", "bob", bob.recipient]);
    snap("recipients add");
    ok(w, ["recipients", "remove", "bob"]);
    snap("recipients remove");
    writeFileSync(w.file, await asSopsSaved(w.text()));
    ok(w, ["reseal", "--yes"]);
    snap("reseal");
    const editor = join(w.dir, "editor.sh");
    writeFileSync(editor, `#!/bin/sh\nsed -i 's/tok-2/tok-3/' "$1"\n`);
    chmodSync(editor, 0o755);
    const r = w.run(["edit", "--editor"], { env: { EDITOR: editor } });
    expect(r.code, r.stderr).toBe(0);
    snap("edit --editor");

    // The merge driver: two branches from one base, merged entry by entry into "ours".
    const base = w.text();
    ok(w, ["set", "OURS", "--stdin"], "o\n");
    const ours = w.text();
    writeFileSync(w.file, base);
    ok(w, ["set", "THEIRS", "--stdin"], "t\n");
    const theirs = w.text();
    for (const [n, t] of [
      ["base", base],
      ["ours", ours],
      ["theirs", theirs],
    ] as const)
      writeFileSync(join(w.dir, n), t);
    ok(w, ["git", "merge", "base", "ours", "theirs", ".secrets.yaml"]);
    written.push({ label: "git merge", text: readFileSync(join(w.dir, "ours"), "utf8") });

    // The library.
    const file = join(tempDir(), "lib.yaml");
    const v = await createVault(file, { alice: alice.recipient, bob: bob.recipient }, { now: clock });
    v.set("LIB", "from the library", {});
    await v.save();
    written.push({ label: "library save", text: readFileSync(file, "utf8") });
    await updateVault(
      file,
      { identities: [alice.secret], env: {}, now: clock },
      (u) => void u.rotate("LIB", "rotated by updateVault"),
    );
    written.push({ label: "library updateVault", text: readFileSync(file, "utf8") });

    // sops features: comments and lists put in by "sops", then a vaultfile save.
    const sopsEdited = await withSopsFeatures(written.at(-1)!.text);
    writeFileSync(file, await asSopsSaved(sopsEdited));
    await updateVault(
      file,
      { identities: [alice.secret], env: {}, now: clock, acceptStaleSeal: true },
      (u) => void u.set("AFTER_SOPS", "v", {}),
    );
    written.push({ label: "re-saved after sops comments and lists", text: readFileSync(file, "utf8") });

    results = sopsDecrypt(written.map((x) => x.text));
    tampered = sopsDecrypt(written.map((x) => tamper(x.text)));
  }, 300_000);

  it("every write path gives a file the real sops decrypts, MAC verified, to vaultfile's data", async () => {
    expect(written.map((x) => x.label)).toEqual([
      "init",
      "set",
      "rotate",
      "import",
      "rm",
      "require",
      "type add",
      "recipients add",
      "recipients remove",
      "reseal",
      "edit --editor",
      "git merge",
      "library save",
      "library updateVault",
      "re-saved after sops comments and lists",
    ]);
    for (const [i, x] of written.entries()) {
      expect(results[i]!.ok, `${x.label}: ${results[i]!.reason}`).toBe(true);
      expect(results[i]!.data, x.label).toEqual(await vaultfileData(x.text));
    }
    const byLabel = (l: string) =>
      results[written.findIndex((x) => x.label === l)]!.data as { secrets: Record<string, { value: string }> };
    expect(byLabel("set").secrets.MULTI!.value).toBe("line one\nline two: 🔑\n  indented\n");
    expect(byLabel("edit --editor").secrets.API_TOKEN!.value).toBe("tok-3");
    expect(Object.keys(byLabel("git merge").secrets)).toEqual(expect.arrayContaining(["OURS", "THEIRS"]));
    const resaved = written.at(-1)!.text;
    expect(byLabel("re-saved after sops comments and lists").secrets.AFTER_SOPS!.value).toBe("v");
    expect(resaved).toMatch(/^# edited with sops$/m);
    expect(resaved).toMatch(/^ *# between items$/m);
    expect((byLabel("re-saved after sops comments and lists") as unknown as { notes: string[] }).notes).toEqual([
      "first",
      "second",
    ]);
  });

  it("a tampered copy of each (one clear character under the MAC) is refused by the real sops", () => {
    for (const [i, x] of written.entries()) expect(tampered[i]!.ok, x.label).toBe(false);
    expect(tampered.every((t) => /integrity|MAC|decrypt/i.test(t.reason ?? ""))).toBe(true);
  });

  it("Flux's check: every file written contains the bytes `mac: ENC[`", () => {
    for (const x of written) expect(x.text, x.label).toContain("mac: ENC[");
  });
});

/** One character of a clear-text field under the MAC changed: alice's entry in the vault's `recipients` list. */
function tamper(text: string): string {
  const out = text.replace(/^( +alice: age1)(.)/m, (_all, a: string, c: string) => a + (c === "q" ? "p" : "q"));
  expect(out).not.toBe(text);
  return out;
}

/** What `sops edit` could leave: comments at the top, inside `secrets`, a list with a comment between its items. */
async function withSopsFeatures(text: string): Promise<string> {
  const doc = (await decryptSops(text, "v.yaml", { identities: ids, searched: [] })).documents[0]!;
  const items: PlainMap["items"] = [{ kind: "comment", text: " edited with sops" }, ...doc.items];
  const at = items.findIndex((i) => i.kind === "pair" && i.key === "secrets");
  items.splice(at + 1, 0, {
    kind: "pair",
    key: "notes",
    value: {
      kind: "list",
      items: [
        { kind: "str", value: "first" },
        { kind: "comment", text: " between items" },
        { kind: "str", value: "second" },
      ],
    },
  });
  const secrets = items[at] as { kind: "pair"; value: PlainMap };
  secrets.value.items.unshift({ kind: "comment", text: " the team's secrets" });
  return encryptSops([{ kind: "map", items }], {
    recipients: [alice.recipient, bob.recipient],
    rules: { encryptedRegex: "^value$" },
    now: clock(),
  });
}
