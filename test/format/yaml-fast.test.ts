/**
 * The fast reader must give node-for-node the document `parseDocument` gives (values, styles, ranges, comments,
 * printed text) whenever it accepts a file, and accept the files vaultfile and sops write.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { parseSopsYamlFast } from "../../src/format/yaml.js";
import { PARSE_OPTIONS, printYaml } from "../../src/format/yaml.js";
import { checkNodes } from "../../src/format/yaml-guard.js";
import { readSopsYamlLight } from "../../src/format/yaml-nodes.js";
import { clock, cleanEnv, hasShared, ROOT, SHARED_SOPS, sharedSkipMessage, tempDir, testKey } from "../helpers.js";
import { createVault } from "../../src/io/vault-file.js";

if (!hasShared) console.warn(sharedSkipMessage("the fast YAML reader against sops-produced files"));

/** Every own property of every node (classes included), without the parser's source tokens. */
function shape(node: unknown): unknown {
  if (node === null || typeof node !== "object") return node;
  if (Array.isArray(node)) return node.map(shape);
  const out: Record<string, unknown> = { class: (node as object).constructor.name };
  for (const [k, v] of Object.entries(node)) if (k !== "srcToken") out[k] = shape(v);
  return out;
}

/** Parses both ways; when the fast reader accepts, everything observable must match. Returns whether it accepted. */
function agrees(text: string): boolean {
  const fast = parseSopsYamlFast(text, PARSE_OPTIONS);
  if (!fast) return false;
  const full = parseDocument(text, PARSE_OPTIONS);
  expect(full.errors).toEqual([]);
  expect(shape(fast.contents)).toEqual(shape(full.contents));
  for (const k of ["range", "commentBefore", "comment", "errors", "warnings"] as const)
    expect(fast[k]).toEqual(full[k]);
  expect(fast.directives.toString()).toBe(full.directives.toString());
  for (const indentSeq of [false, true]) expect(printYaml(fast, indentSeq)).toBe(printYaml(full, indentSeq));
  expect(fast.toJS()).toEqual(full.toJS());
  return true;
}

async function vaultText(descriptions: string[]): Promise<string> {
  const file = join(tempDir(), "v.yaml");
  const v = await createVault(
    file,
    { alice: testKey("alice").recipient, bob: testKey("bob").recipient },
    { now: clock, env: cleanEnv() },
  );
  for (const [i, d] of descriptions.entries())
    v.set(`S_${i}`, `value ${i}: ${d}`, {
      type: "generic",
      description: d || undefined,
      expiresIn: i % 2 ? "90d" : undefined,
      rotateEvery: i % 3 ? "30d" : undefined,
      required: i % 2 === 0,
    });
  await v.save();
  return readFileSync(file, "utf8");
}

