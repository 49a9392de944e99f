/**
 * `decryptSops` (what `vaultfile decrypt` prints) on every file that the real sops wrote: ../shared/fixtures/sops
 * (public references from gibbz00/rops) and ../shared/fixtures/sops-3.9.2 (sops v3.9.2's own code). Each decrypts to
 * its plaintext, value and type; the YAML is sops's layout; and the real sops, run here, prints the same JSON and,
 * scalar for scalar, the same YAML.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { parseIdentities } from "../../src/crypto/identities.js";
import { plainToJs, type PlainMap } from "../../src/format/plain-tree.js";
import { printSopsJson } from "../../src/format/sops-json-print.js";
import { printSopsYaml } from "../../src/format/sops-yaml-print.js";
import { decryptSops } from "../../src/sops/decrypt.js";
import { SHARED_SOPS } from "../helpers.js";
import { asGoYamlMarshals, realSops, sopsDecrypt } from "../peers/real-sops.js";

const DIRS = [SHARED_SOPS, join(SHARED_SOPS, "..", "sops-3.9.2")].filter((d) => existsSync(d));
if (DIRS.length < 2) console.warn("SKIPPED: sops fixture tests: ../shared/fixtures/sops or sops-3.9.2 is absent");

interface Fixture {
  name: string;
  text: string;
  plain: string;
  keys: string;
}

function fixtures(): Fixture[] {
  const out: Fixture[] = [];
  for (const dir of DIRS) {
    for (const f of readdirSync(dir).filter((f) => f.endsWith(".enc.yaml"))) {
      const base = f.replace(/\.enc\.yaml$/, "");
      const plainFile = existsSync(join(dir, `${base}.plain.yaml`)) ? `${base}.plain.yaml` : `plain-${base}.yaml`;
      const keyFile = readdirSync(dir).find((k) => k === "keys.txt") ?? keyFor(dir, base);
      out.push({
        name: f,
        text: readFileSync(join(dir, f), "utf8"),
        plain: readFileSync(join(dir, plainFile), "utf8"),
        keys: readFileSync(join(dir, keyFile), "utf8"),
      });
    }
  }
  return out;
}

/** The key file the sops-3.9.2 README names for each fixture. */
function keyFor(dir: string, base: string): string {
  const map: Record<string, string> = {
    "enc-09a-shamir-2of2": "key-alice+bob",
    "enc-09b-shamir-2of3": "key-alice+carol",
    "enc-09c-keygroups-no-threshold": "key-bob+carol",
    "enc-15-date-float": "key-date-float",
  };
  const k = `${map[base] ?? "key-alice"}.agekey`;
  expect(existsSync(join(dir, k))).toBe(true);
  return k;
}

const decrypt = (f: Fixture) =>
  decryptSops(f.text, f.name, { identities: parseIdentities(f.keys, f.name), searched: [] });

/** The plaintext file's documents as JavaScript values (integers as bigint where they exceed 2^53). */
function plainDocs(text: string): unknown[] {
  return parseAllDocuments(text, { intAsBigInt: true }).map((d) => normalise(d.toJS()));
}
function normalise(v: unknown): unknown {
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalise(x)]));
  return v;
}

describe.skipIf(DIRS.length < 2)("sops-written fixtures", () => {
  const all = fixtures();

  it("finds every fixture", () => {
    expect(all.length).toBe(16);
  });

  for (const f of all) {
    it(`${f.name}: every document decrypts to its plaintext, and the printed YAML reads back as the same data`, async () => {
      const { documents } = await decrypt(f);
      const expected = plainDocs(f.plain);
      expect(documents.map(plainToJs)).toEqual(expected);
      expect(plainDocs(printSopsYaml(documents))).toEqual(expected);
      // YAML 1.1 readers (PyYAML, old go-yaml, Ruby) read it as the same data too: no date or number surprises.
      expect(
        parseAllDocuments(printSopsYaml(documents), { version: "1.1", intAsBigInt: true }).map((d) =>
          normalise(d.toJS()),
        ),
      ).toEqual(expected);
    });
  }

  it("sops's own example prints exactly as `sops -d` prints it (indent 4, comments kept)", async () => {
    const f = all.find((x) => x.name === "enc-01-sops-example.enc.yaml")!;
    expect(printSopsYaml((await decrypt(f)).documents)).toBe(f.plain);
  });

  it('a comment at the top level (AAD ":") and one between list items decrypt, in place', async () => {
    const top = await decrypt(all.find((x) => x.name === "enc-03-comment-top-level.enc.yaml")!);
    expect(printSopsYaml(top.documents)).toBe(
      "# a comment before the first key\na: 1\n# a comment between keys\nb: two\n",
    );
    const list = await decrypt(all.find((x) => x.name === "enc-04-comment-in-list.enc.yaml")!);
    expect(printSopsYaml(list.documents)).toBe("list:\n    - one\n    # comment between items\n    - two\n");
  });

  it("type fidelity: a quoted date stays a string, 1.5e+10 a float, 2^53+1 exact in JSON", async () => {
    const df = await decrypt(all.find((x) => x.name === "enc-15-date-float.enc.yaml")!);
    expect(printSopsYaml(df.documents)).toBe('date_like: "2024-01-31"\nexp: 1.5e+10\n');
    const big = await decrypt(all.find((x) => x.name === "enc-14-bigint.enc.yaml")!);
    expect(printSopsJson(big.documents[0]!)).toBe(
      '{\n\t"big": 9007199254740993,\n\t"neg_big": -9223372036854775808,\n\t"safe": 9007199254740991\n}\n',
    );
  });

  it("multi-document: YAML has every document, JSON the first only (as sops's JSON store prints branches[0])", async () => {
    const md = await decrypt(all.find((x) => x.name === "enc-05-multidoc.enc.yaml")!);
    expect(md.documents).toHaveLength(3);
    expect(printSopsYaml(md.documents).split("\n---\n")).toHaveLength(3);
    expect(JSON.parse(printSopsJson(md.documents[0]!))).toEqual(
      plainDocs(all.find((x) => x.name === "enc-05-multidoc.enc.yaml")!.plain)[0],
    );
  });

  describe.skipIf(!realSops.available)("against the real sops", () => {
    it("prints the same JSON data and, scalar for scalar, the same YAML as the real sops", async () => {
      const docs: PlainMap[] = [];
      for (const f of all) docs.push((await decrypt(f)).documents[0]!);
      const json = sopsDecrypt(all.map((f) => f.text));
      const yaml = sopsDecrypt(
        all.map((f) => f.text),
        { yaml: true },
      );
      for (const [i, f] of all.entries()) {
        expect(json[i]!.ok, `${f.name}: ${json[i]!.reason}`).toBe(true);
        expect(JSON.parse(printSopsJson(docs[i]!)), f.name).toEqual(json[i]!.data);
        expect(printSopsYaml([asGoYamlMarshals(docs[i]!) as PlainMap]), f.name).toBe(yaml[i]!.json);
      }
      // Beyond 2^53: the digits themselves.
      const big = all.findIndex((f) => f.name === "enc-14-bigint.enc.yaml");
      expect(json[big]!.json).toContain("9007199254740993");
      expect(printSopsJson(docs[big]!)).toContain("9007199254740993");
    });
  });
});
