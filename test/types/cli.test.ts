/** The CLI side of types: `type list/add/rm`, input-time checks in set/rotate, validate findings, status guidance. */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { workspace, writeVault, type CliResult } from "../cli/lifecycle-support.js";

/** Neither the value nor the first or last four characters of its secret part appear in any output. */
function expectNoFragments(r: CliResult, value: string, publicPrefix = ""): void {
  const body = value.trim().slice(publicPrefix.length);
  for (const fragment of [value, body.slice(0, 4), body.slice(-4)]) {
    expect(r.stdout).not.toContain(fragment);
    expect(r.stderr).not.toContain(fragment);
  }
}

describe("vaultfile type", () => {
  it("list prints the built-in catalogue without a vault; --json gives every field", () => {
    const w = workspace();
    const r = w.run(["type", "list"]);
    expect(r.code).toBe(0);
    const names = r.stdout
      .split("\n")
      .filter((l) => /^\S/.test(l))
      .map((l) => l.split(/\s+/)[0]);
    expect(names).toEqual(["pypi", "npm", "github", "docker", "aws", "password", "pem", "url", "generic"]);
    expect(r.stdout).toContain("every 365d; rotate: https://pypi.org/manage/account/token/");
    const json = JSON.parse(w.run(["--json", "type", "list"]).stdout);
    expect(json.find((t: { name: string }) => t.name === "docker")).toMatchObject({
      source: "builtin",
      rotateEvery: "180d",
      roles: [{ role: "username" }, { role: "password" }],
    });
  });

  it("add stores a custom type in the file, list shows it, rm removes it; clashes are refused", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => v.set("INTERNAL_API_TOKEN", "ia_wrong", { type: "internal-api" }));
    const add = w.run([
      "type",
      "add",
      "internal-api",
      "--pattern",
      "^ia_[a-z0-9]{32}$",
      "--rotate-every",
      "30d",
      "--rotate-at",
      "https://internal.example/tokens",
      "--description",
      "Internal API token",
      "--companions",
      "INTERNAL_API_URL, OTHER",
    ]);
    expect(add).toEqual({
      code: 0,
      stdout: "",
      stderr:
        "added type internal-api\nvaultfile: warning: existing secrets of type internal-api do not match its pattern: INTERNAL_API_TOKEN\n",
    });
    expect(parse(w.text()).types).toEqual({
      "internal-api": {
        pattern: "^ia_[a-z0-9]{32}$",
        rotate_every: "30d",
        rotate_at: "https://internal.example/tokens",
        description: "Internal API token",
        companions: ["INTERNAL_API_URL", "OTHER"],
      },
    });
    expect(w.run(["type", "list"]).stdout).toMatch(
      /internal-api \(file\) +Internal API token\n +every 30d; rotate: https:\/\/internal.example\/tokens; goes with INTERNAL_API_URL, OTHER\n$/,
    );

    const before = w.text();
    expect(w.run(["type", "add", "internal-api", "--pattern", "x"])).toMatchObject({
      code: 8,
      stderr: expect.stringContaining("already has a type named internal-api"),
    });
    expect(w.run(["type", "add", "pypi", "--pattern", "x"])).toMatchObject({
      code: 8,
      stderr: expect.stringContaining("pypi is a built-in type"),
    });
    expect(w.run(["type", "add", "t", "--pattern", "("])).toMatchObject({
      code: 6,
      stderr: expect.stringContaining("invalid pattern"),
    });
    expect(w.run(["type", "add", "t"]).code).toBe(2);
    expect(w.run(["type", "rm", "pypi"])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("built-in type and cannot be removed"),
    });
    expect(w.run(["type", "rm", "nope"]).code).toBe(3);
    expect(w.text()).toBe(before);

    const rm = w.run(["type", "rm", "internal-api"]);
    expect(rm.stderr).toBe(
      "removed type internal-api\nvaultfile: note: these secrets still have type internal-api and are no longer checked: INTERNAL_API_TOKEN\n",
    );
    expect(parse(w.text()).types).toBeUndefined();
  });
});

