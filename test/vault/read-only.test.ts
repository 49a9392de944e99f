/**
 * A vault opened read-only (`editable: false`: the fast reader's light tree, `yaml` not needed) must read exactly as
 * one opened for writing (`yaml`'s nodes): the same secrets with values and metadata, recipients, required names,
 * custom types, verdicts, expiry report and seal state, and the same error (class, code, message, hint, position)
 * for a file that does not open. Random vaults, hand-formatted ones, randomly edited ones, and every fixture.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIdentities } from "../../src/crypto/identities.js";
import { LightMap, readSopsYamlLight } from "../../src/format/yaml-nodes.js";
import { createVault, openVaultText } from "../../src/io/vault-file.js";
import { SopsFile } from "../../src/sops/sops-file.js";
import { FIXTURES, hasShared, ROOT, SHARED_SOPS, testKey } from "../helpers.js";
import { aliceOpts, handFormat } from "./make.js";
import { TRICKY_STRINGS } from "../tricky-strings.js";

/** What opening `text` gives: everything the vault reads, or the error as a person and a program see it. */
async function outcome(text: string, editable: boolean, extra: object = {}): Promise<unknown> {
  try {
    const v = await openVaultText(text, "v.yaml", aliceOpts({ editable, ...extra }));
    const tree = (v as unknown as { sf: SopsFile }).sf.tree;
    return {
      light: tree.contents instanceof LightMap,
      secrets: v.secrets().map((s) => ({
        ...s.toJSON(),
        value: s.value,
        expired: s.isExpired(),
        due: s.isDue(),
        days: s.daysUntilExpiry(),
      })),
      list: v.list(),
      required: v.required,
      recipients: { ...v.recipients() },
      types: v.typeEntries(),
      validate: v.validate(),
      strict: v.validate({ strict: true }),
      report: v.expiryReport(),
      seal: v.sealState,
    };
  } catch (err) {
    const e = err as Error & { code?: string; exitCode?: number; hint?: string; line?: number; column?: number };
    return {
      error: e.constructor.name,
      code: e.code,
      exitCode: e.exitCode,
      message: e.message,
      hint: e.hint,
      line: e.line,
      column: e.column,
    };
  }
}

/** Both ways agree; returns whether the read-only one used the light tree. */
async function agree(text: string, extra: object = {}): Promise<boolean> {
  const ro = (await outcome(text, false, extra)) as { light?: boolean };
  const rw = (await outcome(text, true, extra)) as { light?: boolean };
  expect(rw.light ?? false).toBe(false);
  const light = ro.light ?? false;
  // The light tree is used exactly when the fast reader accepts the text.
  if (ro.light !== undefined) expect(light).toBe(readSopsYamlLight(text) !== undefined);
  expect({ ...ro, light: undefined }).toEqual({ ...rw, light: undefined });
  return light;
}

const text = fc.oneof(fc.constantFrom(...TRICKY_STRINGS), fc.string({ maxLength: 16 }));
const secret = fc.record({
  name: fc.stringMatching(/^[A-Z][A-Z0-9_]{0,6}$/),
  value: text.filter((s) => s.length > 0 && !s.includes("\0")),
  description: fc.option(
    text.filter((s) => !s.includes("\0")),
    { nil: undefined },
  ),
  expiresIn: fc.constantFrom(undefined, "1d", "20d", "365d"),
  expiresAt: fc.constantFrom(undefined, "2026-12-01", "2027-01-01T10:00:00Z"),
  rotateEvery: fc.constantFrom(undefined, "1d", "90d"),
  type: fc.constantFrom(undefined, "generic", "pypi", "docker", "mine"),
  required: fc.boolean(),
});
const vaultSpec = fc.record({
  secrets: fc.uniqueArray(secret, { selector: (s) => s.name, maxLength: 8 }),
  customType: fc.boolean(),
  requireAbsent: fc.boolean(),
  bob: fc.boolean(),
});

interface Spec {
  secrets: {
    name: string;
    value: string;
    description?: string;
    expiresIn?: string;
    expiresAt?: string;
    rotateEvery?: string;
    type?: string;
    required: boolean;
  }[];
  customType: boolean;
  requireAbsent: boolean;
  bob: boolean;
}

