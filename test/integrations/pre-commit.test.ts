/**
 * The `vaultfile-check` hook of .pre-commit-hooks.yaml, run by the real pre-commit framework from a clone of this
 * repository, as a user's .pre-commit-config.yaml would: pre-commit installs the hook (`npm install`, `npm pack`,
 * `npm install -g` of the package: language node) and passes it the staged files that match its `files` pattern.
 * Installing builds the package from source, so this takes minutes: it runs in CI (.ci/run installs pre-commit; its
 * second, Node 24 run sets PRE_COMMIT_TEST=0) or with PRE_COMMIT_TEST=1, and says so when skipped.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { writeVault } from "../cli/lifecycle-support.js";
import { ROOT, tempDir } from "../helpers.js";

const hasPreCommit = spawnSync("pre-commit", ["--version"]).status === 0;
const wanted =
  process.env.PRE_COMMIT_TEST === "1" || (process.env.CI === "true" && process.env.PRE_COMMIT_TEST !== "0");
const PLAINTEXT = "sk-plaintext-never-printed";

const git = (cwd: string, ...args: string[]) => {
  const r = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    cwd,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
};

describe("pre-commit hook vaultfile-check", () => {
  it("is declared for node with the vault file pattern", () => {
    const hooks = parse(readFileSync(join(ROOT, ".pre-commit-hooks.yaml"), "utf8")) as {
      id: string;
      entry: string;
      language: string;
      files: string;
    }[];
    const hook = hooks.find((h) => h.id === "vaultfile-check")!;
    expect(hook).toMatchObject({ entry: "vaultfile check", language: "node" });
    const re = new RegExp(hook.files);
    expect([".secrets.yaml", "deploy/.secrets.prod.yaml"].every((f) => re.test(f))).toBe(true);
    expect(["secrets.yaml", "config.yaml", ".secrets.yaml.bak"].some((f) => re.test(f))).toBe(false);
  });

  it.skipIf(!hasPreCommit || !wanted)(
    "runs for real from a clone: passes an encrypted vault, fails a plaintext value without printing it, ignores other files",
    async () => {
      const dir = tempDir();
      const hookRepo = join(dir, "vaultfile");
      git(dir, "clone", "--quiet", ROOT, hookRepo);
      const rev = git(hookRepo, "rev-parse", "HEAD");
      const project = join(dir, "project");
      mkdirSync(join(project, "deploy"), { recursive: true });
      git(project, "init", "--quiet");
      writeFileSync(
        join(project, ".pre-commit-config.yaml"),
        `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: vaultfile-check\n`,
      );
      await writeVault(join(project, ".secrets.yaml"), (v) => v.set("API_TOKEN", "encrypted-ok"));
      const good = readFileSync(join(project, ".secrets.yaml"), "utf8");
      writeFileSync(
        join(project, "deploy", ".secrets.prod.yaml"),
        good.replace(/value: ENC\[[^\]]*\]/, `value: ${PLAINTEXT}`),
      );
      writeFileSync(join(project, "config.yaml"), "not: a vault\n");
      git(project, "add", "-A");
      // The user's HOME, for their npm config (registry, CA, nodedir for node-pty's build); pre-commit's own cache apart.
      const env = {
        PATH: process.env.PATH,
        HOME: process.env.HOME ?? dir,
        PRE_COMMIT_HOME: join(dir, "pre-commit-home"),
        npm_config_prefer_offline: "true",
        npm_config_audit: "false",
        npm_config_fund: "false",
      };
      const run = (...args: string[]) =>
        spawnSync("pre-commit", ["run", "vaultfile-check", ...args], {
          cwd: project,
          env,
          encoding: "utf8",
          timeout: 900_000,
        });

      const ok = run("--files", ".secrets.yaml", "config.yaml");
      expect(ok.stdout + ok.stderr).toMatch(/vaultfile check\.+Passed/);
      expect(ok.status).toBe(0);

      const bad = run("--all-files");
      const out = bad.stdout + bad.stderr;
      expect(bad.status).toBe(1);
      expect(out).toMatch(/vaultfile check\.+Failed/);
      expect(out).toContain("deploy/.secrets.prod.yaml");
      expect(out).toContain("API_TOKEN");
      expect(out).not.toContain(PLAINTEXT);
      expect(out).not.toContain("config.yaml");
    },
    1_200_000,
  );
  if (!hasPreCommit || !wanted) {
    it(`real pre-commit run: skipped (${hasPreCommit ? "set PRE_COMMIT_TEST=1 or CI=true: installing the hook builds the package, minutes" : "pre-commit is not installed; .ci/run installs it"})`, () =>
      expect(hasPreCommit && wanted).toBe(false));
  }
});