describe("set and rotate check the value against its type", () => {
  const npmBad = "npm_" + "Qz7k".repeat(8) + "Wx"; // 34 characters after npm_: too short
  const npmGood = "npm_" + "Qz7k".repeat(9);

  it("refuses a malformed value (exit 6, file unchanged), accepts it with --force, never echoing it", async () => {
    const w = workspace();
    await writeVault(w.file, () => {});
    const before = w.text();
    const refused = w.run(["set", "NPM_TOKEN", "--type", "npm", "--stdin"], { input: npmBad });
    expect(refused.code).toBe(6);
    expect(refused.stderr).toBe(
      "vaultfile: error: NPM_TOKEN does not match its type npm: expected an npm token: npm_ and 36 letters or digits; nothing was changed\n" +
        "vaultfile: hint: check that you copied the whole value, or pass --force to store it anyway; to get a new one: https://www.npmjs.com/settings/<user>/tokens (Generate New Token)\n",
    );
    expectNoFragments(refused, npmBad, "npm_");
    expect(w.text()).toBe(before);

    const forced = w.run(["set", "NPM_TOKEN", "--type", "npm", "--stdin", "--force"], { input: npmBad });
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(
      /^vaultfile: warning: NPM_TOKEN does not match its type npm: .*\(stored anyway: --force\)\nset NPM_TOKEN \(new, no expiry\)\nvaultfile: note: NPM_TOKEN rotates every 90d, the default of type npm/,
    );
    expectNoFragments(forced, npmBad, "npm_");
    expect(parse(w.text()).secrets.NPM_TOKEN.rotate_every).toBe("90d");

    // validate reports it as a warning, and --strict fails on it.
    const v = w.run(["validate"]);
    expect(v).toMatchObject({
      code: 0,
      stdout: expect.stringContaining("warning: NPM_TOKEN does not match its type npm"),
    });
    expectNoFragments(v, npmBad, "npm_");
    const strict = w.run(["--json", "validate", "--strict"]);
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout)).toMatchObject({
      valid: false,
      invalidFormat: [{ name: "NPM_TOKEN", type: "npm" }],
      problems: [{ level: "error", kind: "format", name: "NPM_TOKEN" }],
    });
    expectNoFragments(strict, npmBad, "npm_");

    const rotated = w.run(["rotate", "NPM_TOKEN", "--stdin"], { input: npmGood });
    expect(rotated).toMatchObject({ code: 0, stderr: "rotated NPM_TOKEN (expires 2027-02-22)\n" }); // renewed from the type's 90d
    expect(w.run(["validate", "--strict"]).code).toBe(0);
    const badRotate = w.run(["rotate", "NPM_TOKEN", "--stdin"], { input: npmBad });
    expect(badRotate.code).toBe(6);
    expectNoFragments(badRotate, npmBad, "npm_");
  });

  it("a bare --generate uses the type's generator, and refuses provider tokens", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => v.set("GH", "ghp_" + "a".repeat(36), { type: "github" }));
    expect(w.run(["set", "DB_PASSWORD", "--type", "password", "--generate"]).code).toBe(0);
    expect(w.run(["get", "DB_PASSWORD"]).stdout).toMatch(/^[A-Za-z0-9]{32}\n$/);
    const refused = w.run(["rotate", "GH", "--generate"]);
    expect(refused).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("--generate cannot make a github value: they come from the provider"),
    });
    expect(w.run(["set", "PYPI_TOKEN", "--type", "pypi", "--generate"]).code).toBe(2);
  });

  it("a bare --generate on a custom type (no generator) is refused up front; a SPEC that fits is stored", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => {
      v.setTypeEntry("internal-api", { pattern: "^[a-f0-9]{40}$" });
      v.set("IA_TOKEN", "b".repeat(40), { type: "internal-api" });
    });
    const before = w.text();
    const expected = {
      code: 2,
      stdout: "",
      stderr:
        "vaultfile: error: type internal-api has no generator; pass a SPEC, e.g. --generate=alnum:32\nvaultfile: hint: choose a SPEC whose values match the type's pattern ^[a-f0-9]{40}$\n",
    };
    expect(w.run(["set", "NEW_TOKEN", "--type", "internal-api", "--generate"])).toEqual(expected);
    expect(w.run(["rotate", "IA_TOKEN", "--generate"])).toEqual(expected);
    expect(w.text()).toBe(before);
    expect(w.run(["rotate", "IA_TOKEN", "--generate=hex:40"]).code).toBe(0);
    expect(w.run(["get", "IA_TOKEN"]).stdout).toMatch(/^[a-f0-9]{40}\n$/);
  });

  it("the username and key id parts of two-part types get no rotation period and no 'where to rotate' (issue 15, item 1)", async () => {
    const w = workspace({ VAULTFILE_NOW: "2026-11-24T10:00:00Z" });
    await writeVault(w.file, () => {});
    for (const [name, value] of [
      ["DOCKER_USERNAME", "release-bot"],
      ["DOCKER_PASSWORD", "Hunter-Qz7k-secret"],
      ["AWS_ACCESS_KEY_ID", "AKIA" + "Q".repeat(16)],
      ["AWS_SECRET_ACCESS_KEY", "q".repeat(40)],
    ] as const) {
      const type = name.startsWith("AWS") ? "aws" : "docker";
      const r = w.run(["set", name, "--type", type, "--stdin"], { input: value });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr.includes("rotates every"), name).toBe(/PASSWORD|SECRET/.test(name));
    }
    const secrets = parse(w.text()).secrets as Record<string, { rotate_every?: string }>;
    expect(Object.fromEntries(Object.entries(secrets).map(([n, s]) => [n, s.rotate_every ?? null]))).toEqual({
      DOCKER_USERNAME: null,
      DOCKER_PASSWORD: "180d",
      AWS_ACCESS_KEY_ID: null,
      AWS_SECRET_ACCESS_KEY: "90d",
    });
    // A year later: the password and secret key are due, with where to rotate them; the username and key id are not.
    const later = w.run(["--json", "status"], { env: { VAULTFILE_NOW: "2027-11-24T10:00:00Z" } });
    const rows = JSON.parse(later.stdout) as { name: string; status: string; rotateAt?: string }[];
    expect(Object.fromEntries(rows.map((r) => [r.name, [r.status, r.rotateAt !== undefined]]))).toEqual({
      DOCKER_PASSWORD: ["due", true],
      AWS_SECRET_ACCESS_KEY: ["due", true],
      DOCKER_USERNAME: ["ok", false],
      AWS_ACCESS_KEY_ID: ["ok", false],
    });
    // A malformed username's hint says nothing about where new ones come from.
    const bad = w.run(["set", "DOCKER_USERNAME", "--stdin"], { input: "has space" });
    expect(bad.code).toBe(6);
    expect(bad.stderr).toContain(
      "vaultfile: hint: check that you copied the whole value, or pass --force to store it anyway\n",
    );
  });

  it("the pem hint says where a new one comes from in words that read", async () => {
    const w = workspace();
    await writeVault(w.file, () => {});
    const r = w.run(["set", "TLS_KEY", "--type", "pem", "--stdin"], { input: "not a pem" });
    expect(r.code).toBe(6);
    expect(r.stderr).toContain(
      "; to get a new one: reissue the key or certificate with the tool or authority that made it\n",
    );
    expect(r.stderr).not.toContain("come from reissue");
  });

  it("an unknown type is a warning with close names; companions are noted after set and rotate", async () => {
    const w = workspace();
    await writeVault(w.file, () => {});
    const unknown = w.run(["set", "X", "--type", "pypy", "--value", "anything-goes"]);
    expect(unknown.code).toBe(0);
    expect(unknown.stderr).toContain(
      "vaultfile: warning: type pypy is neither built in nor declared in the file, so the value of X is not checked (did you mean pypi?)",
    );

    const pw = w.run(["set", "DOCKER_PASSWORD", "--type", "docker", "--stdin"], { input: "Hunter-Qz7k-secret" });
    expect(pw.stderr).toContain(
      "vaultfile: note: DOCKER_PASSWORD (docker) has no username beside it: expected DOCKER_USERNAME or DOCKER_USER or DOCKER_LOGIN\n",
    );
    expect(w.run(["validate"]).stdout).toContain("warning: DOCKER_PASSWORD (docker) has no username beside it");
    w.run(["set", "DOCKER_USER", "--type", "docker", "--value", "release-bot"]);
    const rot = w.run(["rotate", "DOCKER_PASSWORD", "--stdin"], { input: "Hunter-Qz7k-second" });
    expect(rot.stderr).toContain(
      "vaultfile: note: DOCKER_USER goes with DOCKER_PASSWORD (docker): if it changed too, run `vaultfile rotate DOCKER_USER`",
    );
    expectNoFragments(rot, "Hunter-Qz7k-second");
    expect(w.run(["validate"]).stdout).not.toContain("username");
  });
});

