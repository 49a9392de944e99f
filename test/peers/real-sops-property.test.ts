/**
 * Property test against the real sops: random trees (nested maps and lists, comments everywhere, every scalar type
 * sops 3.9 knows, unicode, empty values), encrypted by vaultfile's sops engine (`encryptSops`, what a future
 * `vaultfile encrypt` writes), then decrypted by the real sops: its MAC verifies, its data is the tree's, and
 * go-yaml prints every scalar as vaultfile's `sops -d` printer does. vaultfile's own `decryptSops` reads the file
 * back to the same tree, comments included.
 *
 * The real sops is started once for all cases (a few dozen by default, a few hundred with SLOW=1); a failing case is
 * then shrunk by fast-check with one sops run per step.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIdentities } from "../../src/crypto/identities.js";
import {
  plainToJs,
  type PlainList,
  type PlainMap,
  type PlainNode,
  type PlainScalar,
} from "../../src/format/plain-tree.js";
import { printSopsJson } from "../../src/format/sops-json-print.js";
import { printSopsYaml } from "../../src/format/sops-yaml-print.js";
import type { EncryptionRules } from "../../src/format/rules.js";
import { decryptSops } from "../../src/sops/decrypt.js";
import { encryptSops } from "../../src/sops/encrypt.js";
import { NOW, testKey } from "../helpers.js";
import { asGoYamlMarshals, realSops, sopsDecrypt, type SopsResult } from "./real-sops.js";

const RUNS = process.env.SLOW ? 300 : 30;

/** Characters that stress quoting and escaping (line breaks other than \n are left to a fixed case below). */
const tricky = fc.constantFrom(
  " ",
  "  ",
  "\n",
  "\t",
  ":",
  ": ",
  " #",
  "#",
  "-",
  "- ",
  "'",
  '"',
  "\\",
  "?",
  "&",
  "*",
  "!",
  "|",
  ">",
  "%",
  "@",
  "`",
  "{",
  "}",
  "[",
  "]",
  ",",
  "~",
  "é",
  "ß",
  "日本",
  "🔑",
  "\u00a0",
  "\ufeff",
  "\u0007",
  "\u001b",
  "\u007f",
  "\u00e9",
  "---",
  "...",
);
const word = fc.stringMatching(/^[a-z0-9._-]{1,8}$/);
/** Strings that YAML 1.1 or 1.2 (or go-yaml) could read as something other than a string. */
const LOOKS_TYPED = [
  "yes",
  "no",
  "on",
  "off",
  "y",
  "n",
  "true",
  "False",
  "null",
  "~",
  "",
  "0",
  "012",
  "0x1F",
  "1e3",
  "1_000",
  ".5",
  "-.inf",
  ".nan",
  "12:30",
  "2024-01-31",
  "2024-02-30",
  "2024-01-31T12:00:00Z",
  "2024-1-3",
  "<<",
  "+1",
  "-0",
];
const looksTyped = fc.constantFrom(...LOOKS_TYPED);
const text = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.oneof(word, tricky), { maxLength: 6 }).map((xs) => xs.join("")) },
  { weight: 2, arbitrary: looksTyped },
  {
    weight: 1,
    arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }).filter((s) => !/[\r\u0085\u2028\u2029]/.test(s)),
  },
);
const scalar: fc.Arbitrary<PlainScalar> = fc.oneof(
  { weight: 4, arbitrary: text.map((value) => ({ kind: "str" as const, value })) },
  {
    weight: 2,
    arbitrary: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((value) => ({ kind: "int" as const, value })),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: -1000, max: 1000 }).map((v) => ({ kind: "int" as const, value: BigInt(v) })),
  },
  {
    weight: 2,
    arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => ({ kind: "float" as const, value })),
  },
  { weight: 1, arbitrary: fc.boolean().map((value) => ({ kind: "bool" as const, value })) },
  { weight: 1, arbitrary: fc.constant({ kind: "null" as const }) },
);
const comment = fc
  .oneof(
    text,
    word.map((w) => " " + w),
  )
  .map((t) => ({ kind: "comment" as const, text: t.replace(/\n/g, " ") }));
