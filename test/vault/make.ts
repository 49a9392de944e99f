/** Builds small vaults for tests with the TEST-ONLY keys. */
import { parseDocument, Scalar, visit, type Document } from "yaml";
import { PARSE_OPTIONS } from "../../src/format/yaml.js";
import { createVault, type VaultOptions } from "../../src/io/vault-file.js";
import { clock, testKey } from "../helpers.js";

export function aliceOpts(extra: Partial<VaultOptions> = {}): VaultOptions {
  return { identities: [testKey("alice").secret], env: {}, now: clock, ...extra };
}

/** A saved-then-reopened vault with three secrets, as text. */
export async function sampleVaultText(path = "/tmp/unused.yaml"): Promise<string> {
  const v = await createVault(path, { alice: testKey("alice").recipient, bob: testKey("bob").recipient }, aliceOpts());
  v.set("PYPI_TOKEN", "pypi-secret-one", { type: "pypi", expiresAt: "2027-01-01", description: "upload token" });
  v.set("DOCKER_USERNAME", "bot", { type: "docker" });
  v.set("DOCKER_PASSWORD", "hunter2-docker", { type: "docker", expiresIn: "10d", rotateEvery: "90d", required: true });
  return v.toText();
}

/** The same vault laid out by hand in ways that the MAC and the seal do not cover; `seed` picks the variants. */
export function handFormat(source: string, seed: number): string {
  const doc = parseDocument(source, PARSE_OPTIONS) as Document;
  let n = seed;
  visit(doc, {
    Map(_, node, path) {
      if (path.length >= 5 && n++ % 3 === 0) node.flow = true;
    },
    Scalar(member, node) {
      if (
        member === "value" &&
        typeof node.value === "string" &&
        !node.value.startsWith("ENC[") &&
        !node.value.includes("\n") &&
        n++ % 2 === 0
      )
        node.type = Scalar.QUOTE_SINGLE;
    },
  });
  let out = doc.toString({ lineWidth: 0, indentSeq: seed % 2 === 0 });
  out = out.replace(/\n( +)(type|description|rotate_every|rotated_at|expires_at): /g, (line, sp: string, k: string) => {
    const variants = [
      `\n\n${sp}# note\n${sp}${k}: `,
      `\n${sp}${k}:    `,
      `\n${sp}${k}:\t`,
      `\n${sp}${k}:\n${sp}    `,
      `\n${sp}? ${k}\n${sp}: `,
      line,
    ];
    return variants[n++ % variants.length]!;
  });
  out = out.replace(/^( +(?:type|description|rotated_at|expires_at): .*)$/gm, (l) =>
    n++ % 3 === 0 && !l.includes(" #") && !l.endsWith("|") ? `${l}   # trailing` : l,
  );
  if (seed % 5 === 0) out = `---\n${out}...\n`;
  if (seed % 7 === 0) out = out.replace(/\n/g, "\r\n");
  return out;
}
