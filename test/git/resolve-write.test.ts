/**
 * `vaultfile git resolve` rewrites the working vault, so it writes through the vault's own write path as every other
 * command that writes it (`writeVaultText`): it takes the vault's lock, refuses a file that changed while it ran,
 * keeps the file's mode and says when it replaced a read-only one. The merge driver writes only git's temp file
 * (`%A`), which git then puts in the work tree itself: it takes no vault lock (see `gitMerge`), so a lock held by a
 * long `vaultfile edit` does not fail a `git merge` (that edit's save then refuses the file git changed under it).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseIdentities } from "../../src/crypto/identities.js";
import { ConflictError } from "../../src/errors.js";
import { resolveConflict } from "../../src/git/resolve.js";
import { createVault, openVault } from "../../src/io/vault-file.js";
import { BIN, vf } from "../cli/lifecycle-support.js";
import { NOW } from "../helpers.js";
import { alice, repository } from "./custody-support.js";

const FILE = ".secrets.yaml";

/**
 * A repository stopped in a merge on the vault: PYPI_TOKEN rotated on both sides. Without `driver`, git merged it
 * line by line (a clone without `git setup`): conflict markers in the file, the three versions in the index.
 */
async function conflicted(driver = false) {
  const r = repository();
  if (driver) {
    writeFileSync(join(r.repo, ".gitattributes"), `${FILE} merge=vaultfile\n`);
    r.git("config", "merge.vaultfile.driver", `${process.execPath} ${BIN} git merge %O %A %B %P`);
  }
  const v = await createVault(r.file, { alice: alice.recipient }, r.opts());
  v.set("PYPI_TOKEN", "pypi-0");
  v.set("NPM_TOKEN", "npm-0");
  await v.save();
  r.git("add", "-A");
  r.git("commit", "-q", "-m", "vault");
  r.git("checkout", "-q", "-b", "side");
  await r.change("rotate PYPI_TOKEN", (w) => w.rotate("PYPI_TOKEN", "pypi-side"));
  r.git("checkout", "-q", "main");
  await r.change("rotate on main", (w) => w.rotate(driver ? "NPM_TOKEN" : "PYPI_TOKEN", "main-value"));
  const merge = spawnSync("git", ["merge", "--no-edit", "side"], { cwd: r.repo, env: r.env, encoding: "utf8" });
  const run = (args: string[], more = {}) => vf(args, { cwd: r.repo, env: { ...r.env, ...more } });
  return { ...r, merge, run };
}

const RESOLVE = ["git", "resolve", FILE, "--theirs", "PYPI_TOKEN"];

describe("git resolve writes through the vault's write path", () => {
  it("waits for the vault's lock and, when another process holds it, leaves the file as it is", async () => {
    const r = await conflicted();
    expect(r.merge.status).not.toBe(0);
    const before = readFileSync(r.file, "utf8");
    expect(before).toContain("<<<<<<<");
    // A live holder (this test's process), as a `vaultfile edit` in another terminal would be.
    writeFileSync(`${r.file}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), since: NOW.toISOString() }));
    const locked = r.run(RESOLVE, { VAULTFILE_LOCK_TIMEOUT_MS: "200" });
    expect(locked.code, locked.stderr).toBe(8);
    expect(locked.stderr).toMatch(/^vaultfile: error: \S*\.secrets\.yaml is locked by process \d+/);
    expect(readFileSync(r.file, "utf8")).toBe(before);
    execFileSync("rm", [`${r.file}.lock`]);
    const done = r.run(RESOLVE);
    expect(done.code, done.stderr).toBe(0);
    expect((await openVault(r.file, { identities: [alice.secret], env: {} })).get("PYPI_TOKEN").value).toBe(
      "pypi-side",
    );
    expect(readdirSync(r.repo).filter((f) => f.endsWith(".lock"))).toEqual([]);
  });

  it("keeps a read-only vault's mode (and, where the writer may set it, its owner) and says it replaced it", async () => {
    const r = await conflicted();
    chmodSync(r.file, 0o444);
    // Only root may give the new file another user's ownership (`sudo vaultfile git resolve` must not take it).
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chownSync(r.file, 4321, 4321);
    const done = r.run(RESOLVE);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/vaultfile: warning: \S*\.secrets\.yaml was read-only \(mode 0444\); replaced it/);
    expect(statSync(r.file).mode & 0o777).toBe(0o444);
    if (asRoot) expect([statSync(r.file).uid, statSync(r.file).gid]).toEqual([4321, 4321]);
    expect(readFileSync(r.file, "utf8")).not.toContain("<<<<<<<");
  });

  it("refuses a file that changed while the merge ran, and keeps what was written meanwhile", async () => {
    const r = await conflicted();
    const meanwhile = `${readFileSync(r.file, "utf8")}# an edit saved while resolve decrypted\n`;
    // The merge reads the key only after resolve read the file: the edit lands between that read and the write.
    const [identity] = parseIdentities(alice.secret, "test");
    let edited = false;
    const sneaky = {
      ...identity!,
      get secret() {
        if (!edited) writeFileSync(r.file, meanwhile);
        edited = true;
        return identity!.secret;
      },
    };
    const resolving = resolveConflict(r.file, {
      keys: { identities: [sneaky], searched: [] },
      now: NOW,
      prefer: new Map([["PYPI_TOKEN", "theirs"]]),
    });
    await expect(resolving).rejects.toSatisfy((e) => e instanceof ConflictError && e.code === "E_CONFLICT");
    expect(edited).toBe(true);
    expect(readFileSync(r.file, "utf8")).toBe(meanwhile);
  });
});

describe("the merge driver", () => {
  it("writes git's %A without the vault's lock, so a held lock does not fail `git merge`", async () => {
    const r = await conflicted(true);
    expect(r.merge.status, r.merge.stderr).toBe(0); // different secrets rotated: the driver merged them
    // The same merge again, with the vault's lock held by a live process.
    execFileSync("git", ["reset", "-q", "--hard", "HEAD^"], { cwd: r.repo, env: r.env });
    writeFileSync(`${r.file}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), since: NOW.toISOString() }));
    const merge = spawnSync("git", ["merge", "--no-edit", "side"], {
      cwd: r.repo,
      env: { ...r.env, VAULTFILE_LOCK_TIMEOUT_MS: "200" },
      encoding: "utf8",
    });
    expect(merge.status, merge.stderr + merge.stdout).toBe(0);
    const v = await openVault(r.file, { identities: [alice.secret], env: {} });
    expect([v.get("PYPI_TOKEN").value, v.get("NPM_TOKEN").value]).toEqual(["pypi-side", "main-value"]);
    // Neither a lock nor a temp file beside git's %A (`.merge_file_…`) was left in the work tree.
    expect(readdirSync(r.repo).filter((f) => /\.merge_file_|\.vaultfile-tmp-/.test(f))).toEqual([]);
  });
});
