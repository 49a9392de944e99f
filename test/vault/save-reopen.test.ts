/**
 * Every save must reopen with exactly the data that was saved, whichever way it was printed (splice or full print)
 * and whatever the file's layout (vaultfile's own, or hand-formatted: flow entries, quoted metadata, comments, blank
 * lines, explicit keys, values on the next line, document markers, CRLF). For files vaultfile wrote, the splice
 * must also be byte-identical to the full print. Found by this test: a blank multi-line description that saved
 * into a file failing its own MAC, a value starting with U+FEFF that lost it when read, and an emptied `secrets`
 * map printed as a block (`secrets:\n  {}`) that the next full print wrote differently.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Vault } from "../../src/vault/vault.js";
import type { SopsFile } from "../../src/sops/sops-file.js";
import { printOptions, printYaml } from "../../src/format/yaml.js";
import { spliceChangedScalars } from "../../src/format/yaml-splice.js";
import { aliceOpts, handFormat } from "./make.js";
import { testKey } from "../helpers.js";
import { createVault, openVaultText } from "../../src/io/vault-file.js";
import { TRICKY_STRINGS } from "../tricky-strings.js";

const text = fc.oneof(
  fc.constantFrom(...TRICKY_STRINGS),
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 8 }),
);
const value = text.filter((s) => s.length > 0 && !s.includes("\0"));

const op = fc.oneof(
  fc.record({ k: fc.constant("rotate" as const), i: fc.nat(), value }),
  fc.record({ k: fc.constant("set" as const), i: fc.nat(), value, description: fc.option(text, { nil: undefined }) }),
  fc.record({
    k: fc.constant("update" as const),
    i: fc.nat(),
    description: fc.option(text, { nil: null }),
    expires: fc.constantFrom(undefined, null, "30d"),
    rotateEvery: fc.constantFrom(undefined, null, "90d"),
    type: fc.constantFrom(undefined, "generic", "pypi"),
    required: fc.boolean(),
  }),
  fc.record({ k: fc.constant("add" as const), value, n: fc.nat(5) }),
  fc.record({ k: fc.constant("remove" as const), i: fc.nat() }),
  // A secret removed and another added: the entry count stays the same.
  fc.record({ k: fc.constant("removeAdd" as const), i: fc.nat(), value }),
  fc.record({ k: fc.constant("removeSet" as const), i: fc.nat(), value }),
  fc.record({ k: fc.constant("requireOther" as const), i: fc.nat() }),
  fc.record({ k: fc.constant("recipients" as const), add: fc.boolean() }),
  fc.record({ k: fc.constant("type" as const), add: fc.boolean(), d: fc.constantFrom("a b", "yes", "x: y") }),
  fc.record({ k: fc.constant("save" as const), reopen: fc.boolean() }),
);

function sfOf(v: Vault): SopsFile {
  return (v as unknown as { sf: SopsFile }).sf;
}

/** Everything a vault holds, values included (this stays inside the test). */
function snapshot(v: Vault): string {
  return JSON.stringify({
    secrets: v.secrets().map((s) => ({ ...s.toJSON(), value: s.value })),
    required: v.required,
    recipients: { ...v.recipients() },
    types: v.typeEntries(),
  });
}

