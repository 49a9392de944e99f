/** contrib/direnv/vaultfile.sh: `use_vaultfile` sourced by bash (with direnv's functions stubbed), and by real direnv. */
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, writeVault } from "../cli/lifecycle-support.js";
import { cleanEnv, ROOT, tempDir, testKey } from "../helpers.js";

const LIB = join(ROOT, "contrib", "direnv", "vaultfile.sh");
const VALUES = { API_TOKEN: "tok 'en' $HOME `x` \\n\nline 2", DB_URL: "postgres://u:p@h/db" };
const hasDirenv = spawnSync("direnv", ["version"]).status === 0;

/** A project folder with a vault, and a bin folder with `vaultfile` (the built CLI) on PATH. */
async function project() {
  const dir = tempDir();
  const bin = join(dir, "bin");
  mkdirSync(bin);
  symlinkSync(BIN, join(bin, "vaultfile"));
  await writeVault(join(dir, ".secrets.yaml"), (v) => {
    v.set("API_TOKEN", VALUES.API_TOKEN);
    v.set("DB_URL", VALUES.DB_URL);
  });
  const env = cleanEnv({ PATH: `${bin}:${process.env.PATH}`, VAULTFILE_AGE_KEY_FILE: testKey("alice").identityFile });
  return { dir, env };
}

/** Sources the lib in bash with a `watch_file` stub, runs `use_vaultfile ARGS`, prints the result and each variable. */
function useVaultfile(dir: string, env: NodeJS.ProcessEnv, args: string) {
  const script = `watch_file() { printf 'watch:%s\\n' "$@"; }
. "${LIB}"
if use_vaultfile ${args}; then echo "rc:0"; else echo "rc:$?"; fi
printf -- '--\\n%s\\0%s' "\${API_TOKEN-unset}" "\${DB_URL-unset}"`;
  const r = spawnSync("bash", ["--noprofile", "--norc", "-c", script], { cwd: dir, env, encoding: "utf8" });
  const at = r.stdout.lastIndexOf("--\n");
  const [apiToken, dbUrl] = r.stdout.slice(at + 3).split("\0");
  return {
    lines: r.stdout.slice(0, at).split("\n").filter(Boolean),
    values: { API_TOKEN: apiToken, DB_URL: dbUrl },
    stderr: r.stderr,
  };
}

describe("direnv: use_vaultfile", () => {
  it("loads every secret exactly and watches the vault file", async () => {
    const p = await project();
    const r = useVaultfile(p.dir, p.env, "");
    expect(r.lines).toEqual(["watch:.secrets.yaml", "rc:0"]);
    expect(r.values).toEqual(VALUES);
    expect(r.stderr).toBe("");
  });

  it("takes a vault file and export options", async () => {
    const p = await project();
    mkdirSync(join(p.dir, "deploy"));
    await writeVault(join(p.dir, "deploy", "prod.yaml"), (v) => v.set("API_TOKEN", "prod-token"));
    const r = useVaultfile(p.dir, p.env, "deploy/prod.yaml --only API_TOKEN");
    expect(r.lines).toEqual(["watch:deploy/prod.yaml", "rc:0"]);
    expect(r.values).toEqual({ API_TOKEN: "prod-token", DB_URL: "unset" });
  });

  it("loads nothing and fails when the vault cannot be opened, naming the file", async () => {
    const p = await project();
    const r = useVaultfile(p.dir, { ...p.env, VAULTFILE_AGE_KEY_FILE: testKey("bob").identityFile }, "");
    expect(r.lines).toEqual(["watch:.secrets.yaml", "rc:1"]);
    expect(r.values).toEqual({ API_TOKEN: "unset", DB_URL: "unset" });
    expect(r.stderr).toMatch(/^vaultfile: error: none of your age identities can open/m);
    expect(r.stderr).toContain("direnv: vaultfile: could not load the secrets of .secrets.yaml");
  });

  it.skipIf(!hasDirenv)("works in real direnv from ~/.config/direnv/lib: `use vaultfile` in .envrc", async () => {
    const p = await project();
    const lib = join(String(p.env.XDG_CONFIG_HOME), "direnv", "lib");
    mkdirSync(lib, { recursive: true });
    symlinkSync(LIB, join(lib, "vaultfile.sh"));
    writeFileSync(join(p.dir, ".envrc"), "use vaultfile\n");
    const env = { ...p.env, XDG_DATA_HOME: join(String(p.env.HOME), ".local", "share"), DIRENV_LOG_FORMAT: "" };
    expect(spawnSync("direnv", ["allow", p.dir], { env, encoding: "utf8" }).status).toBe(0);
    const r = spawnSync(
      "direnv",
      [
        "exec",
        p.dir,
        "node",
        "-e",
        "process.stdout.write(JSON.stringify([process.env.API_TOKEN, process.env.DB_URL]))",
      ],
      { env, encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual([VALUES.API_TOKEN, VALUES.DB_URL]);
  });
  if (!hasDirenv)
    it("real direnv: skipped, `direnv` is not installed (.ci/run installs it)", () => expect(hasDirenv).toBe(false));
});
