/**
 * Saving by splicing changed values into the old text must give exactly what printing the whole document gives,
 * for any sequence of vault operations on a file vaultfile wrote.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Vault } from "../../src/vault/vault.js";
import type { SopsFile } from "../../src/sops/sops-file.js";
import { printOptions, printYaml } from "../../src/format/yaml.js";
import { spliceChangedScalars } from "../../src/format/yaml-splice.js";
import { aliceOpts, sampleVaultText } from "./make.js";
import { testKey } from "../helpers.js";
import { createVault, openVaultText } from "../../src/io/vault-file.js";
import { TRICKY_STRINGS } from "../tricky-strings.js";

const text = fc.oneof(
  fc.constantFrom(...TRICKY_STRINGS),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 12 }),
);
const value = text.filter((s) => s.length > 0);

type Op =
  | { kind: "rotate"; i: number; value: string }
  | { kind: "set"; i: number; value: string; description?: string }
  | {
      kind: "update";
      i: number;
      description?: string | null;
      expiresIn?: string;
      expiresAt?: null;
      rotateEvery?: string | null;
      type?: string;
    }
  | { kind: "add"; value: string }
  | { kind: "remove"; i: number }
  | { kind: "require"; i: number; on: boolean }
  | { kind: "recipient"; add: boolean }
  | { kind: "save" };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("rotate" as const), i: fc.nat(), value }) },
  {
    weight: 3,
    arbitrary: fc.record(
      { kind: fc.constant("set" as const), i: fc.nat(), value, description: text.filter((s) => s !== "") },
      { requiredKeys: ["kind", "i", "value"] },
    ),
  },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        kind: fc.constant("update" as const),
        i: fc.nat(),
        description: fc.option(
          text.filter((s) => s !== ""),
          { nil: null },
        ),
        expiresIn: fc.constantFrom("30d", "1y"),
        expiresAt: fc.constant(null),
        rotateEvery: fc.option(fc.constantFrom("90d", "7d"), { nil: null }),
        type: fc.constantFrom("generic", "pypi", "docker"),
      },
      { requiredKeys: ["kind", "i"] },
    ),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("add" as const), value }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("remove" as const), i: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("require" as const), i: fc.nat(), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("recipient" as const), add: fc.boolean() }) },
  { weight: 2, arbitrary: fc.constant({ kind: "save" as const }) },
);

function sopsFileOf(v: Vault): SopsFile {
  return (v as unknown as { sf: SopsFile }).sf;
}

describe("saving by splicing", () => {
  it("gives the same text as printing the whole document, for random sequences of changes", async () => {
    let spliced = 0;
    let printed = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(value, { minLength: 1, maxLength: 5 }),
        fc.array(text, { minLength: 1, maxLength: 5 }),
        fc.array(op, { minLength: 1, maxLength: 8 }),
        async (values, descriptions, ops) => {
          let t = Date.parse("2026-11-24T10:00:00Z");
          const now = () => new Date(t);
          const made = await createVault("/tmp/unused.yaml", { alice: testKey("alice").recipient }, aliceOpts({ now }));
          for (const [i, v] of values.entries())
            made.set(`S_${i}`, v, {
              description: descriptions[i % descriptions.length] || undefined,
              expiresIn: i % 2 ? "90d" : undefined,
            });
          const vault = await openVaultText(made.toText(), "/tmp/unused.yaml", aliceOpts({ now }));
          const sf = sopsFileOf(vault);
          const check = () => {
            const saved = vault.toText();
            const full = printYaml(sf.doc, sf.indentSeq);
            expect(saved).toBe(full);
            const from = (sf as unknown as { parsedFrom?: { text: string; shape: number[] } }).parsedFrom!;
            if (spliceChangedScalars(sf.doc, from.text, from.shape, printOptions(sf.indentSeq)) === undefined)
              printed++;
            else spliced++;
          };
          for (const o of ops) {
            t += 61_000;
            const names = vault.list();
            const name = "i" in o ? names[o.i % names.length]! : "";
            // A rotation to the same value is refused (Vault.rotate): only a new value is a rotation.
            if (o.kind === "rotate") vault.get(name).value !== o.value && vault.rotate(name, o.value);
            else if (o.kind === "set") vault.set(name, o.value, { description: o.description });
            else if (o.kind === "update")
              vault.update(name, {
                description: o.description,
                expiresIn: o.expiresIn,
                expiresAt: o.expiresIn === undefined ? o.expiresAt : undefined,
                rotateEvery: o.rotateEvery,
                type: o.type,
              });
            else if (o.kind === "add") vault.set(`NEW_${names.length}`, o.value);
            else if (o.kind === "remove") names.length > 1 && vault.remove(name);
            else if (o.kind === "require") o.on ? vault.require([name]) : vault.unrequire([name]);
            else if (o.kind === "recipient") {
              const has = "bob" in vault.recipients();
              if (o.add && !has) await vault.addRecipient("bob", testKey("bob").recipient);
              else if (!o.add && has) await vault.removeRecipient("bob");
            } else check();
          }
          check();
        },
      ),
      { numRuns: 60 },
    );
    // The splice answered for most saves (added and removed secrets and recipients included); the rest printed.
    expect(spliced).toBeGreaterThan(10 * Math.max(1, printed));
  });

  it("a rotation in a hand-formatted vault changes only the changed values' text", async () => {
    // Deeper indentation of the secrets, blank lines, comments, spacing before a comment: none of it is in the MAC.
    const lines = (await sampleVaultText()).split("\n");
    const end = lines.findIndex(
      (l, i) =>
        i > 0 && /^\S/.test(l) && !l.startsWith("secrets:") && lines.slice(0, i).some((x) => x.startsWith("secrets:")),
    );
    const hand = lines
      .map((l, i) => (i < end && /^ {2}/.test(l) ? `  ${l}` : l))
      .map((l) => (/^ {4}\w+:$/.test(l) ? `\n    # entry\n${l}` : l))
      .join("\n")
      .replace("type: docker\n", "type: docker      # the bot account\n");
    const vault = await openVaultText(
      hand,
      "/tmp/unused.yaml",
      aliceOpts({ now: () => new Date("2026-11-30T08:00:00Z") }),
    );
    vault.rotate("DOCKER_USERNAME", "new-bot");
    const saved = vault.toText();
    const before = hand.split("\n");
    const after = saved.split("\n");
    expect(after.length).toBe(before.length);
    const changed = before.flatMap((l, i) => (l === after[i] ? [] : [l.trim().replace(/:.*/, "")]));
    expect(changed).toEqual(["value", "rotated_at", "lastmodified", "mac"]);
    expect(saved).toContain("      type: docker      # the bot account\n");
    const reopened = await openVaultText(saved, "/tmp/unused.yaml", aliceOpts());
    expect(reopened.get("DOCKER_USERNAME").value).toBe("new-bot");
    expect(reopened.get("PYPI_TOKEN").value).toBe("pypi-secret-one");
  });

  it("splices every save whose changes are only new one-line values, whatever the strings", async () => {
    // A description with a line break prints over several lines, with the entry's indentation: left to the full print.
    const oneLine = text.filter((s) => s !== "" && !s.includes("\n"));
    const valueOnly = fc.oneof(
      fc.record({ kind: fc.constant("rotate" as const), i: fc.nat(), value }),
      fc.record({ kind: fc.constant("set" as const), i: fc.nat(), value, description: oneLine }),
      fc.record({
        kind: fc.constant("update" as const),
        i: fc.nat(),
        description: oneLine,
        expiresIn: fc.constantFrom("30d", "1y"),
        type: fc.constantFrom("generic", "pypi"),
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(value, { minLength: 1, maxLength: 4 }),
        fc.array(valueOnly, { minLength: 1, maxLength: 6 }),
        async (values, ops) => {
          let t = Date.parse("2026-11-24T10:00:00Z");
          const now = () => new Date(t);
          const made = await createVault("/tmp/unused.yaml", { alice: testKey("alice").recipient }, aliceOpts({ now }));
          for (const [i, v] of values.entries()) made.set(`S_${i}`, v, { description: `about ${i}`, expiresIn: "90d" });
          const source = made.toText();
          const vault = await openVaultText(source, "/tmp/unused.yaml", aliceOpts({ now }));
          const sf = sopsFileOf(vault);
          for (const o of ops) {
            t += 61_000;
            const name = vault.list()[o.i % values.length]!;
            // A rotation to the same value is refused (Vault.rotate): only a new value is a rotation.
            if (o.kind === "rotate") vault.get(name).value !== o.value && vault.rotate(name, o.value);
            else if (o.kind === "set") vault.set(name, o.value, { description: o.description });
            else vault.update(name, { description: o.description, expiresIn: o.expiresIn, type: o.type });
          }
          const saved = vault.toText();
          const { shape } = (sf as unknown as { parsedFrom: { shape: number[] } }).parsedFrom;
          expect(spliceChangedScalars(sf.doc, source, shape, printOptions(sf.indentSeq))).toBe(saved);
          expect(saved).toBe(printYaml(sf.doc, sf.indentSeq));
        },
      ),
      { numRuns: 60 },
    );
  });
});
