/**
 * Issue 12 item 6 and issue 15 item 7: a committed symlink `.env -> docs/CHANGELOG.md` made `export -o .env` write
 * every secret into the tracked changelog. Now a symlink target is refused unless --follow-symlinks, a tracked
 * target is refused (the link's target too), and an unignored target in a work tree gets a warning. Also items 3
 * (set, import, export refuse code-loading names) and the import finding (bad names echoed only as a prefix).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { workspace, writeVault } from "./lifecycle-support.js";

function repo() {
  const w = workspace();
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: w.dir,
      stdio: "ignore",
      env: {
        ...process.env,
        GIT_CONFIG_GLOBAL: "/dev/null",
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@e",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@e",
      },
    });
  git("init", "-q");
  mkdirSync(join(w.dir, "docs"));
  writeFileSync(join(w.dir, "docs", "CHANGELOG.md"), "# Changelog\n");
  symlinkSync("docs/CHANGELOG.md", join(w.dir, ".env"));
  git("add", "docs", ".env");
  git("commit", "-qm", "docs");
  return w;
}

describe("export -o", () => {
  it("refuses a symlink target, and with --follow-symlinks still refuses the tracked file it points to", async () => {
    const w = repo();
    await writeVault(w.file, (v) => v.set("DB_PASSWORD", "db-pass-canary"));
    const r = w.run(["export", "-o", ".env"]);
    expect(r.code).toBe(8);
    expect(r.stderr.split("\n")[0]).toBe(
      `vaultfile: error: refusing to write secrets through ${join(w.dir, ".env")}: it is a symbolic link (to docs/CHANGELOG.md)`,
    );
    const followed = w.run(["export", "-o", ".env", "--follow-symlinks"]);
    expect(followed.code).toBe(8);
    expect(followed.stderr.split("\n")[0]).toBe(
      `vaultfile: error: refusing to write secrets into .env: git tracks the file it links to, ${join(w.dir, "docs", "CHANGELOG.md")}`,
    );
    const tracked = w.run(["export", "-o", "docs/CHANGELOG.md"]);
    expect(tracked.stderr.split("\n")[0]).toBe(
      "vaultfile: error: refusing to write secrets into docs/CHANGELOG.md: git tracks it",
    );
    expect(readFileSync(join(w.dir, "docs", "CHANGELOG.md"), "utf8")).toBe("# Changelog\n");
    expect(r.stdout + r.stderr + followed.stderr + tracked.stderr).not.toContain("db-pass-canary");
  });

  it("warns when the target is in a work tree and not ignored; says nothing when it is ignored or outside", async () => {
    const w = repo();
    await writeVault(w.file, (v) => v.set("DB_PASSWORD", "db-pass"));
    const r = w.run(["export", "-o", "secrets.env"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "vaultfile: warning: secrets.env is inside a git work tree and not ignored: add it to .gitignore so that the secrets are never committed\n",
    );
    writeFileSync(join(w.dir, ".gitignore"), "local.env\n");
    const ignored = w.run(["export", "-o", "local.env"]);
    expect(ignored.code).toBe(0);
    expect(ignored.stderr).not.toContain("warning");
    expect(existsSync(join(w.dir, "local.env"))).toBe(true);
  });
});

describe("names that load code", () => {
  it("set, import and export refuse them (exit 6, naming the variable) unless --allow-name", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => v.set("DB_PASSWORD", "db-pass"));
    const set = w.run(["set", "NODE_OPTIONS", "--stdin"], { input: "--require /tmp/evil.js" });
    expect(set.code).toBe(6);
    expect(set.stderr.split("\n")[0]).toBe(
      "vaultfile: error: refusing to store NODE_OPTIONS: a variable that changes which code a program runs (Node.js)",
    );
    writeFileSync(join(w.dir, "in.env"), "A=1\nLD_PRELOAD=/tmp/evil.so\n");
    const imp = w.run(["import", "in.env"]);
    expect(imp.code).toBe(6);
    expect(imp.stderr.split("\n")[0]).toBe(
      "vaultfile: error: refusing to import LD_PRELOAD: a variable that changes which code a program runs (LD_*)",
    );
    expect(
      w.run(["set", "NODE_OPTIONS", "--stdin", "--allow-name", "NODE_OPTIONS"], { input: "--max-old-space-size=100" })
        .code,
    ).toBe(0);
    const exp = w.run(["export"]);
    expect(exp.code).toBe(6);
    expect(exp.stderr.split("\n")[0]).toBe(
      "vaultfile: error: refusing to export NODE_OPTIONS: a variable that changes which code a program runs (Node.js)",
    );
    expect(w.run(["export", "--allow-name", "NODE_OPTIONS"]).stdout).toContain("NODE_OPTIONS=");
    expect(w.run(["export", "--format", "json"]).code).toBe(0);
  });

  it("import refuses a PEM cut at its first line, and echoes a bad name only as a short prefix", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => v.set("DB_PASSWORD", "db-pass"));
    const body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7";
    writeFileSync(join(w.dir, "pem.env"), `KEY=-----BEGIN PRIVATE KEY-----\n${body}==\n-----END PRIVATE KEY-----\n`);
    const pem = w.run(["import", "pem.env"]);
    expect(pem.code).toBe(6);
    expect(pem.stderr.split("\n")[0]).toBe(
      "vaultfile: error: KEY in pem.env holds only the first line of a PEM block: a multi-line value must be quoted",
    );
    writeFileSync(join(w.dir, "bad.env"), `A=1\n${body}-x=2\n`);
    const bad = w.run(["import", "bad.env"]);
    expect(bad.code).toBe(6);
    expect(bad.stderr.split("\n")[0]).toBe(
      `vaultfile: error: cannot import "MIIE…" (${body.length + 2} characters): secret names must be environment variable names`,
    );
    expect(pem.stderr + bad.stderr).not.toContain(body.slice(0, 8));
  });
});
