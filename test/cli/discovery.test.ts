/**
 * Which vault a command opens (-f, VAULTFILE_FILE, .secrets.yaml here, else the nearest one up to the git root)
 * and which .sops.yaml `init` reads (the nearest one up to the filesystem root, or --config / SOPS_CONFIG).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { testKey } from "../helpers.js";
import { vf, workspace, writeVault } from "./lifecycle-support.js";

/** A git work tree with the vault at its root and an empty deploy/prod/ below it. */
async function repoWithVault(): Promise<{ w: ReturnType<typeof workspace>; sub: string }> {
  const w = workspace();
  spawnSync("git", ["init", "-q", w.dir]);
  await writeVault(w.file, (v) => v.set("API_TOKEN", "tok"));
  const sub = join(w.dir, "deploy", "prod");
  mkdirSync(sub, { recursive: true });
  return { w, sub };
}

describe("finding the vault", () => {
  it("status in deploy/prod/ opens the .secrets.yaml at the git root and says which on stderr", async () => {
    const { w, sub } = await repoWithVault();
    const r = vf(["status"], { cwd: sub, env: w.env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("API_TOKEN");
    expect(r.stderr).toBe(`vaultfile: note: using ${w.file}\n`);
    // The nearest one wins, and one in the working folder is used without a note.
    await writeVault(join(w.dir, "deploy", ".secrets.yaml"), (v) => v.set("DEPLOY_TOKEN", "d"));
    const nearer = vf(["--json", "status"], { cwd: sub, env: w.env });
    expect(JSON.parse(nearer.stdout).map((s: { name: string }) => s.name)).toEqual(["DEPLOY_TOKEN"]);
    const here = vf(["status"], { cwd: w.dir, env: w.env });
    expect(here.stderr).toBe("");
  });

  it("names the vault found above once, and only for commands that use it", async () => {
    const { w, sub } = await repoWithVault();
    const set = vf(["set", "NEW_TOKEN", "--generate"], { cwd: sub, env: w.env });
    expect(set.code, set.stderr).toBe(0);
    expect(set.stderr.split("\n").filter((l) => l.startsWith("vaultfile: note: using"))).toEqual([
      `vaultfile: note: using ${w.file}`,
    ]);
    const decrypt = vf(["decrypt", w.file], { cwd: sub, env: w.env });
    expect(decrypt.code, decrypt.stderr).toBe(0);
    expect(decrypt.stderr).toBe("");
  });

  it("init in a subfolder says that the vault above is now shadowed there", async () => {
    const { w, sub } = await repoWithVault();
    const r = vf(["init"], { cwd: sub, env: w.env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `vaultfile: note: ${w.file} exists too: commands run in ${sub} now use the new vault, not that one (pass -f to choose)`,
    );
    const again = vf(["-f", "other.yaml", "init"], { cwd: sub, env: w.env });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain("exists too");
  });

  it("-f and VAULTFILE_FILE are taken as given (relative to the working folder), without searching", async () => {
    const { w, sub } = await repoWithVault();
    const viaEnv = vf(["status"], { cwd: sub, env: { ...w.env, VAULTFILE_FILE: "missing.yaml" } });
    expect(viaEnv.code).toBe(3);
    expect(viaEnv.stderr).toContain(`${join(sub, "missing.yaml")} does not exist`);
    const viaFlag = vf(["-f", "../../.secrets.yaml", "status"], { cwd: sub, env: w.env });
    expect(viaFlag.code).toBe(0);
    expect(viaFlag.stderr).toBe("");
  });

  it("does not search above the git root, nor above the working folder outside a git work tree", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => v.set("API_TOKEN", "tok"));
    const nested = join(w.dir, "project", "sub");
    mkdirSync(nested, { recursive: true });
    const outside = vf(["status"], { cwd: nested, env: w.env });
    expect(outside.code).toBe(3);
    expect(outside.stderr).toBe(
      `vaultfile: error: ${join(nested, ".secrets.yaml")} does not exist\nvaultfile: hint: create a vault with \`vaultfile init\`, or point to one with -f FILE or VAULTFILE_FILE\n`,
    );
    spawnSync("git", ["init", "-q", join(w.dir, "project")]);
    const inRepo = vf(["get", "API_TOKEN"], { cwd: nested, env: w.env });
    expect(inRepo.code).toBe(3);
    // The hint names every folder looked in, up to the git root.
    expect(inRepo.stderr).toContain(
      `vaultfile: hint: looked for .secrets.yaml in ${nested}, ${join(w.dir, "project")} (up to the git root)`,
    );
  });

  it("init creates the vault in the working folder, even below a folder that has one", async () => {
    const { w, sub } = await repoWithVault();
    const r = vf(["init"], { cwd: sub, env: w.env });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(sub, ".secrets.yaml"))).toBe(true);
  });
});

describe("init and .sops.yaml", () => {
  it("honours a .sops.yaml two folders up, its path_regex matched against the path relative to it", () => {
    const w = workspace();
    const sub = join(w.dir, "deploy", "prod");
    mkdirSync(sub, { recursive: true });
    const [bob, carol] = [testKey("bob").recipient, testKey("carol").recipient];
    writeFileSync(
      join(w.dir, ".sops.yaml"),
      `creation_rules:\n  - path_regex: ^deploy/staging/\n    age: ${carol}\n  - path_regex: ^deploy/prod/\\.secrets\\.yaml$\n    age: [${bob}]\n`,
    );
    const r = vf(["init"], { cwd: sub, env: w.env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`added the age keys of creation rule 2 in ${join(w.dir, ".sops.yaml")}`);
    expect(parse(readFileSync(join(sub, ".secrets.yaml"), "utf8")).recipients).toEqual({
      alice: testKey("alice").recipient,
      "sops-1": bob,
    });
  });

  it("--config and SOPS_CONFIG name the config instead; a missing one is an error", () => {
    const w = workspace();
    const bob = testKey("bob").recipient;
    writeFileSync(join(w.dir, ".sops.yaml"), `creation_rules:\n  - age: ${testKey("carol").recipient}\n`);
    writeFileSync(join(w.dir, "other.yaml"), `creation_rules:\n  - age: ${bob}\n`);
    const r = w.run(["init", "--config", "other.yaml"]);
    expect(r.code, r.stderr).toBe(0);
    expect(Object.values(parse(w.text()).recipients)).toEqual([testKey("alice").recipient, bob]);
    const missing = vf(["-f", "b.yaml", "init"], { cwd: w.dir, env: { ...w.env, SOPS_CONFIG: "nope.yaml" } });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(`sops config ${join(w.dir, "nope.yaml")} does not exist`);
    expect(existsSync(join(w.dir, "b.yaml"))).toBe(false);
  });
});
