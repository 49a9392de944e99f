/**
 * Issue 12 item 5: a symlink (`ln -s /nonexistent .secrets.yaml.lock`, committable), a folder or another user's
 * unreadable lock at the lock path made writers spin on a CPU and ignore VAULTFILE_LOCK_TIMEOUT_MS. Now anything
 * but a regular file is refused at once (exit 8, naming the path and what is there), and every branch of the wait
 * sleeps and meets the deadline.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConflictError } from "../../src/errors.js";
import { acquireLock } from "../../src/io/lock.js";
import { ROOT, tempDir } from "../helpers.js";

function refusal(target: string): ConflictError {
  try {
    acquireLock(target, { timeoutMs: 600_000 }).release();
  } catch (err) {
    return err as ConflictError;
  }
  throw new Error("the lock was taken");
}

describe("the lock path holds something that is not a lock file", () => {
  it("a dangling symlink is refused at once, naming the path and its target", () => {
    const vault = join(tempDir(), ".secrets.yaml");
    symlinkSync("/nonexistent", `${vault}.lock`);
    const err = refusal(vault);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.exitCode).toBe(8);
    expect(err.message).toBe(`cannot lock ${vault}: ${vault}.lock is a symbolic link to /nonexistent, not a lock file`);
  });

  it("a folder and a named pipe are refused at once", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "a.yaml.lock"));
    expect(refusal(join(dir, "a.yaml")).message).toBe(
      `cannot lock ${join(dir, "a.yaml")}: ${join(dir, "a.yaml.lock")} is a directory, not a lock file`,
    );
    execFileSync("mkfifo", [join(dir, "b.yaml.lock")]);
    expect(refusal(join(dir, "b.yaml")).message).toMatch(/b\.yaml\.lock is a named pipe, not a lock file$/);
  });

  it("another user's unreadable lock is waited for until the timeout, then named", () => {
    if (process.getuid?.() !== 0) {
      console.log("skipped: needs root to make a lock file that the user nobody cannot read");
      return;
    }
    const dir = tempDir();
    chmodSync(dir, 0o777);
    writeFileSync(
      join(dir, "v.yaml.lock"),
      JSON.stringify({ pid: 1, host: "elsewhere", since: "2026-01-01T00:00:00Z" }),
      { mode: 0o600 },
    );
    const script = `import { acquireLock } from ${JSON.stringify(join(ROOT, "dist/io/lock.js"))};
      try { acquireLock(${JSON.stringify(join(dir, "v.yaml"))}, { timeoutMs: 300 }); console.log("taken"); } catch (e) { console.log(e.exitCode, e.message); }`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      uid: 65534,
      gid: 65534,
      encoding: "utf8",
      timeout: 30_000,
    });
    if (r.error || (r.status !== 0 && /EACCES|permission/i.test(r.stderr))) {
      console.log(`skipped: the user nobody cannot run node here (${r.error?.message ?? r.stderr.split("\n")[0]})`);
      return;
    }
    expect(r.signal, "still waiting after 30 s").toBeNull();
    expect(r.stdout.trim()).toBe(
      `8 ${join(dir, "v.yaml")} is locked by another user (${join(dir, "v.yaml.lock")} cannot be read: permission denied)`,
    );
  });
});
