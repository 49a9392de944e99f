/**
 * The README's Install section, checked: vaultfile is not on the npm registry, so projects add it from a git URL or
 * a tarball. This packs the project as npm would publish it, installs the tarball into a new project as a
 * devDependency, and runs it the way the README's CI recipe does (`npx --no-install vaultfile`), issue 15 item 3.
 * The dependencies come from npm's cache when it has them (`--prefer-offline`), else from the registry; the test
 * skips, saying so, when npm cannot be run.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, tempDir } from "../helpers.js";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  version: string;
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
  files: string[];
};
const npm = (args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) =>
  spawnSync("npm", args, {
    cwd,
    env: { ...env, npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" },
    encoding: "utf8",
    timeout: 240_000,
  });
const hasNpm = spawnSync("npm", ["--version"], { encoding: "utf8" }).status === 0;
if (!hasNpm)
  console.warn("SKIPPED the install test: `npm` is not on PATH, so the project cannot be packed and installed");

describe.skipIf(!hasNpm)("installing vaultfile as a devDependency", () => {
  it("a github: or git URL dependency builds itself: prepare runs the build, whose tools are devDependencies", () => {
    expect(pkg.scripts.prepare).toBe("npm run build");
    expect(pkg.scripts.build).toMatch(/^tsc -p tsconfig\.build\.json && node scripts\/bundle\.mjs$/);
    for (const tool of ["typescript", "esbuild"]) expect(Object.keys(pkg.devDependencies)).toContain(tool);
  });

  it("npm pack's tarball installs into a new project, and npx --no-install vaultfile runs it", () => {
    const work = tempDir();
    // dist/ is what `npm test` built; --ignore-scripts keeps the pack from rebuilding it under our feet.
    const pack = npm(["pack", "--ignore-scripts", "--json", "--pack-destination", work], ROOT);
    expect(pack.status, pack.stderr).toBe(0);
    const [packed] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    expect(packed!.filename).toBe(`vaultfile-${pkg.version}.tgz`); // the name .gitignore leaves out
    const files = packed!.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining([
        "bin/vaultfile.cjs",
        "bin/vaultfile.js",
        "dist/bundle/vaultfile.cjs",
        "dist/bundle/vendor/yaml.cjs",
        "dist/index.js",
        "dist/index.d.ts",
        "README.md",
        "package.json",
      ]),
    );
    expect(files.filter((f) => /^(src|test|fixtures|bench)\//.test(f) || /\.agekey$/.test(f))).toEqual([]);

    const project = join(work, "project");
    spawnSync("mkdir", [project]);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", private: true }));
    const install = npm(["install", "--prefer-offline", "--save-dev", join(work, packed!.filename)], project);
    expect(install.status, install.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as {
      devDependencies: Record<string, string>;
    };
    expect(manifest.devDependencies.vaultfile).toMatch(/^file:.*vaultfile-.*\.tgz$/);

    const env = { PATH: process.env.PATH, HOME: tempDir(), npm_config_update_notifier: "false" };
    const version = spawnSync("npx", ["--no-install", "vaultfile", "--version"], {
      cwd: project,
      env,
      encoding: "utf8",
    });
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);
    // A command that loads the dependencies (yaml, age-encryption) from the consumer's node_modules.
    const keygen = spawnSync("npx", ["--no-install", "vaultfile", "keygen", "-o", "-"], {
      cwd: project,
      env,
      encoding: "utf8",
    });
    expect(keygen.status, keygen.stderr).toBe(0);
    expect(keygen.stdout).toMatch(/^AGE-SECRET-KEY-1/m);
  }, 300_000);
});