describe("status shows where to rotate", () => {
  it("for expired, expiring and due secrets whose type says, in the table and in --json", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => {
      v.set("PYPI_TOKEN", "pypi-abc", { type: "pypi", expiresIn: "5d" });
      v.set("NPM_TOKEN", "npm_" + "a".repeat(36), { type: "npm", expiresIn: "300d" });
      v.set("OLD", "x", { expiresIn: "1d" });
    });
    const r = w.run(["status"], { env: { VAULTFILE_NOW: "2026-11-27T10:00:00Z" } });
    expect(r.stdout).toMatch(/\n\nwhere to rotate:\n {2}PYPI_TOKEN {2}https:\/\/pypi.org\/manage\/account\/token\/\n$/);
    const rows = JSON.parse(w.run(["--json", "status"]).stdout) as { name: string; rotateAt?: string }[];
    expect(rows.map((x) => [x.name, x.rotateAt])).toEqual([
      ["OLD", undefined],
      ["PYPI_TOKEN", "https://pypi.org/manage/account/token/"],
      ["NPM_TOKEN", undefined],
    ]);
  });

  it("names the secret in a where-to-rotate command, so it can be pasted as printed", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => {
      v.set("DB_PASSWORD", "p".repeat(20), { type: "password", expiresIn: "2d" });
    });
    const r = w.run(["status"], { env: { VAULTFILE_NOW: "2026-11-27T10:00:00Z" } });
    expect(r.stdout).toContain("`vaultfile rotate DB_PASSWORD --generate`");
    expect(r.stdout).not.toContain("{name}");
  });
});
