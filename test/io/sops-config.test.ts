/** `.sops.yaml` found and read as sops's config/config.go does: each rule of its lookup and matching. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { creationRuleFor, findSopsConfig, MAX_CONFIG_DEPTH } from "../../src/io/sops-config.js";
import { tempDir, testKey } from "../helpers.js";

const [A, B, C] = [testKey("alice").recipient, testKey("bob").recipient, testKey("carol").recipient];

function tree(): { root: string; deep: string } {
  const root = tempDir();
  const deep = join(root, "a", "b");
  mkdirSync(deep, { recursive: true });
  return { root, deep };
}

describe("finding .sops.yaml", () => {
  it("is searched from the working folder up through its parents; the nearest wins", () => {
    const { root, deep } = tree();
    expect(findSopsConfig(deep, {})).toEqual({ path: undefined, source: "none" });
    writeFileSync(join(root, ".sops.yaml"), "creation_rules: []\n");
    expect(findSopsConfig(deep, {})).toEqual({ path: join(root, ".sops.yaml"), source: "search" });
    writeFileSync(join(root, "a", ".sops.yaml"), "creation_rules: []\n");
    expect(findSopsConfig(deep, {}).path).toBe(join(root, "a", ".sops.yaml"));
  });

  it("looks at most 100 folders up, as sops's maxDepth", () => {
    const root = tempDir();
    writeFileSync(join(root, ".sops.yaml"), "creation_rules: []\n");
    const parts = Array.from({ length: MAX_CONFIG_DEPTH }, (_, i) => `d${i}`);
    const at99 = join(root, ...parts.slice(0, MAX_CONFIG_DEPTH - 1)); // root is the 100th folder looked in
    const at100 = join(root, ...parts);
    mkdirSync(at100, { recursive: true });
    expect(findSopsConfig(at99, {}).path).toBe(join(root, ".sops.yaml"));
    expect(findSopsConfig(at100, {}).path).toBeUndefined();
  });

  it("--config, then SOPS_CONFIG, override the search (relative to the working folder)", () => {
    const { root, deep } = tree();
    writeFileSync(join(root, ".sops.yaml"), "creation_rules: []\n");
    expect(findSopsConfig(deep, { SOPS_CONFIG: "../x.yaml" })).toEqual({
      path: join(root, "a", "x.yaml"),
      source: "env",
    });
    expect(findSopsConfig(deep, { SOPS_CONFIG: "../x.yaml" }, "y.yaml")).toEqual({
      path: join(deep, "y.yaml"),
      source: "flag",
    });
  });

  it("names a .sops.yml on the way in a warning and never reads it", () => {
    const { root, deep } = tree();
    writeFileSync(join(root, "a", ".sops.yml"), "creation_rules: []\n");
    expect(findSopsConfig(deep, {}).warning).toBe(
      `ignoring ${join(root, "a", ".sops.yml")}: the config file must be called .sops.yaml`,
    );
    writeFileSync(join(root, ".sops.yaml"), "creation_rules: []\n");
    expect(findSopsConfig(deep, {})).toEqual({
      path: join(root, ".sops.yaml"),
      source: "search",
      warning: `ignoring ${join(root, "a", ".sops.yml")}: the config file must be called .sops.yaml; using ${join(root, ".sops.yaml")}`,
    });
  });
});

describe("the creation rule for a file", () => {
  const config = (text: string): string => {
    const dir = tempDir();
    mkdirSync(join(dir, "deploy", "prod"), { recursive: true });
    writeFileSync(join(dir, ".sops.yaml"), text);
    return join(dir, ".sops.yaml");
  };
  const fileIn = (configPath: string, rel: string): string => join(configPath, "..", rel);

  it("matches path_regex against the path relative to the config's folder; the first match wins", () => {
    const c = config(
      `creation_rules:\n  - path_regex: ^deploy/prod/\n    age: ${A}\n  - path_regex: prod\n    age: ${B}\n  - age: ${C}\n`,
    );
    expect(creationRuleFor(c, fileIn(c, "deploy/prod/.secrets.yaml"))).toEqual({
      configPath: c,
      rule: 1,
      recipients: [A],
    });
    expect(creationRuleFor(c, fileIn(c, "prod.secrets.yaml"))).toMatchObject({ rule: 2, recipients: [B] });
    // A rule without path_regex matches every file.
    expect(creationRuleFor(c, fileIn(c, "other.yaml"))).toMatchObject({ rule: 3, recipients: [C] });
  });

  it("matches the absolute path of a file outside the config's folder", () => {
    const c = config(`creation_rules:\n  - path_regex: ^/\n    age: ${A}\n`);
    expect(creationRuleFor(c, fileIn(c, "inside.yaml"))).toMatchObject({ rule: 0, recipients: [] });
    expect(creationRuleFor(c, "/elsewhere/.secrets.yaml")).toMatchObject({ rule: 1, recipients: [A] });
  });

  it("reads path_regex as RE2 (Go's regexp), matched anywhere in the path", () => {
    const c = config(
      `creation_rules:\n  - path_regex: '\\.secrets\\.yaml$'\n    age: ${A}\n  - path_regex: '(?P<env>prod)'\n    age: ${B}\n`,
    );
    expect(creationRuleFor(c, fileIn(c, "deploy/.secrets.yaml"))).toMatchObject({ rule: 1 });
    // (?P<name>…) is Go's named group: RE2 syntax, which JavaScript's RegExp rejects.
    expect(creationRuleFor(c, fileIn(c, "x/prod.yaml"))).toMatchObject({ rule: 2, recipients: [B] });
    const bad = config(`creation_rules:\n  - path_regex: '(?=lookahead)'\n    age: ${A}\n`);
    expect(() => creationRuleFor(bad, fileIn(bad, "x"))).toThrow(/creation rule 1 in .* has an invalid path_regex/);
  });

  it("takes age keys as a comma-separated string or a list (items comma-split too), without duplicates", () => {
    const c = config(
      `creation_rules:\n  - path_regex: one\n    age: " ${A} ,${B},, "\n  - path_regex: two\n    age:\n      - ${A}\n      - "${B}, ${C}"\n      - ${A}\n`,
    );
    expect(creationRuleFor(c, fileIn(c, "one"))!.recipients).toEqual([A, B]);
    expect(creationRuleFor(c, fileIn(c, "two"))!.recipients).toEqual([A, B, C]);
    const bad = config(`creation_rules:\n  - age: [${A}, 7]\n`);
    expect(() => creationRuleFor(bad, fileIn(bad, "x"))).toThrow(/expected a string in the list/);
  });

  it("uses a rule's key group (with merged groups) instead of its age keys, and refuses Shamir groups", () => {
    const c = config(
      `creation_rules:\n  - path_regex: one\n    age: ${C}\n    key_groups:\n      - age: [${A}]\n        merge:\n          - age: [${B}]\n  - key_groups:\n      - age: [${A}]\n      - age: [${B}]\n`,
    );
    expect(creationRuleFor(c, fileIn(c, "one"))!.recipients).toEqual([B, A]);
    expect(() => creationRuleFor(c, fileIn(c, "two"))).toThrow(
      /has 2 key groups; vaultfile encrypts to one set of recipients/,
    );
  });

  it("counts a file without creation_rules as no config, and a config without a match as no keys", () => {
    expect(creationRuleFor(config("destination_rules: []\n"), "/x")).toBeUndefined();
    const c = config(`creation_rules:\n  - path_regex: nothing-matches\n    age: ${A}\n`);
    expect(creationRuleFor(c, fileIn(c, "x"))).toEqual({ configPath: c, rule: 0, recipients: [] });
  });
});