describe("fast sops YAML reader", () => {
  it("reads vaults as vaultfile writes them exactly as yaml does", async () => {
    const text = await vaultText([
      "",
      "plain words",
      "with: colon",
      "it's quoted",
      "# not a comment",
      "123",
      "true",
      "-dash",
      "trailing:",
      "ünïcödé",
      "a #hash",
    ]);
    expect(agrees(text)).toBe(true);
    // Escapes in double quotes are yaml's to read.
    expect(agrees(await vaultText(['say "hi"', "tab\there"]))).toBe(false);
    expect(agrees(readFileSync(join(ROOT, ".secrets.example.yaml"), "utf8"))).toBe(true);
  });

  it.skipIf(!hasShared)(
    "agrees with yaml on the sops-produced fixtures (or declines them), and reads the one shaped like a vault",
    () => {
      const accepted = readdirSync(SHARED_SOPS)
        .filter((n) => n.endsWith(".yaml"))
        .filter((f) => agrees(readFileSync(join(SHARED_SOPS, f), "utf8")));
      // sops writes `encrypted_regex: ^value$` files in the layout the fast reader is for.
      expect(accepted).toContain("age_encrypted_regex.enc.yaml");
    },
  );

  it("declines what it does not cover instead of reading it differently", () => {
    for (const text of [
      "a: 1\n",
      "a: true\n",
      "a: ~\n",
      "a: b # c\n",
      "a:\n  b: c\n\nd: e\n",
      "a: &x b\n",
      "a: !!str b\n",
      "a: {b: c}\n",
      "a: |-\n  x\n",
      "a: b\n  c\n",
      "a: 'b\n",
      "a:\tb\n",
      "a: b",
      "- a\n",
      "a: [b,c]\n",
      'a: "b\\n"\n',
    ]) {
      expect(parseSopsYamlFast(text, PARSE_OPTIONS), JSON.stringify(text)).toBeUndefined();
    }
  });

  it("gives the light tree yaml's ranges, node for node (error positions come from them)", async () => {
    const ranges = (node: unknown): unknown => {
      const n = node as { range?: unknown; items?: unknown[] };
      if (!n || typeof n !== "object") return n;
      const items = (n.items ?? []).map((i) => {
        const p = i as { key?: unknown; value?: unknown };
        return p && typeof p === "object" && "key" in p ? [ranges(p.key), ranges(p.value)] : ranges(i);
      });
      return { range: n.range, items };
    };
    const texts = [
      await vaultText(["one", "two: three", "", "it's"]),
      readFileSync(join(ROOT, ".secrets.example.yaml"), "utf8"),
      "# c\na:\n  b: [x, y]\n  c: []\n  d: |\n    l1\n    l2\ne:\n- f: 'g'\n  h: \"i\"\n",
    ];
    for (const text of texts) {
      const light = readSopsYamlLight(text);
      const full = parseSopsYamlFast(text, PARSE_OPTIONS);
      expect(light).toBeDefined();
      expect(ranges(light!.contents)).toEqual(ranges(full!.contents));
      expect(light!.range).toEqual(full!.range);
    }
  });

  it("declines nesting past the limit, exactly where the node check would refuse it (it skips that walk)", () => {
    // Block mappings `k:` one level deeper per line, ending in a scalar, a flow list or a list of mappings.
    const deep = (levels: number, tail: string): string =>
      Array.from({ length: levels }, (_, i) => `${" ".repeat(i)}k:`).join("\n") +
      tail.replaceAll("@", " ".repeat(levels));
    for (const [what, tail] of [
      ["scalar", " x\n"],
      ["flow list", " [a, b]\n"],
      ["empty flow list", " []\n"],
      ["list of mappings", "\n@- a: b\n"],
    ] as const) {
      for (let levels = 96; levels <= 102; levels++) {
        const text = deep(levels, tail);
        const full = parseDocument(text, PARSE_OPTIONS);
        expect(full.errors, what).toEqual([]);
        let refused = false;
        try {
          checkNodes(full, "v.yaml", text);
        } catch {
          refused = true;
        }
        const light = readSopsYamlLight(text);
        expect(light === undefined, `${what}, ${levels} levels`).toBe(refused);
        if (light) expect(light.contents.toJSON()).toEqual(full.toJS());
      }
    }
  });

  it("on random edits of a vault file: declines, or agrees with yaml", async () => {
    const text = await vaultText(["one", "two: three", ""]);
    const alphabet = [" ", "\n", ":", "-", "#", "|", "'", '"', "[", "]", ",", "a", "1", "  "];
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(text.length), fc.nat(3), fc.constantFrom(...alphabet)), {
          minLength: 1,
          maxLength: 3,
        }),
        (edits) => {
          let t = text;
          for (const [at, del, ins] of edits) t = t.slice(0, at) + ins + t.slice(at + del);
          const full = parseDocument(t, PARSE_OPTIONS);
          if (full.errors.length > 0) {
            expect(
              parseSopsYamlFast(t, PARSE_OPTIONS) === undefined || full.errors.every((e) => e.code === "DUPLICATE_KEY"),
            ).toBe(true);
            return;
          }
          if (agrees(t)) accepted++;
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
