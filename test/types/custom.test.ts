/** Custom types live in the vault file: they round-trip, the MAC covers them, and validate() reports findings. */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { VaultfileError } from "../../src/errors.js";
import { customTypeEntry, TypeCatalogue } from "../../src/types/index.js";
import type { Vault } from "../../src/vault/vault.js";
import { testKey } from "../helpers.js";
import { aliceOpts } from "../vault/make.js";
import { createVault, openVaultText } from "../../src/io/vault-file.js";

const INTERNAL = {
  pattern: "ia_[a-z0-9]{32}",
  rotateEvery: "30d",
  rotateAt: "https://internal.example/tokens",
  description: "Internal API token",
  companions: ["INTERNAL_API_URL"],
};
const good = "ia_" + "k3".repeat(16);

async function vaultWithType(): Promise<Vault> {
  const v = await createVault("t.yaml", { alice: testKey("alice").recipient }, aliceOpts());
  v.set("PYPI_TOKEN", "pypi-" + "x".repeat(30), { type: "pypi" });
  v.setTypeEntry("internal-api", customTypeEntry("internal-api", INTERNAL));
  return v;
}

const reopen = async (text: string): Promise<Vault> => openVaultText(text, "t.yaml", aliceOpts());

describe("custom types in the file", () => {
  it("are stored under a top-level types: mapping before sops, and read back", async () => {
    const text = (await vaultWithType()).toText();
    const doc = parse(text);
    expect(Object.keys(doc)).toEqual(["secrets", "required", "recipients", "types", "sops"]);
    expect(doc.types).toEqual({
      "internal-api": {
        pattern: "ia_[a-z0-9]{32}",
        rotate_every: "30d",
        rotate_at: "https://internal.example/tokens",
        description: "Internal API token",
        companions: ["INTERNAL_API_URL"],
      },
    });
    expect(text).toContain("companions: [INTERNAL_API_URL]");
    const v = await reopen(text);
    const t = v.typeCatalogue().get("internal-api")!;
    expect(t).toMatchObject({
      id: "internal-api",
      source: "file",
      rotateEvery: "30d",
      rotateAt: "https://internal.example/tokens",
      description: "Internal API token",
      companions: ["INTERNAL_API_URL"],
    });
    expect(
      v
        .typeCatalogue()
        .list()
        .map((x) => x.id)
        .slice(-2),
    ).toEqual(["generic", "internal-api"]);
  });

  it("are covered by the MAC: a hand-edited pattern or companion list is refused on open", async () => {
    const text = (await vaultWithType()).toText();
    for (const edit of [
      text.replace("pattern: ia_[a-z0-9]{32}", "pattern: .*"),
      text.replace("companions: [INTERNAL_API_URL]", "companions: []"),
      text.replace("rotate_every: 30d", "rotate_every: 3000d"),
    ]) {
      expect(edit).not.toBe(text);
      const err = await reopen(edit).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(VaultfileError);
      expect((err as VaultfileError).code).toBe("E_MAC");
    }
  });

  it("are sealed by name too: renaming a type's key is refused", async () => {
    const text = (await vaultWithType()).toText();
    const err = await reopen(text.replace("  internal-api:", "  other-api:")).catch((e: unknown) => e);
    expect((err as VaultfileError).exitCode).toBe(5);
  });

  it("are removed again, with the types: mapping once empty", async () => {
    const v = await reopen((await vaultWithType()).toText());
    expect(v.removeTypeEntry("internal-api")).toBe(true);
    expect(v.removeTypeEntry("internal-api")).toBe(false);
    expect(parse(v.toText()).types).toBeUndefined();
  });

  it("check values against the anchored pattern, naming the pattern but never the value", async () => {
    const c = (await vaultWithType()).typeCatalogue();
    expect(c.check("INTERNAL_API_TOKEN", "internal-api", good)).toBeNull();
    const bad = "xx" + good + "yy";
    const f = c.check("INTERNAL_API_TOKEN", "internal-api", bad)!;
    expect(f.message).toBe(
      "INTERNAL_API_TOKEN does not match its type internal-api: expected a value matching the pattern ia_[a-z0-9]{32}",
    );
  });

  it.each([
    ["Bad Name", { pattern: "x" }, /invalid type name/],
    ["value", { pattern: "x" }, /invalid type name/],
    ["t", { pattern: "(" }, /invalid pattern "\(": not an RE2 regular expression \(missing closing \)/],
    ["t", { pattern: "" }, /the pattern is empty/],
    ["t", { pattern: "x", rotateEvery: "soon" }, /invalid rotation period "soon"/],
    ["t", { pattern: "x", companions: ["not-a-name"] }, /invalid secret name/],
    ["t", { pattern: "x", description: "two\nlines" }, /one non-empty line/],
  ])("customTypeEntry refuses %j %j", (name, opts, message) => {
    expect(() => customTypeEntry(name, opts)).toThrow(message);
  });

  it("a malformed or shadowing entry in the file is a FormatError naming the type", () => {
    expect(() => TypeCatalogue.withCustom({ broken: { pattern: "(" } }, "f.yaml")).toThrow(
      /custom type broken in f.yaml is invalid: invalid pattern/,
    );
    expect(() => TypeCatalogue.withCustom({ broken: "just text" }, "f.yaml")).toThrow(/must be a mapping/);
    expect(() => TypeCatalogue.withCustom({ pypi: { pattern: "x" } }, "f.yaml")).toThrow(
      /has the name of a built-in type/,
    );
  });
});

describe("validate() with types", () => {
  async function mixed(): Promise<Vault> {
    const v = await vaultWithType();
    v.set("INTERNAL_API_TOKEN", "ia_TOO-SHORT", { type: "internal-api" });
    v.set("NPM_TOKEN", "npm_" + "a".repeat(36), { type: "npm" });
    v.set("DOCKER_PASSWORD", "hunter2-hunter2", { type: "docker" });
    v.set("LABELLED", "x", { type: "homegrown" });
    return v;
  }

  it("reports format findings, missing companions and unknown types as warnings by default", async () => {
    const v = await mixed();
    const r = v.validate();
    expect(r.allValid).toBe(true);
    expect(r.invalidFormat.map((f) => f.name)).toEqual(["INTERNAL_API_TOKEN"]);
    expect(r.companionsMissing.map((f) => [f.name, f.missing])).toEqual([
      ["INTERNAL_API_TOKEN", "INTERNAL_API_URL"],
      ["DOCKER_PASSWORD", "username"],
    ]);
    expect(r.unknownType).toEqual([
      {
        name: "LABELLED",
        type: "homegrown",
        message:
          "LABELLED has type homegrown, which is neither built in nor declared in the file, so its value is not checked",
      },
    ]);
    const text = JSON.stringify(r);
    for (const fragment of ["TOO-SHORT", "hunter2", "aaaa"]) expect(text).not.toContain(fragment);
  });

  it("strictTypes makes a format or companion finding fail allValid; fixing them passes", async () => {
    const v = await mixed();
    expect(v.validate({ strictTypes: true }).allValid).toBe(false);
    v.set("INTERNAL_API_TOKEN", good);
    v.set("INTERNAL_API_URL", "https://internal.example", { type: "url" });
    v.set("DOCKER_USERNAME", "bot", { type: "docker" });
    // An undeclared label is reported but does not fail.
    expect(v.validate({ strictTypes: true })).toMatchObject({
      allValid: true,
      invalidFormat: [],
      companionsMissing: [],
      unknownType: [{ name: "LABELLED" }],
    });
  });
});
