/** `vaultfile export`: each format read back by its reader, 0600 files, $GITHUB_ENV, and refusals. */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import dotenv from "dotenv";
import { describe, expect, it } from "vitest";
import { BIN, workspace, writeVault, type Workspace } from "./lifecycle-support.js";

/** Values that break naive quoting, one expired secret, and one that is fine. */
const TRICKY = {
  QUOTES: `it's a "test" with \`ticks\``,
  DOLLAR: "pa$$word ${HOME} $(id)",
  MULTI: "-----BEGIN KEY-----\nabc=\n-----END KEY-----\n",
  SPACES: "  padded # not a comment ",
};

/** The vault is written at NOW (2026-11-24); the CLI runs on 2026-12-15, after OLD_TOKEN expired. */
async function exportVault(): Promise<Workspace> {
  const w = workspace({ VAULTFILE_NOW: "2026-12-15T00:00:00Z" });
  await writeVault(w.file, (v) => {
    for (const [name, value] of Object.entries(TRICKY)) v.set(name, value);
    v.set("OLD_TOKEN", "old-value", { expiresAt: "2026-12-01" });
  });
  return w;
}

const modeOf = (path: string): number => statSync(path).mode & 0o777;

describe("vaultfile export", () => {
  it("prints dotenv that the dotenv package reads back exactly, warning about expired secrets by name", async () => {
    const w = await exportVault();
    const r = w.run(["export"]);
    expect(r.code).toBe(0);
    expect(dotenv.parse(r.stdout)).toEqual({ ...TRICKY, OLD_TOKEN: "old-value" });
    expect(r.stderr).toBe(
      "vaultfile: warning: OLD_TOKEN expired on 2026-12-01; exporting it anyway (--exclude-expired leaves it out)\n",
    );
  });

  it("--exclude-expired leaves expired secrets out; --only picks names in the order given", async () => {
    const w = await exportVault();
    const r = w.run(["export", "--format", "json", "--exclude-expired"]);
    expect(JSON.parse(r.stdout)).toEqual(TRICKY);
    const only = w.run(["export", "--format", "json", "--only", "MULTI,QUOTES", "OLD_TOKEN", "--exclude-expired"]);
    expect(Object.keys(JSON.parse(only.stdout))).toEqual(["MULTI", "QUOTES"]);
    expect(only.stderr).toBe(
      "vaultfile: warning: OLD_TOKEN expired on 2026-12-01 and was left out (--exclude-expired)\n",
    );
    // One argument with spaces (a quoted list, or "$NAMES"), as --help says: "space- or comma-separated".
    const quoted = w.run(["export", "--format", "json", "--only", "DOLLAR SPACES, QUOTES"]);
    expect(quoted.stderr).toBe("");
    expect(Object.keys(JSON.parse(quoted.stdout))).toEqual(["DOLLAR", "SPACES", "QUOTES"]);
  });

  it("--only with an unknown name fails with exit 3 and prints nothing", async () => {
    const w = await exportVault();
    const r = w.run(["export", "--only", "QUOTES", "NOPE"]);
    expect(r).toEqual({
      code: 3,
      stdout: "",
      stderr: "vaultfile: error: no secret named NOPE\nvaultfile: hint: run `vaultfile status` to list the secrets\n",
    });
  });

  it("shell output eval'd by bash and dash gives the exact values", async () => {
    const w = await exportVault();
    for (const shell of ["bash", "dash"]) {
      const script = `eval "$(node ${BIN} export --format shell --exclude-expired)" && printf '%s\\0' "$QUOTES" "$DOLLAR" "$MULTI" "$SPACES"`;
      const r = spawnSync(shell, ["-c", script], {
        cwd: w.dir,
        env: w.env,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
      expect(r.status).toBe(0);
      expect(r.stdout.split("\0").slice(0, 4)).toEqual(Object.values(TRICKY));
    }
  });

  it("-o creates the file with mode 0600; an existing 0644 file (through a symlink, with --follow-symlinks) comes out 0600, the link kept", async () => {
    const w = await exportVault();
    const out = join(w.dir, ".env");
    const r = w.run(["export", "-o", ".env", "--exclude-expired"]);
    expect(r).toEqual({ code: 0, stdout: "", stderr: "vaultfile: note: wrote 4 secrets to .env with mode 0600\n" });
    expect(modeOf(out)).toBe(0o600);
    expect(dotenv.parse(readFileSync(out, "utf8"))).toEqual(TRICKY);

    const real = join(w.dir, "real.env");
    writeFileSync(real, "OLD=1\n", { mode: 0o644 });
    symlinkSync(real, join(w.dir, "link.env"));
    expect(w.run(["export", "-o", "link.env", "--only", "QUOTES"]).code).toBe(8); // a symlink is refused unless followed
    const again = w.run(["export", "-o", "link.env", "--only", "QUOTES", "--follow-symlinks"]);
    expect(again.stderr).toBe("vaultfile: note: wrote 1 secret to link.env with mode 0600 (it was 0644)\n");
    expect(lstatSync(join(w.dir, "link.env")).isSymbolicLink()).toBe(true);
    expect(modeOf(real)).toBe(0o600);
    expect(dotenv.parse(readFileSync(real, "utf8"))).toEqual({ QUOTES: TRICKY.QUOTES });
  });

  it("refuses to write over the vault file itself", async () => {
    const w = await exportVault();
    const before = w.text();
    const r = w.run(["export", "-o", "./.secrets.yaml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^vaultfile: error: refusing to write the export over the vault file .*\.secrets\.yaml\n/);
    expect(w.text()).toBe(before);
  });

  it("refuses a value no dotenv quoting holds, naming the secret, writing no file", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => v.set("HARD", 'it\'s "all" `three`\nsecret-part'));
    const r = w.run(["export", "-o", ".env"]);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(
      /^vaultfile: error: cannot write HARD in dotenv format exactly: .*\nvaultfile: hint: use --format shell or --format json/,
    );
    expect(r.stderr).not.toContain("secret-part");
    expect(existsSync(join(w.dir, ".env"))).toBe(false);
  });

  it("github: masks on stdout, blocks appended to $GITHUB_ENV after what earlier steps wrote", async () => {
    const w = await exportVault();
    const githubEnv = join(w.dir, "github_env");
    writeFileSync(githubEnv, "EARLIER=1"); // no trailing newline
    const r = w.run(["export", "--format", "github", "--only", "MULTI", "DOLLAR"], { env: { GITHUB_ENV: githubEnv } });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "::add-mask::-----BEGIN KEY-----\n::add-mask::abc=\n::add-mask::-----END KEY-----\n::add-mask::pa$$word ${HOME} $(id)\n",
    );
    expect(r.stderr).toBe("vaultfile: note: appended 2 secrets to $GITHUB_ENV\n");
    const text = readFileSync(githubEnv, "utf8");
    const m = /^EARLIER=1\nMULTI<<(\S+)\n([\s\S]*)\n\1\nDOLLAR<<(\S+)\n(.*)\n\3\n$/.exec(text);
    expect(m?.[2]).toBe(TRICKY.MULTI);
    expect(m?.[4]).toBe(TRICKY.DOLLAR);
  });

  it("github -o appends to a file readable by others with a warning (never to $GITHUB_ENV's mode)", async () => {
    const w = await exportVault();
    const file = join(w.dir, "env.out");
    writeFileSync(file, "", { mode: 0o644 });
    chmodSync(file, 0o644);
    const r = w.run(["export", "--format", "github", "--only", "DOLLAR", "-o", file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`vaultfile: warning: ${file} is readable by others (mode 0644) and now holds secrets`);
    const quiet = join(w.dir, "private.out");
    const r2 = w.run(["export", "--format", "github", "--only", "DOLLAR", "-o", quiet]);
    expect(r2.stderr).not.toContain("warning");
    expect(statSync(quiet).mode & 0o777).toBe(0o600);
  });

  it("github without $GITHUB_ENV or -o is a usage error", async () => {
    const w = await exportVault();
    const r = w.run(["export", "--format", "github"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("--format github needs $GITHUB_ENV");
  });
});
