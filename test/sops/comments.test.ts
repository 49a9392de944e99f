import { describe, expect, it } from "vitest";
import { Scalar, YAMLMap } from "yaml";
import { SopsFile } from "../../src/sops/sops-file.js";
import { parseIdentities } from "../../src/crypto/identities.js";
import { encryptAead } from "../../src/crypto/aead.js";
import { formatEncryptedValue } from "../../src/format/enc.js";
import { testKey } from "../helpers.js";
import { decryptSops } from "../../src/sops/decrypt.js";
import { printSopsYaml } from "../../src/format/sops-yaml-print.js";

describe("comments", () => {
  it("clear comments are shown as they are; an #ENC[…] comment where sops encrypts none (outside ^value$) stays as written, as sops -d keeps it; neither is in the MAC", async () => {
    const key = testKey("alice");
    let db: YAMLMap | undefined;
    const sf = await SopsFile.create("c.yaml", [key.recipient], { encryptedRegex: "^value$" }, (doc) => {
      db = new YAMLMap();
      db.set("value", new Scalar(""));
      (doc.contents as YAMLMap).set("db", db);
    });
    const valueNode = db!.get("value", true) as unknown as Scalar;
    sf.setEncryptedString(valueNode, ["db", "value"], "s3cret");
    const dataKey = (sf as unknown as { dataKey: Uint8Array }).dataKey;
    const encComment = formatEncryptedValue(encryptAead(dataKey, Buffer.from(" rotate me monthly"), "db:", "comment"));
    db!.items[0]!.key = Object.assign(new Scalar("value"), { commentBefore: encComment });
    (sf.doc.contents as YAMLMap).commentBefore = " a clear comment";
    const text = sf.serialize(new Date("2026-11-24T10:00:00Z"));
    expect(text).toContain(`#${encComment}`);
    const opened = await SopsFile.open(text, "c.yaml", { identities: parseIdentities(key.secret, "k"), searched: [] });
    const plain = printSopsYaml(
      (await decryptSops(text, "c.yaml", { identities: parseIdentities(key.secret, "k"), searched: [] })).documents,
    );
    expect(plain).toContain("# a clear comment");
    expect(plain).toContain(`#${encComment}`);
    expect(plain).toContain("value: s3cret");
    expect(plain.replace(`#${encComment}`, "")).not.toContain("ENC[");
    // decrypting leaves the document itself encrypted
    expect(opened.serialize(new Date("2026-11-24T10:00:00Z"))).toContain(`#${encComment}`);
  });
});