async function build(spec: Spec): Promise<string> {
  const recipients: Record<string, string> = { alice: testKey("alice").recipient };
  if (spec.bob) recipients.bob = testKey("bob").recipient;
  const v = await createVault("v.yaml", recipients, aliceOpts());
  if (spec.customType)
    v.setTypeEntry("mine", { description: "a custom type", pattern: "^[a-z ]*$", companions: ["MINE_USER"] } as never);
  for (const s of spec.secrets) {
    const { name, value, expiresIn, expiresAt, ...rest } = s;
    v.set(name, value, {
      ...rest,
      ...(expiresIn ? { expiresIn } : expiresAt ? { expiresAt } : {}),
      type: s.type === "mine" && !spec.customType ? "generic" : s.type,
    });
  }
  if (spec.requireAbsent) v.require(["NOT_THERE"]);
  return v.toText();
}

describe("a vault opened read-only reads as one opened for writing", () => {
  it("random vaults, as vaultfile writes them and hand-formatted", async () => {
    let light = 0;
    await fc.assert(
      fc.asyncProperty(vaultSpec, fc.nat(1000), async (spec, seed) => {
        const written = await build(spec);
        if (await agree(written)) light++;
        await agree(handFormat(written, seed), { acceptStaleSeal: true });
      }),
      { numRuns: 40 },
    );
    // Files vaultfile writes are what the light tree is for (descriptions with escapes or line breaks go to yaml).
    expect(light).toBeGreaterThan(0);
  });

  it("randomly edited vault files: the same data, or the same error", async () => {
    const base = await build({
      secrets: [
        { name: "A", value: "one", required: true, expiresIn: "20d" },
        { name: "B_2", value: "two: three", description: "d", type: "pypi", required: false },
      ],
      customType: false,
      requireAbsent: true,
      bob: true,
    });
    const alphabet = [" ", "\n", ":", "-", "#", "|", "'", '"', "[", "]", ",", "a", "1", "  ", "A", "x: y\n"];
    let light = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(base.length), fc.nat(3), fc.constantFrom(...alphabet)), {
          minLength: 1,
          maxLength: 3,
        }),
        async (edits) => {
          let t = base;
          for (const [at, del, ins] of edits) t = t.slice(0, at) + ins + t.slice(at + del);
          if (await agree(t)) light++;
          await agree(t, { acceptStaleSeal: true });
        },
      ),
      { numRuns: 150 },
    );
    expect(light).toBeGreaterThan(0);
  });

  it("the bad-input corpus and the example vault", async () => {
    const dir = join(FIXTURES, "invalid");
    const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) await agree(readFileSync(join(dir, f), "utf8"));
    expect(await agree(readFileSync(join(ROOT, ".secrets.example.yaml"), "utf8"))).toBe(true);
  });

  it.skipIf(!hasShared)("sops-produced fixtures: the same plaintext, seal state and errors", async () => {
    const keys = () => ({
      identities: parseIdentities(readFileSync(join(SHARED_SOPS, "keys.txt"), "utf8"), "keys.txt"),
      searched: [],
    });
    const open = async (text: string, editable: boolean) => {
      try {
        const sf = await SopsFile.open(text, "f.yaml", keys(), { editable });
        return { plain: sf.toPlain(), seal: sf.sealState };
      } catch (err) {
        return { error: (err as Error).message };
      }
    };
    for (const f of readdirSync(SHARED_SOPS).filter((n) => n.endsWith(".enc.yaml"))) {
      const t = readFileSync(join(SHARED_SOPS, f), "utf8");
      expect(await open(t, false), f).toEqual(await open(t, true));
      const flipped = t.replace(
        /ENC\[AES256_GCM,data:[A-Za-z0-9+/]{2}/,
        (m) => m.slice(0, -2) + (m.endsWith("AA") ? "BB" : "AA"),
      );
      expect(await open(flipped, false), f).toEqual(await open(flipped, true));
    }
  });

  it("a vault opened read-only refuses to be changed, without touching anything", async () => {
    const t = await build({
      secrets: [{ name: "A", value: "one", required: false }],
      customType: false,
      requireAbsent: false,
      bob: false,
    });
    const v = await openVaultText(t, "v.yaml", aliceOpts({ editable: false }));
    expect(() => v.set("B", "two")).toThrow(/opened read-only/);
    expect(() => v.rotate("A", "new")).toThrow(/opened read-only/);
    expect(() => v.toText()).toThrow(/opened read-only/);
    expect(v.get("A").value).toBe("one");
  });
});
