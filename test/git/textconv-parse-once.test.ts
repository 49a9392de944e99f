/**
 * git runs textconv unasked on every version a pull request brings, and the YAML parser is what a hostile file near
 * the node limit makes expensive (seconds and hundreds of MB per parse). So textconv parses each version once, this
 * one and the one before, whatever views it derives: the keyed one, and the keyless one when the key does not open
 * the file or its MAC fails. Every parse starts with the text-limit check (`checkTextLimits`), whichever parser runs
 * (the editable one, the light read-only one, the multi-document one), so that is where they are counted.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { parseIdentities } from "../../src/crypto/identities.js";
import { createVault, openVaultText } from "../../src/io/vault-file.js";
import { textconv, type TextconvOptions } from "../../src/git/textconv.js";
import { FIXTURES, NOW, testKey } from "../helpers.js";

const parses = vi.hoisted(() => new Map<string, number>());
vi.mock("../../src/format/yaml-guard.js", async (actual) => {
  const real = await actual<typeof import("../../src/format/yaml-guard.js")>();
  return {
    ...real,
    checkTextLimits: (text: string, file: string) => {
      parses.set(text, (parses.get(text) ?? 0) + 1);
      real.checkTextLimits(text, file);
    },
  };
});

const [alice, carol] = [testKey("alice"), testKey("carol")];
const keysOf = (k: typeof alice | null) => ({
  identities: k === null ? [] : parseIdentities(k.secret, "test"),
  searched: [],
});
const base = readFileSync(join(FIXTURES, "invalid", "base.yaml"), "utf8");
const opts = { identities: [alice.secret], env: {}, now: () => NOW };
/** base.yaml with a clear flow list added: inside the limits, but its MAC fails (a hostile file, small). */
const flooded = base.replace(/^required: /m, `x: [${Array(2000).fill("0").join(",")}]\nrequired: `);

async function versions() {
  const rekeyed = await openVaultText(base, "v.yaml", { ...opts, editable: true });
  rekeyed.removeRecipient("bob");
  const forCarol = await createVault("c.yaml", { carol: carol.recipient }, opts);
  forCarol.set("A", "a-0");
  return { rekeyed: rekeyed.toText(), forCarol: forCarol.toText() };
}

async function parsesOf(source: string, o: TextconvOptions): Promise<Map<string, number>> {
  parses.clear();
  const out = await textconv(source, "v.yaml", o);
  expect(out).not.toBe(""); // a view came back (or the file as it is)
  return new Map(parses);
}

describe("git textconv parses each version once", () => {
  beforeEach(() => parses.clear());

  it("with a key, without one, when the MAC fails, and with a version before it can or cannot open", async () => {
    const { rekeyed, forCarol } = await versions();
    const cases: Array<[string, typeof alice | null, string | null | undefined]> = [
      [base, alice, undefined],
      [base, alice, rekeyed], // both open: the custody check
      [base, alice, forCarol], // the version before does not open: the keyless verdict on both
      [base, null, rekeyed],
      [base, carol, rekeyed], // a key, the wrong one
      [flooded, alice, base], // the MAC fails: the keyless view of the same tree
      [flooded, null, "sops: ["], // a version before that does not parse is not tried twice either
      ["a: [", alice, base],
    ];
    for (const [source, key, before] of cases) {
      const counted = await parsesOf(source, {
        keys: keysOf(key),
        ...(before === undefined ? {} : { parent: async () => before }),
      });
      const what = `${source.slice(0, 20)}… with ${key === null ? "no key" : "a key"}, before: ${String(before).slice(0, 12)}`;
      expect(counted.get(source), what).toBe(1);
      // A version before is read when this one parses (a file that does not is shown as it is, nothing compared).
      if (typeof before === "string") expect(counted.get(before), what).toBe(source === "a: [" ? undefined : 1);
      expect(
        [...counted.values()].every((n) => n === 1),
        what,
      ).toBe(true);
    }
  });

  it("still shows each view (the count is not met by parsing nothing)", async () => {
    const keyed = await textconv(base, "v.yaml", { keys: keysOf(alice) });
    expect(keyed).toMatch(/value: <fp:[0-9a-f]{16}>/);
    expect(keyed).toContain("mac: verified");
    const keyless = await textconv(flooded, "v.yaml", { keys: keysOf(alice) });
    expect(keyless).toMatch(/value: <encrypted:[0-9a-f]{8}>/);
    expect(keyless).toContain(`mac: "DOES NOT VERIFY`);
  });
});
