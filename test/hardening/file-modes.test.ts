/**
 * File modes that say something: a read-only vault is still saved (the user asked for the change) but vaultfile says
 * so and keeps the mode; a vault's own mode survives the umask; `keygen` refuses a folder on its path that every
 * user can write to and warns about one another user owns or its group can write to (SECURITY.md "Where plaintext
 * can touch disk").
 */
import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { workspace } from "../cli/lifecycle-support.js";

const modeOf = (path: string): number => statSync(path).mode & 0o7777;

/** A folder `name` in the workspace with exactly `mode` (mkdir's mode goes through the umask). */
function folder(dir: string, name: string, mode: number): string {
  const path = join(dir, name);
  mkdirSync(path);
  chmodSync(path, mode);
  return path;
}

describe("saving a read-only vault", () => {
  it("keeps working, says so in one stderr line naming the file, and keeps mode 0444", () => {
    const w = workspace();
    expect(w.run(["init"]).code).toBe(0);
    chmodSync(w.file, 0o444);
    const r = w.run(["set", "API_TOKEN", "--stdin"], { input: "tok-1\n" });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split("\n").filter((l) => l.includes("read-only"));
    expect(lines).toEqual([
      `vaultfile: warning: ${w.file} was read-only (mode 0444); replaced it with the new version, which keeps that mode`,
    ]);
    expect(modeOf(w.file)).toBe(0o444);
    expect(w.run(["get", "API_TOKEN"]).stdout).toBe("tok-1\n");
  });

  it("says nothing for a writable vault", () => {
    const w = workspace();
    expect(w.run(["init"]).code).toBe(0);
    const r = w.run(["set", "API_TOKEN", "--stdin"], { input: "tok-1\n" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain("read-only");
  });

  it.skipIf((process.umask() & 0o020) === 0)("keeps a mode the umask would narrow (0664 stays 0664, not 0644)", () => {
    const w = workspace();
    expect(w.run(["init"]).code).toBe(0);
    chmodSync(w.file, 0o664);
    expect(w.run(["set", "API_TOKEN", "--stdin"], { input: "tok-1\n" }).code).toBe(0);
    expect(modeOf(w.file)).toBe(0o664);
    expect(readFileSync(w.file, "utf8")).toContain("API_TOKEN:");
  });
});

describe("the owner of a vault saved by root", () => {
  it.skipIf(process.getuid?.() !== 0)(
    "stays the owner and group it had (sudo vaultfile set keeps a user's vault theirs)",
    () => {
      const w = workspace();
      expect(w.run(["init"]).code).toBe(0);
      chownSync(w.file, 65534, 65534);
      expect(w.run(["set", "API_TOKEN", "--stdin"], { input: "tok-1\n" }).code).toBe(0);
      const st = statSync(w.file);
      expect([st.uid, st.gid]).toEqual([65534, 65534]);
      expect(w.run(["get", "API_TOKEN"]).stdout).toBe("tok-1\n");
    },
  );
});

describe("keygen into a folder others can change", () => {
  const refused = (folder: string, why: string): RegExp =>
    new RegExp(
      `^vaultfile: error: refusing to write a key under ${folder.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: ${why}, so they could replace the key with their own\\nvaultfile: hint: `,
    );

  it("refuses a world-writable folder without the sticky bit (exit 8), and one below it, writing nothing", () => {
    const w = workspace();
    const shared = join(w.dir, "shared");
    mkdirSync(join(shared, "mine"), { recursive: true, mode: 0o700 });
    chmodSync(shared, 0o777);
    for (const out of ["shared/k.txt", "shared/mine/k.txt", "shared/new/k.txt"]) {
      const r = w.run(["keygen", "-o", out]);
      expect(r.code, out).toBe(8);
      expect(r.stderr).toMatch(refused(shared, "every user can write to it \\(mode 0777\\)"));
      expect(r.stderr).toContain("`chmod o-w ");
      expect(r.stdout).toBe("");
    }
    expect(readdirSync(shared)).toEqual(["mine"]);
    expect(readdirSync(join(shared, "mine"))).toEqual([]);
  });

  it("refuses the same for the default key place under a world-writable config folder", () => {
    const w = workspace();
    const config = folder(w.dir, "config", 0o777);
    const r = w.run(["keygen"], { env: { XDG_CONFIG_HOME: config } });
    expect(r.code, r.stderr).toBe(8);
    expect(r.stderr).toMatch(refused(config, "every user can write to it \\(mode 0777\\)"));
    expect(readdirSync(config)).toEqual([]);
  });

  it.skipIf(process.getuid?.() !== 0)(
    "writes into a folder that belongs to another user with a warning naming it",
    () => {
      const w = workspace();
      const theirs = join(w.dir, "theirs");
      mkdirSync(theirs, { mode: 0o755 });
      chownSync(theirs, 65534, 65534);
      const r = w.run(["keygen", "-o", "theirs/k.txt"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(
        `vaultfile: warning: ${theirs} belongs to another user, who could replace ${join(theirs, "k.txt")} with a key of their own\n`,
      );
      expect(r.stderr).toContain(
        "vaultfile: hint: if that user is not you, keep the key in a folder of your own (-o PATH)",
      );
      expect(modeOf(join(theirs, "k.txt"))).toBe(0o600);
    },
  );

  it("writes into a sticky shared folder (as /tmp) without a word", () => {
    const w = workspace();
    const sticky = folder(w.dir, "tmp", 0o1777);
    const r = w.run(["keygen", "-o", "tmp/k.txt"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/warning/);
    expect(modeOf(join(sticky, "k.txt"))).toBe(0o600);
  });

  it("writes into a group-writable folder with a warning naming it", () => {
    const w = workspace();
    const team = folder(w.dir, "team", 0o770);
    const r = w.run(["keygen", "-o", "team/k.txt"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `vaultfile: warning: ${team} can be written by its group (mode 0770), whose members could replace ${join(team, "k.txt")} with a key of their own\n`,
    );
    expect(r.stderr).toContain(`vaultfile: hint: if others are in that group, run \`chmod g-w ${team}\``);
    expect(modeOf(join(team, "k.txt"))).toBe(0o600);
  });
});