// go-yaml cannot read back two keys, so no sops file can hold them: `<<` (a merge key to it even when quoted) and
// a key with U+FEFF (it drops the character: "\uFEFF" reads as ""). Left out.
const goYamlKey = (k: string): boolean => k !== "<<" && !k.includes("\ufeff");
const key = fc.oneof(
  { weight: 4, arbitrary: word },
  { weight: 1, arbitrary: text.filter((k) => k.length <= 60 && goYamlKey(k)) },
  { weight: 1, arbitrary: word.map((w) => w + "_unencrypted") },
);

const tree = fc.letrec<{ node: PlainNode; map: PlainMap; list: PlainList }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 4, arbitrary: scalar },
    { weight: 1, arbitrary: tie("map") },
    { weight: 1, arbitrary: tie("list") },
  ),
  map: fc
    .array(fc.oneof({ weight: 5, arbitrary: fc.tuple(key, tie("node")) }, { weight: 1, arbitrary: comment }), {
      maxLength: 5,
    })
    .map((items) => {
      const seen = new Set<string>();
      const out: PlainMap["items"] = [];
      for (const it of items) {
        if (!Array.isArray(it)) out.push(it);
        else if (!seen.has(it[0])) {
          seen.add(it[0]);
          out.push({ kind: "pair", key: it[0], value: it[1] });
        }
      }
      return { kind: "map" as const, items: out };
    }),
  list: fc
    .array(fc.oneof({ weight: 5, arbitrary: tie("node") }, { weight: 1, arbitrary: comment }), { maxLength: 5 })
    .map((items) => ({ kind: "list" as const, items })),
}));
const documents = fc
  .array(tree.map, { minLength: 1, maxLength: 3 })
  .map((docs) => docs.map((d) => ({ ...d, items: d.items.filter((i) => i.kind !== "pair" || i.key !== "sops") })));
const rules: fc.Arbitrary<{ rules?: EncryptionRules; macOnlyEncrypted: boolean }> = fc.record({
  rules: fc.constantFrom<EncryptionRules | undefined>(
    undefined,
    { encryptedRegex: "^[a-m]" },
    { unencryptedRegex: "^[n-z]" },
    { encryptedSuffix: "_secret" },
  ),
  macOnlyEncrypted: fc.boolean(),
});
const cases = fc.record({ docs: documents, opts: rules });
type Case = { docs: PlainMap[]; opts: { rules?: EncryptionRules; macOnlyEncrypted: boolean } };

const alice = testKey("alice");
const encrypt = (c: Case) => encryptSops(c.docs, { recipients: [alice.recipient], now: NOW, ...c.opts });

/** Every integer of a tree, for the digits check (JSON.parse rounds beyond 2^53). */
function ints(n: PlainNode, out: bigint[] = []): bigint[] {
  if (n.kind === "int") out.push(n.value);
  if (n.kind === "map") for (const i of n.items) if (i.kind === "pair") ints(i.value, out);
  if (n.kind === "list") for (const i of n.items) if (i.kind !== "comment") ints(i, out);
  return out;
}

/** Comments as `decryptSops` gives them back: the same texts, in document order. */
function commentTexts(n: PlainNode, out: string[] = []): string[] {
  if (n.kind === "map") for (const i of n.items) i.kind === "comment" ? out.push(i.text) : commentTexts(i.value, out);
  if (n.kind === "list") for (const i of n.items) i.kind === "comment" ? out.push(i.text) : commentTexts(i, out);
  return out;
}

async function check(c: Case, text: string, json: SopsResult, yaml: SopsResult): Promise<void> {
  expect(json.ok, `real sops refused: ${json.reason}\n${text}`).toBe(true);
  expect(json.data).toEqual(plainToJs(c.docs[0]!));
  expect(JSON.parse(printSopsJson(c.docs[0]!))).toEqual(json.data);
  for (const v of ints(c.docs[0]!)) expect(json.json).toContain(v.toString());
  expect(printSopsYaml([asGoYamlMarshals(c.docs[0]!) as PlainMap])).toBe(yaml.json);
  const back = await decryptSops(text, "case.yaml", {
    identities: parseIdentities(alice.secret, "alice"),
    searched: [],
  });
  expect(back.documents.map(plainToJs)).toEqual(c.docs.map(plainToJs));
  expect(back.documents.flatMap((d) => commentTexts(d))).toEqual(c.docs.flatMap((d) => commentTexts(d)));
}

