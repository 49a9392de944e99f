/**
 * Issue 12 items 2 and 3: `exec` handed the age key to the child (VAULTFILE_AGE_KEY, SOPS_AGE_KEY and their _FILE
 * forms), and secrets named PATH, BASH_ENV, NODE_OPTIONS, LD_PRELOAD, … took over the child (PATH even chose which
 * program exec started).
 */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testKey } from "../helpers.js";
import { workspace, writeVault } from "./lifecycle-support.js";

const PRINT_KEYS = `env | grep -E '^(VAULTFILE_AGE_KEY|SOPS_AGE_KEY|SOPS_AGE_SSH_PRIVATE_KEY)' | cut -d= -f1 | sort | tr '\\n' ' '; echo "[$DB_PASSWORD]"`;
/** Any variable whose name holds AGE_KEY or AGE_SSH (VAULTFILE_ and SOPS_ alike), as the child sees it. */
const PRINT_ANY_KEY = `env | grep -E '^[A-Za-z_]*AGE_(KEY|SSH)' | cut -d= -f1 | sort | tr '\\n' ' '; echo "[$DB_PASSWORD]"`;

describe("exec and the key variables", () => {
  it("removes every key variable from the child's environment; --pass-keys keeps them", async () => {
    const w = workspace({
      VAULTFILE_AGE_KEY: testKey("alice").secret,
      SOPS_AGE_KEY: testKey("alice").secret,
      SOPS_AGE_KEY_FILE: testKey("alice").identityFile,
      SOPS_AGE_SSH_PRIVATE_KEY_FILE: testKey("bob").identityFile,
    });
    await writeVault(w.file, (v) => v.set("DB_PASSWORD", "db-pass"));
    const r = w.run(["exec", "--only", "DB_PASSWORD", "--", "sh", "-c", PRINT_KEYS]);
    expect(r).toMatchObject({ code: 0, stdout: "[db-pass]\n" });
    const kept = w.run(["exec", "--pass-keys", "--only", "DB_PASSWORD", "--", "sh", "-c", PRINT_KEYS]);
    expect(kept.stdout).toBe(
      "SOPS_AGE_KEY SOPS_AGE_KEY_FILE SOPS_AGE_SSH_PRIVATE_KEY_FILE VAULTFILE_AGE_KEY VAULTFILE_AGE_KEY_FILE [db-pass]\n",
    );
  });

  it("removes every variable the key lookup reads (files, texts, key commands, SSH keys), each set to a working key", async () => {
    const { KEY_SOURCES, KEY_VARIABLES } = await import("../../src/rules/env-danger.js");
    const alice = testKey("alice");
    const env: Record<string, string> = {};
    for (const { names, kind } of KEY_SOURCES) {
      for (const name of names)
        env[name] = kind === "file" ? alice.identityFile : kind === "text" ? alice.secret : `cat ${alice.identityFile}`;
    }
    expect(Object.keys(env)).toHaveLength(10);
    const w = workspace(env);
    await writeVault(w.file, (v) => v.set("DB_PASSWORD", "db-pass"));
    const r = w.run(["exec", "--only", "DB_PASSWORD", "--", "sh", "-c", PRINT_ANY_KEY]);
    expect(r).toMatchObject({ code: 0, stdout: "[db-pass]\n" });
    const kept = w.run(["exec", "--pass-keys", "--only", "DB_PASSWORD", "--", "sh", "-c", PRINT_ANY_KEY]);
    expect(kept.stdout).toBe(`${[...KEY_VARIABLES].sort().join(" ")} [db-pass]\n`);
  });
});

describe("exec and secrets that load code", () => {
  it("refuses a secret named PATH, BASH_ENV, NODE_OPTIONS or LD_PRELOAD (exit 6, naming it) unless --allow-name", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => {
      v.set("DB_PASSWORD", "db-pass");
      v.set("BASH_ENV", "/tmp/evil.sh");
    });
    const r = w.run(["exec", "--", "bash", "-c", "echo ran"]);
    expect(r.code).toBe(6);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "vaultfile: error: refusing to pass to the command BASH_ENV: a variable that changes which code a program runs (shells)\n" +
        "vaultfile: hint: pass --allow-name BASH_ENV if that is what you mean (SECURITY.md lists these names)\n",
    );
    expect(w.run(["exec", "--only", "DB_PASSWORD", "--", "sh", "-c", 'echo "$DB_PASSWORD"']).stdout).toBe("db-pass\n");
    const allowed = w.run(["exec", "--allow-name", "BASH_ENV", "--", "sh", "-c", 'echo "$BASH_ENV"']);
    expect(allowed).toMatchObject({ code: 0, stdout: "/tmp/evil.sh\n" });
  });

  it("looks the command up with vaultfile's own PATH: an allowed PATH secret does not choose the program", async () => {
    const w = workspace();
    const evil = join(w.dir, "evil");
    mkdirSync(evil);
    writeFileSync(join(evil, "deploy"), "#!/bin/sh\necho EVIL\n");
    chmodSync(join(evil, "deploy"), 0o755);
    const good = join(w.dir, "good");
    mkdirSync(good);
    writeFileSync(join(good, "deploy"), '#!/bin/sh\necho "good $0"\n');
    chmodSync(join(good, "deploy"), 0o755);
    await writeVault(w.file, (v) => v.set("PATH", evil));
    const r = w.run(["exec", "--allow-name", "PATH", "--", "deploy"], { env: { PATH: `${good}:${process.env.PATH}` } });
    expect(r).toMatchObject({ code: 0, stdout: `good ${join(good, "deploy")}\n` });
    const missing = w.run(["exec", "--allow-name", "PATH", "--", "deploy"]);
    expect(missing.code).toBe(127);
  });
});
