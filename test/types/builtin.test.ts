/** The built-in catalogue: each type accepts its shape and rejects near misses, without echoing the value. */
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_TYPES, TypeCatalogue } from "../../src/types/index.js";

const catalogue = TypeCatalogue.builtin();
const here = import.meta.dirname;
const cert = readFileSync(join(here, "TEST-ONLY-cert.pem"), "utf8");
const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const privatePem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
const publicPem = publicKey.export({ format: "pem", type: "spki" }).toString();
const rsaPkcs1 = generateKeyPairSync("rsa", { modulusLength: 1024 })
  .privateKey.export({ format: "pem", type: "pkcs1" })
  .toString();
const alnum = (n: number) => "aB3".repeat(n).slice(0, n);

/** Synthetic values only: built here, never real tokens. [type, secret name, value] */
const accepted: [string, string, string][] = [
  ["pypi", "PYPI_TOKEN", "pypi-" + "AgEIcHlwaS5vcmc_x-" + "Z".repeat(60)],
  ["npm", "NPM_TOKEN", "npm_" + alnum(36)],
  ...["ghp_", "gho_", "ghu_", "ghs_", "ghr_"].map((p): [string, string, string] => [
    "github",
    "GITHUB_TOKEN",
    p + alnum(36),
  ]),
  ["github", "GITHUB_TOKEN", "github_pat_" + alnum(22) + "_" + alnum(59)],
  ["docker", "DOCKER_USERNAME", "release-bot"],
  ["docker", "DOCKER_PASSWORD", "correct horse battery staple"],
  ["docker", "DOCKER_TOKEN", "dckr_pat_" + alnum(27)],
  ["aws", "AWS_ACCESS_KEY_ID", "AKIA" + "ABCDEFGH23456789"],
  ["aws", "AWS_ACCESS_KEY_ID", "ASIA" + "Z".repeat(16)],
  ["aws", "AWS_SECRET_ACCESS_KEY", "a/B+".repeat(10)],
  ["aws", "AWS_SESSION_TOKEN", "IQoJb3JpZ2luX2VjE" + "x".repeat(100)],
  ["password", "DB_PASSWORD", "twelve chars"],
  ["pem", "TLS_CERT", cert],
  ["pem", "TLS_KEY", privatePem],
  ["pem", "TLS_PUB", publicPem],
  ["pem", "LEGACY_KEY", rsaPkcs1],
  ["pem", "CHAIN", `${cert}\n${privatePem}`],
  ["url", "SLACK_WEBHOOK_URL", "https://hooks.example.com/services/T000/B000/XXXX"],
  ["url", "DATABASE_URL", "postgres://user:p%40ss@db.example.com:5432/app?sslmode=require"],
  ["generic", "ANYTHING", " spaces and\nnewlines "],
];