describe("saving and reopening", () => {
  it("reopens with the same data after any sequence of changes, spliced or printed, in any layout", async () => {
    const seen = { spliced: 0, handSpliced: 0, printed: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.array(value, { minLength: 1, maxLength: 4 }),
        fc.array(op, { minLength: 1, maxLength: 10 }),
        fc.option(fc.nat(), { nil: undefined, freq: 2 }),
        async (values, ops, hand) => {
          let t = Date.parse("2026-11-24T10:00:00Z");
          const opts = aliceOpts({ now: () => new Date(t) });
          const made = await createVault("/tmp/unused.yaml", { alice: testKey("alice").recipient }, opts);
          for (const [i, v] of values.entries())
            made.set(`S_${i}`, v, {
              description: i % 2 ? `about ${i}` : undefined,
              expiresIn: i % 2 ? "90d" : undefined,
            });
          made.require(["S_0"]);
          const written = made.toText();
          const byVaultfile = hand === undefined;
          let vault = await openVaultText(byVaultfile ? written : handFormat(written, hand), "/tmp/unused.yaml", opts);
          const saveAndReopen = async (continueWithReopened: boolean) => {
            const before = snapshot(vault);
            const sf = sfOf(vault);
            const saved = vault.toText();
            const from = (sf as unknown as { parsedFrom?: { text: string; shape: number[] } }).parsedFrom;
            const spliced =
              from !== undefined &&
              spliceChangedScalars(sf.doc, from.text, from.shape, printOptions(sf.indentSeq)) !== undefined;
            if (spliced) seen[byVaultfile ? "spliced" : "handSpliced"]++;
            else seen.printed++;
            if (byVaultfile) expect(saved).toBe(printYaml(sf.doc, sf.indentSeq));
            const reopened = await openVaultText(saved, "/tmp/unused.yaml", opts);
            expect(snapshot(reopened)).toBe(before);
            if (continueWithReopened) vault = reopened;
          };
          for (const o of ops) {
            t += 61_000;
            const names = vault.list();
            const name = "i" in o && names.length > 0 ? names[o.i % names.length]! : undefined;
            try {
              if (o.k === "rotate") name && vault.get(name).value !== o.value && vault.rotate(name, o.value);
              else if (o.k === "set") vault.set(name ?? "S_0", o.value, { description: o.description });
              else if (o.k === "update")
                name &&
                  vault.update(name, {
                    description: o.description,
                    expiresIn: o.expires ?? undefined,
                    expiresAt: o.expires === null ? null : undefined,
                    rotateEvery: o.rotateEvery,
                    type: o.type,
                    required: o.required,
                  });
              else if (o.k === "add") vault.set(`NEW_${o.n}`, o.value);
              else if (o.k === "remove") name && vault.remove(name);
              else if (o.k === "removeAdd" && name) {
                vault.remove(name);
                vault.set(`X_${names.length}`, o.value);
              } else if (o.k === "removeSet" && name) {
                vault.remove(name);
                vault.set(name, o.value);
              } else if (o.k === "requireOther") {
                vault.unrequire(vault.required.slice(0, 1));
                vault.require([`R_${o.i % 3}`]);
              } else if (o.k === "recipients") {
                const hasBob = "bob" in vault.recipients();
                if (o.add && !hasBob) await vault.addRecipient("bob", testKey("bob").recipient);
                if (!o.add && hasBob) await vault.removeRecipient("bob");
              } else if (o.k === "type") {
                if (o.add) vault.setTypeEntry("mytype", { pattern: "^x", description: o.d });
                else vault.removeTypeEntry("mytype");
              } else if (o.k === "save") await saveAndReopen(o.reopen);
            } catch (err) {
              // Refused input (a type the value does not fit, an expiry before creation, …) leaves the vault as it was.
              if ((err as { code?: unknown }).code === undefined) throw err;
            }
          }
          await saveAndReopen(false);
        },
      ),
      { numRuns: Number(process.env.SAVE_RUNS ?? 250) },
    );
    // Every path ran: splices of vaultfile's files and of hand-formatted ones, and full prints.
    expect(seen.spliced).toBeGreaterThan(5);
    expect(seen.handSpliced).toBeGreaterThan(5);
    expect(seen.printed).toBeGreaterThan(50);
  });

  it("a blank description with a line break survives a save (yaml printed it as a |+ block that read back shorter)", async () => {
    for (const description of [" \n", "\n \n", "  \t\n\n"]) {
      const made = await createVault("/tmp/unused.yaml", { alice: testKey("alice").recipient }, aliceOpts());
      made.set("A", "x", { description });
      const reopened = await openVaultText(made.toText(), "/tmp/unused.yaml", aliceOpts());
      expect(reopened.get("A").description).toBe(description);
    }
  });

  it("a value that starts with U+FEFF keeps it when read back", async () => {
    const made = await createVault("/tmp/unused.yaml", { alice: testKey("alice").recipient }, aliceOpts());
    made.set("A", "\ufeffbom");
    const reopened = await openVaultText(made.toText(), "/tmp/unused.yaml", aliceOpts());
    expect(reopened.get("A").value).toBe("\ufeffbom");
  });

  it("emptying the secrets writes `secrets: {}`, which the next save (spliced) keeps as the full print would", async () => {
    const made = await createVault("/tmp/unused.yaml", { alice: testKey("alice").recipient }, aliceOpts());
    made.set("A", "x");
    const one = await openVaultText(made.toText(), "/tmp/unused.yaml", aliceOpts());
    one.remove("A");
    one.set("B", "y");
    one.remove("B");
    const emptied = one.toText();
    expect(emptied).toContain("\nsecrets: {}\n");
    const again = await openVaultText(emptied, "/tmp/unused.yaml", aliceOpts());
    again.require(["B"]);
    const sf = sfOf(again);
    expect(again.toText()).toBe(printYaml(sf.doc, sf.indentSeq));
  });
});