describe.skipIf(!realSops.available)("random trees written by vaultfile's sops engine, read by the real sops", () => {
  it(`${RUNS} cases: MAC verified, same data, same scalar styles; vaultfile reads them back with their comments`, async () => {
    const samples = fc.sample(cases, { numRuns: RUNS }) as Case[];
    const texts = await Promise.all(samples.map(encrypt));
    const json = sopsDecrypt(texts);
    const yaml = sopsDecrypt(texts, { yaml: true });
    let failing: Case | undefined;
    for (const [i, c] of samples.entries()) {
      try {
        await check(c, texts[i]!, json[i]!, yaml[i]!);
      } catch {
        failing = c;
        break;
      }
    }
    if (failing) {
      // Shrink the first failure, one real-sops run per step.
      await fc.assert(
        fc.asyncProperty(cases, async (c) => {
          const t = await encrypt(c as Case);
          const [j] = sopsDecrypt([t]);
          const [y] = sopsDecrypt([t], { yaml: true });
          await check(c as Case, t, j!, y!);
        }),
        { examples: [[failing]], numRuns: 0, endOnFailure: false },
      );
    }
  }, 600_000);

  // The peer's data comes through go-yaml (sops -d's YAML, read back), which loses "\n" (reads "") and -0 (reads 0):
  // those two are sops quirks, left out here.
  it("a zoo of scalars: strings that look typed, quoting characters, odd line breaks, extreme numbers", async () => {
    const strings = [
      ...LOOKS_TYPED,
      "2024-01-31 12:00:00",
      "- a",
      "-a",
      ": a",
      "a: b",
      "a #b",
      "a#b",
      "#a",
      "'q'",
      '"q"',
      "a\\b",
      " lead",
      "trail ",
      "a\nb",
      "a\nb\n",
      "a\n\n",
      " \na",
      "a \nb",
      "\ta",
      "a\tb",
      "é日本🔑",
      "\u00a0",
      "\ufeff",
      "\u0007",
      "\u001b",
      "\u007f",
      "---",
      "...",
      "--- a",
      "a\rb",
      "x\u0085y",
      "l\u2028s",
      "p\u2029q",
      "\r\n",
      "%x",
      "@x",
      "`x",
      "!x",
      "&x",
      "*x",
      "|x",
      ">x",
      "?x",
      "? x",
      "[x]",
      "{x}",
      ",x",
      "a,b",
      "a[b]",
    ];
    const numbers: PlainScalar[] = [
      0, 1.5e10, 1e21, 1e-7, 123456, 1234567, 0.0001, 0.00001, 3, -2.5, 5e-324, 1.7976931348623157e308,
    ].map((value) => ({ kind: "float", value }));
    numbers.push(...[2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n].map((value) => ({ kind: "int" as const, value })));
    const values: PlainScalar[] = [...strings.map((value) => ({ kind: "str" as const, value })), ...numbers];
    const docs: PlainMap[] = [
      {
        kind: "map",
        items: values.map((value, i) => ({ kind: "pair", key: `k${String(i).padStart(3, "0")}`, value })),
      },
    ];
    const t = await encryptSops(docs, { recipients: [alice.recipient], now: NOW });
    const [j] = sopsDecrypt([t]);
    const [y] = sopsDecrypt([t], { yaml: true });
    expect(j!.ok, j!.reason ?? "").toBe(true);
    expect(j!.data).toEqual(JSON.parse(printSopsJson(docs[0]!)));
    for (const v of ints(docs[0]!)) expect(j!.json).toContain(v.toString());
    expect(printSopsYaml([asGoYamlMarshals(docs[0]!) as PlainMap])).toBe(y!.json);
  });
});