/** [type, secret name, value, what the message must say] */
const rejected: [string, string, string, RegExp][] = [
  ["pypi", "PYPI_TOKEN", "pypy-" + "A".repeat(40), /expected a PyPI API token: pypi- and a base64url body/],
  ["pypi", "PYPI_TOKEN", "pypi-" + "A".repeat(40) + "\n", /contains whitespace/],
  ["pypi", "PYPI_TOKEN", "pypi-=", /expected a PyPI API token/],
  ["npm", "NPM_TOKEN", "npm_" + alnum(35), /npm_ and 36 letters or digits/],
  ["npm", "NPM_TOKEN", "npm_" + alnum(35) + "-", /npm_ and 36/],
  ["github", "GITHUB_TOKEN", "ghx_" + alnum(36), /ghp_, gho_, ghu_, ghs_ or ghr_/],
  ["github", "GITHUB_TOKEN", "ghp_" + alnum(37), /a GitHub token/],
  ["github", "GITHUB_TOKEN", "github_pat_" + alnum(22) + "_" + alnum(58), /github_pat_/],
  ["docker", "DOCKER_USERNAME", "release bot", /docker \(username\): it contains whitespace/],
  ["docker", "DOCKER_PASSWORD", "secretsecret\n", /docker \(password\): it starts or ends with whitespace/],
  ["docker", "DOCKER_PASSWORD", "dckr_pat_" + "x".repeat(10), /Docker access token/],
  ["aws", "AWS_ACCESS_KEY_ID", "AKIA" + "abcdefgh23456789", /AKIA or ASIA and 16 upper-case/],
  ["aws", "AWS_ACCESS_KEY_ID", "AKIB" + "ABCDEFGH23456789", /type aws \(access-key-id\)/],
  ["aws", "AWS_SECRET_ACCESS_KEY", "a/B+".repeat(10) + "x", /40 letters, digits, \/ or \+/],
  ["password", "DB_PASSWORD", "eleven-xyzw", /at least 12 characters/],
  ["pem", "TLS_CERT", "MIIB" + "A".repeat(60), /expected a PEM block/],
  [
    "pem",
    "TLS_CERT",
    cert.replace(/^(-----BEGIN CERTIFICATE-----\n.{10})./m, "$1*"),
    /the CERTIFICATE block is not base64/,
  ],
  [
    "pem",
    "TLS_CERT",
    cert.replace(/^(-----BEGIN CERTIFICATE-----\n.{10})(.)/m, (_, a: string, c: string) => a + (c === "Q" ? "R" : "Q")),
    /the CERTIFICATE block does not parse/,
  ],
  [
    "pem",
    "TLS_KEY",
    privatePem.replace(/^(-----BEGIN PRIVATE KEY-----\n)MC4/, "$1MC8"),
    /the PRIVATE KEY block does not parse/,
  ],
  ["pem", "ODD", "-----BEGIN SECRET STUFF-----\nAAAA\n-----END SECRET STUFF-----", /a PEM block is not DER/],
  ["url", "DATABASE_URL", "qzx9.example.com:5432/app with qzx8", /whitespace/],
  ["url", "DATABASE_URL", "//qzx9:pass@qzx8", /does not parse as a URL/],
  ["url", "WEBHOOK_URL", "wss://?qzx9", /does not parse as a URL|has no host/],
];

/** A format's public prefix (`npm_`) may be named in a message; what follows it is the secret part. */
const PUBLIC_PREFIX = /^(pypi-|npm_|gh[a-z]_|github_pat_|dckr_pat_|AKIA|ASIA|-----BEGIN [A-Z ]+-----\n)/;

/** The value, and the first and last four characters of its secret part, must not appear in a message. */
function expectNoFragments(text: string, value: string): void {
  const body = value.trim().replace(PUBLIC_PREFIX, "");
  for (const fragment of [value, body.slice(0, 4), body.slice(-4)]) {
    if (fragment.length === 4 || fragment === value) expect(text).not.toContain(fragment);
  }
}

describe("the built-in catalogue", () => {
  it("has the documented types, each with a description and a sensible policy", () => {
    expect(BUILTIN_TYPES.map((t) => t.id)).toEqual([
      "pypi",
      "npm",
      "github",
      "docker",
      "aws",
      "password",
      "pem",
      "url",
      "generic",
    ]);
    for (const t of BUILTIN_TYPES) {
      expect(t.description.length).toBeGreaterThan(10);
      expect(t.description).not.toContain("\n");
      expect(t.source).toBe("builtin");
    }
    const every = Object.fromEntries(BUILTIN_TYPES.map((t) => [t.id, t.rotateEvery]));
    expect(every).toMatchObject({
      pypi: "365d",
      npm: "90d",
      github: "90d",
      aws: "90d",
      password: "180d",
      generic: null,
    });
    // Provider tokens come from the provider; only passwords are generated.
    expect(BUILTIN_TYPES.filter((t) => t.generate !== null).map((t) => [t.id, t.generate])).toEqual([
      ["password", "alnum:32"],
    ]);
  });

  it("README's Types table lists the same types with the same default periods", () => {
    const readme = readFileSync(join(here, "..", "..", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Types"), readme.indexOf("## Keys"));
    const rows = [...section.matchAll(/^\| `([a-z]+)` \|[^|]*\| ([0-9a-z-]+) \|/gm)].map((m) => [
      m[1],
      m[2] === "-" ? null : m[2],
    ]);
    expect(rows).toEqual(BUILTIN_TYPES.map((t) => [t.id, t.rotateEvery]));
  });

  it.each(accepted)("%s accepts a well-formed %s", (type, name, value) => {
    expect(catalogue.check(name, type, value)).toBeNull();
  });

  it.each(rejected)("%s rejects a malformed %s (%#) without echoing it", (type, name, value, message) => {
    const finding = catalogue.check(name, type, value);
    expect(finding).not.toBeNull();
    expect(finding!.message).toMatch(message);
    expect(finding!.message.startsWith(`${name} does not match its type ${type}`)).toBe(true);
    expectNoFragments(finding!.message, value);
  });

  it("a role-less docker or aws name accepts any part's shape", () => {
    expect(catalogue.check("DOCKER_CREDS", "docker", "bot")).toBeNull();
    expect(catalogue.check("AWS_KEY", "aws", "AKIA" + "A".repeat(16))).toBeNull();
    expect(catalogue.check("AWS_KEY", "aws", "short one")?.message).toMatch(/^AWS_KEY does not match its type aws: /);
  });

  it("an unknown type is not checked", () => {
    expect(catalogue.check("X", "nope", "")).toBeNull();
    expect(() => catalogue.require("pypy")).toThrow(/no type named pypy/);
    try {
      catalogue.require("pypy");
    } catch (err) {
      expect((err as { hint: string }).hint).toMatch(/did you mean pypi\?/);
      expect((err as { exitCode: number }).exitCode).toBe(3);
    }
  });
});

describe("companions", () => {
  const present = (...names: string[]) => new Set(names);

  it("a docker password needs its username and the other way round, by name prefix", () => {
    expect(catalogue.missingCompanions("DOCKER_PASSWORD", "docker", present("DOCKER_PASSWORD", "DOCKER_USER"))).toEqual(
      [],
    );
    const [f] = catalogue.missingCompanions("GHCR_TOKEN", "docker", present("GHCR_TOKEN", "DOCKER_USERNAME"));
    expect(f).toEqual({
      name: "GHCR_TOKEN",
      type: "docker",
      missing: "username",
      expected: ["GHCR_USERNAME", "GHCR_USER", "GHCR_LOGIN"],
      message: "GHCR_TOKEN (docker) has no username beside it: expected GHCR_USERNAME or GHCR_USER or GHCR_LOGIN",
    });
    expect(
      catalogue.missingCompanions("DOCKER_USERNAME", "docker", present("DOCKER_USERNAME")).map((x) => x.expected[0]),
    ).toEqual(["DOCKER_PASSWORD"]);
    expect(catalogue.missingCompanions("PASSWORD", "docker", present("PASSWORD", "USERNAME"))).toEqual([]);
  });

  it("aws: the key id and secret key need each other; the session token is optional", () => {
    expect(catalogue.roleOf("AWS_SECRET_ACCESS_KEY", catalogue.get("aws")!)).toMatchObject({
      role: { id: "secret-access-key" },
      prefix: "AWS",
    });
    expect(
      catalogue.missingCompanions("AWS_ACCESS_KEY_ID", "aws", present("AWS_ACCESS_KEY_ID")).map((x) => x.missing),
    ).toEqual(["secret-access-key"]);
    expect(
      catalogue
        .missingCompanions("AWS_SESSION_TOKEN", "aws", present("AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID"))
        .map((x) => x.missing),
    ).toEqual(["secret-access-key"]);
    expect(
      catalogue.presentCompanions(
        "AWS_ACCESS_KEY_ID",
        "aws",
        present("AWS_ACCESS_KEY_ID", "AWS_SECRET_KEY", "AWS_SESSION_TOKEN"),
      ),
    ).toEqual(["AWS_SECRET_KEY"]);
  });

  it("single-value types and role-less names have no companions", () => {
    expect(catalogue.companionsOf("PYPI_TOKEN", "pypi")).toEqual([]);
    expect(catalogue.companionsOf("DOCKER_CREDS", "docker")).toEqual([]);
  });
});
