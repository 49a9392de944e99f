/**
 * The git integration end to end: real `git` in temporary repositories, the built CLI as git's diff and merge
 * driver (configured by `vaultfile git setup`), vaults written through the library with test-only keys.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readVaultView } from "../../src/git/vault-view.js";
import type { Vault } from "../../src/vault/vault.js";
import { cleanEnv, NOW, ROOT, tempDir, testKey } from "../helpers.js";
import { createVault, openVault } from "../../src/io/vault-file.js";

// The command before bin/vaultfile.cjs, which older `git setup`s wrote into git configs: the drivers must keep
// working through it (every other suite runs bin/vaultfile.cjs).
const BIN = join(ROOT, "bin", "vaultfile.js");
const alice = testKey("alice");
const bob = testKey("bob");
const FILE = ".secrets.yaml";
type HistoryRow = {
  name: string;
  event: string;
  subject: string;
  commit: string;
  expiresAt: string | null;
  took?: string | null;
  change?: string;
};
/** Every plaintext any test stores: none of them may ever appear in a diff, a conflict report or a check message. */
const VALUES = [
  "pypi-ORIGINAL-0001",
  "docker-ORIGINAL-0002",
  "npm-ORIGINAL-0003",
  "pypi-ROTATED-main",
  "docker-ROTATED-side",
  "pypi-ROTATED-side",
  "npm-ROTATED-later",
];

let repo: string;
let setupOutput: ReturnType<typeof cli>;
let env: NodeJS.ProcessEnv;
let day = 0;
const vaultOpts = () => ({
  identities: [alice.secret],
  env: {},
  now: () => new Date(NOW.getTime() + day * 86_400_000),
});

function git(...args: string[]): string {
  return execFileSync("git", args, { cwd: repo, env, encoding: "utf8" });
}
function cli(args: string[], extraEnv: NodeJS.ProcessEnv = env, cwd = repo) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, env: extraEnv, encoding: "utf8" });
}
/** Opens the repository's vault, applies `fn`, saves, and commits with `message`. */
async function change(message: string, fn: (v: Vault) => void | Promise<void>): Promise<void> {
  day++;
  const v = await openVault(join(repo, FILE), vaultOpts());
  await fn(v);
  await v.save();
  git("commit", "-q", "-am", message);
}
const open = () => openVault(join(repo, FILE), vaultOpts());
const expectNoPlaintext = (text: string) => {
  for (const value of VALUES) expect(text).not.toContain(value);
};

/** One repository with the vault committed and `git setup` done, copied for each test (a CLI spawn is the cost). */
let template: string;
beforeAll(async () => {
  template = mkdtempSync(join(tmpdir(), "vaultfile-git-template-"));
  repo = template;
  env = cleanEnv({ VAULTFILE_AGE_KEY: alice.secret, GIT_CONFIG_NOSYSTEM: "1" });
  git("init", "-q", "-b", "main");
  git("config", "user.name", "Alice Example");
  git("config", "user.email", "alice@example.invalid");
  const v = await createVault(join(repo, FILE), { alice: alice.recipient }, vaultOpts());
  v.set("PYPI_TOKEN", "pypi-ORIGINAL-0001", { type: "pypi", expiresIn: "365d", rotateEvery: "365d", required: true });
  v.set("DOCKER_PASSWORD", "docker-ORIGINAL-0002", { type: "docker", expiresIn: "90d", rotateEvery: "90d" });
  v.set("NPM_TOKEN", "npm-ORIGINAL-0003", { type: "npm" });
  await v.save();
  setupOutput = cli(["git", "setup"]);
  git("add", "-A");
  git("commit", "-q", "-m", "add vault");
});
afterAll(() => rmSync(template, { recursive: true, force: true }));

beforeEach(() => {
  repo = tempDir();
  cpSync(template, repo, { recursive: true });
  env = cleanEnv({ VAULTFILE_AGE_KEY: alice.secret, GIT_CONFIG_NOSYSTEM: "1" });
  day = 0;
});

describe("vaultfile git setup", () => {
  it("writes the attributes and drivers pointing at this CLI, and is idempotent", () => {
    expect(setupOutput.status, setupOutput.stderr).toBe(0);
    expect(setupOutput.stdout).toBe(""); // progress is for a person: stderr
    expect(setupOutput.stderr).toContain('.gitattributes: added ".secrets.yaml diff=vaultfile merge=vaultfile"');
    expect(readFileSync(join(repo, ".gitattributes"), "utf8")).toBe(
      ".secrets.yaml diff=vaultfile merge=vaultfile\n.secrets.*.yaml diff=vaultfile merge=vaultfile\n",
    );
    expect(git("config", "--get", "merge.vaultfile.driver").trim()).toBe(
      `${process.execPath} ${BIN} git merge %O %A %B %P`,
    );
    expect(git("config", "--get", "diff.vaultfile.textconv").trim()).toBe(`${process.execPath} ${BIN} git textconv`);
    const again = cli(["git", "setup"]);
    expect(again.status).toBe(0);
    expect(again.stderr).toContain("already");
    expect(again.stderr).not.toMatch(/added|= /);
    expect(readFileSync(join(repo, ".gitattributes"), "utf8").split("\n").filter(Boolean)).toHaveLength(2);
  });
});

describe("the merge driver", () => {
  it("merges two branches that rotate different secrets, keeping each side's ciphertext, with a valid MAC", async () => {
    git("checkout", "-q", "-b", "side");
    await change("rotate docker", (v) => void v.rotate("DOCKER_PASSWORD", "docker-ROTATED-side"));
    const sideCipher = /DOCKER_PASSWORD:\n\s+value: (\S+)/.exec(readFileSync(join(repo, FILE), "utf8"))![1];
    git("checkout", "-q", "main");
    await change("rotate pypi", (v) => void v.rotate("PYPI_TOKEN", "pypi-ROTATED-main"));
    const merge = spawnSync("git", ["merge", "-q", "--no-edit", "side"], { cwd: repo, env, encoding: "utf8" });
    expect(merge.status, merge.stderr + merge.stdout).toBe(0);
    const text = readFileSync(join(repo, FILE), "utf8");
    expect(text).toContain(sideCipher);
    const v = await open(); // verifies MAC and seal
    expect(v.get("PYPI_TOKEN").value).toBe("pypi-ROTATED-main");
    expect(v.get("DOCKER_PASSWORD").value).toBe("docker-ROTATED-side");
    expect(v.get("NPM_TOKEN").value).toBe("npm-ORIGINAL-0003");
  });

  it("stops on the same secret rotated differently on both sides, explains it without values, and resolve finishes", async () => {
    git("checkout", "-q", "-b", "side");
    await change("rotate pypi on side", (v) => void v.rotate("PYPI_TOKEN", "pypi-ROTATED-side"));
    git("checkout", "-q", "main");
    await change("rotate pypi on main and npm", (v) => {
      v.rotate("PYPI_TOKEN", "pypi-ROTATED-main");
    });
    const merge = spawnSync("git", ["merge", "--no-edit", "side"], { cwd: repo, env, encoding: "utf8" });
    expect(merge.status).not.toBe(0);
    expect(merge.stdout + merge.stderr).toMatch(/CONFLICT.*\.secrets\.yaml/);
    const text = readFileSync(join(repo, FILE), "utf8");
    expect(text).toMatch(/^# vaultfile: MERGE CONFLICT in \.secrets\.yaml: 1 conflict/);
    expect(text).toMatch(
      /# {3}secret PYPI_TOKEN: ours changed: value, rotated_at .*; theirs changed: value, rotated_at/,
    );
    expectNoPlaintext(text + merge.stderr + merge.stdout);
    expect((await open()).get("PYPI_TOKEN").value).toBe("pypi-ROTATED-main"); // still a valid vault, our side
    expect(cli(["check"]).status).toBe(8); // the hook refuses to commit it

    const resolved = cli(["git", "resolve", FILE, "--theirs", "PYPI_TOKEN"]);
    expect(resolved.status, resolved.stderr).toBe(0);
    expect(resolved.stderr).toContain("resolved .secrets.yaml");
    expect(resolved.stdout).toBe("");
    expect(readFileSync(join(repo, FILE), "utf8")).not.toContain("MERGE CONFLICT");
    expect((await open()).get("PYPI_TOKEN").value).toBe("pypi-ROTATED-side");
    git("add", FILE);
    git("commit", "-q", "--no-edit");
  });

  it("merges a branch that adds a recipient with one that rotates a secret", async () => {
    git("checkout", "-q", "-b", "side");
    await change("add bob", (v) => v.addRecipient("bob", bob.recipient));
    git("checkout", "-q", "main");
    await change("rotate npm", (v) => void v.rotate("NPM_TOKEN", "npm-ROTATED-later"));
    const merge = spawnSync("git", ["merge", "-q", "--no-edit", "side"], { cwd: repo, env, encoding: "utf8" });
    expect(merge.status, merge.stderr).toBe(0);
    const asBob = await openVault(join(repo, FILE), { identities: [bob.secret], env: {} });
    expect(asBob.recipients()).toEqual({ alice: alice.recipient, bob: bob.recipient });
    expect(asBob.get("NPM_TOKEN").value).toBe("npm-ROTATED-later");
    expect((await open()).get("PYPI_TOKEN").value).toBe("pypi-ORIGINAL-0001");
  });
});

describe("a clone without `vaultfile git setup` (issue 15, item 4)", () => {
  const forgetDrivers = () => {
    git("config", "--remove-section", "merge.vaultfile");
    git("config", "--remove-section", "diff.vaultfile");
  };
  const DRIVER_WARNING =
    "vaultfile: warning: .gitattributes sends .secrets.yaml through vaultfile's merge driver, but this clone's git config does not define it: a merge would leave git conflict markers in the file\nvaultfile: hint: run `vaultfile git setup` once in this clone\n";

  it("warns once per command that reads the vault, and not once set up", () => {
    forgetDrivers();
    const status = cli(["status"]);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stderr).toBe(DRIVER_WARNING);
    const set = spawnSync(process.execPath, [BIN, "set", "NEW_ONE", "--stdin"], {
      cwd: repo,
      env,
      input: "x\n",
      encoding: "utf8",
    });
    expect(set.status, set.stderr).toBe(0);
    expect(set.stderr.split(DRIVER_WARNING)).toHaveLength(2);
    expect(cli(["git", "setup"]).status).toBe(0);
    expect(cli(["status"]).stderr).toBe("");
  });

  it("names git's conflict markers left by a merge, and the way out, instead of 'invalid YAML'", async () => {
    forgetDrivers();
    git("checkout", "-q", "-b", "side");
    await change("rotate docker on side", (v) => void v.rotate("DOCKER_PASSWORD", "docker-ROTATED-side"));
    git("checkout", "-q", "main");
    await change("rotate pypi on main", (v) => void v.rotate("PYPI_TOKEN", "pypi-ROTATED-main"));
    const merge = spawnSync("git", ["merge", "--no-edit", "side"], { cwd: repo, env, encoding: "utf8" });
    expect(merge.status).not.toBe(0);
    const line =
      readFileSync(join(repo, FILE), "utf8")
        .split("\n")
        .findIndex((l) => l.startsWith("<<<<<<<")) + 1;
    expect(line).toBeGreaterThan(0);
    for (const args of [["status"], ["check"], ["exec", "--", "true"]]) {
      const r = cli(args);
      expect(r.status, args.join(" ")).toBe(8);
      expect(r.stderr).toContain(
        `vaultfile: error: ${join(repo, FILE)} holds git merge-conflict markers (line ${line}): it was merged without vaultfile's merge driver\nvaultfile: hint: run \`vaultfile git setup\`, then \`vaultfile git resolve`,
      );
    }
    // The way out the hint gives works: set up, resolve from git's index, commit.
    expect(cli(["git", "setup"]).status).toBe(0);
    const resolved = cli(["git", "resolve", FILE]);
    expect(resolved.status, resolved.stderr).toBe(0);
    const v = await open();
    expect([v.get("PYPI_TOKEN").value, v.get("DOCKER_PASSWORD").value]).toEqual([
      "pypi-ROTATED-main",
      "docker-ROTATED-side",
    ]);
  });

  it("status and exec say so while the merge driver's conflict block is in the file", async () => {
    git("checkout", "-q", "-b", "side");
    await change("rotate pypi on side", (v) => void v.rotate("PYPI_TOKEN", "pypi-ROTATED-side"));
    git("checkout", "-q", "main");
    await change("rotate pypi on main", (v) => void v.rotate("PYPI_TOKEN", "pypi-ROTATED-main"));
    expect(spawnSync("git", ["merge", "--no-edit", "side"], { cwd: repo, env, encoding: "utf8" }).status).not.toBe(0);
    for (const args of [["status"], ["exec", "--", "true"]]) {
      const r = cli(args);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toBe(
        "vaultfile: warning: .secrets.yaml holds an unfinished merge (the comment block at its top): the entries it names are our side's until resolved\nvaultfile: hint: `vaultfile git resolve .secrets.yaml --ours NAME… / --theirs NAME…`, then `git add .secrets.yaml`\n",
      );
    }
  });
});

describe("git diff through the textconv", () => {
  /** The changed lines of a diff (without the ---/+++ headers). */
  const changedLines = (diff: string) => diff.split("\n").filter((l) => /^[-+]/.test(l) && !/^(---|\+\+\+) /.test(l));

  it("shows exactly the rotated entry as changed, with fingerprints and no plaintext; without a key, ciphertext tags", async () => {
    day++;
    const v = await open();
    v.rotate("DOCKER_PASSWORD", "docker-ROTATED-side");
    await v.save();
    const diff = git("diff", FILE);
    expectNoPlaintext(diff);
    const changed = changedLines(diff);
    expect(changed.filter((l) => l.includes("value: <fp:"))).toHaveLength(2);
    expect(
      changed.every((l) => /^[-+] {4}(value|rotated_at|expires_at): /.test(l) || /^[-+] {2}lastmodified: /.test(l)),
      changed.join("\n"),
    ).toBe(true);
    expect(diff).toMatch(/DOCKER_PASSWORD:\n(.*\n)*?-\s+value: <fp:[0-9a-f]{16}>\n\+\s+value: <fp:[0-9a-f]{16}>/);
    // Unchanged values show the same fingerprint as context lines.
    expect(git("show", `HEAD:${FILE}`)).not.toContain("<fp:");
    expect(diff).not.toContain("ENC[");

    const keyless = cleanEnv({ GIT_CONFIG_NOSYSTEM: "1" });
    const noKeyDiff = execFileSync("git", ["diff", FILE], { cwd: repo, env: keyless, encoding: "utf8" });
    const noKeyChanged = changedLines(noKeyDiff);
    expect(noKeyChanged.filter((l) => /value: <encrypted:[0-9a-f]{8}>/.test(l))).toHaveLength(2);
    expect(
      noKeyChanged.every(
        (l) => /^[-+] {4}(value|rotated_at|expires_at): /.test(l) || /^[-+] {2}lastmodified: /.test(l),
      ),
    ).toBe(true);
    expect(noKeyDiff).toContain("mac: not checked (no key)");
  });

  it("prints a file it cannot parse as it is, so git diff never breaks", () => {
    writeFileSync(join(repo, "broken.yaml"), "secrets: [unclosed\n");
    const r = cli(["git", "textconv", "broken.yaml"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("secrets: [unclosed\n");
  });
});

describe("vaultfile check", () => {
  it("passes an intact vault (MAC verified with a key) and fails loudly on a plaintext value without showing it", () => {
    const ok = cli(["check", FILE]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("ok  .secrets.yaml (MAC and seal verified)");
    const text = readFileSync(join(repo, FILE), "utf8");
    writeFileSync(join(repo, FILE), text.replace(/(NPM_TOKEN:\n\s+value: )\S+/, "$1npm-ORIGINAL-0003"));
    const bad = cli(["check"], cleanEnv());
    expect(bad.status).toBe(6);
    expect(bad.stderr).toContain("PLAINTEXT in");
    expect(bad.stderr).toContain("NPM_TOKEN");
    expectNoPlaintext(bad.stdout + bad.stderr);
    // A value dressed up as ENC[…] by hand is still plaintext.
    writeFileSync(join(repo, FILE), text.replace(/(NPM_TOKEN:\n\s+value: )\S+/, "$1ENC[npm-ORIGINAL-0003]"));
    const disguised = cli(["check"], cleanEnv());
    expect(disguised.status).toBe(6);
    expect(disguised.stderr).toContain("NPM_TOKEN");
    expectNoPlaintext(disguised.stdout + disguised.stderr);
  });
});

describe("vaultfile history", () => {
  it("lists additions, a sequence of rotations and a removal with commit, author and new expiry", async () => {
    await change("rotate pypi", (v) => void v.rotate("PYPI_TOKEN", "pypi-ROTATED-main"));
    await change("rotate pypi again", (v) => void v.rotate("PYPI_TOKEN", "pypi-ROTATED-side"));
    await change("drop npm", (v) => v.remove("NPM_TOKEN"));
    const r = cli(["history", "--json"], cleanEnv());
    expect(r.status, r.stderr).toBe(0);
    const events = JSON.parse(r.stdout) as {
      name: string;
      event: string;
      subject: string;
      author: string;
      expiresAt: string | null;
      commit: string;
    }[];
    expect(events.map((e) => `${e.subject}: ${e.event} ${e.name}`)).toEqual([
      "add vault: added PYPI_TOKEN",
      "add vault: added DOCKER_PASSWORD",
      "add vault: added NPM_TOKEN",
      "rotate pypi: rotated PYPI_TOKEN",
      "rotate pypi again: rotated PYPI_TOKEN",
      "drop npm: removed NPM_TOKEN",
    ]);
    expect(events[4]!.expiresAt).toBe("2027-11-26T10:00:00Z"); // day 2 + 365d
    expect(events[4]!.author).toBe("Alice Example");
    expect(events[4]!.commit).toBe(git("rev-parse", "HEAD~1").trim());

    const table = cli(["history", "PYPI_TOKEN"], cleanEnv());
    expect(
      table.stdout
        .trim()
        .split("\n")
        .slice(1)
        .map((l) => l.split(/\s{2,}/)[4]),
    ).toEqual(["added", "rotated", "rotated"]);
  });

  /** The newest event of each secret, by name. */
  const latest = (events: HistoryRow[]) => new Map(events.map((e) => [e.name, e]));
  /** Each secret's value ciphertext and expiry in the vault at `rev`. */
  const entriesAt = (rev: string) => readVaultView(git("show", `${rev}:${FILE}`), FILE).entries;

  it("shows the side a conflict resolution took as the latest event, matching the file at HEAD (issue 15, item 5)", async () => {
    git("checkout", "-q", "-b", "side");
    await change("rotate npm on side", (v) => void v.rotate("NPM_TOKEN", "npm-ROTATED-later", { expiresIn: "30d" }));
    git("checkout", "-q", "main");
    await change("rotate npm on main", (v) => void v.rotate("NPM_TOKEN", "npm-ORIGINAL-0003x", { expiresIn: "60d" }));
    expect(spawnSync("git", ["merge", "--no-edit", "side"], { cwd: repo, env, encoding: "utf8" }).status).not.toBe(0);
    expect(cli(["git", "resolve", FILE, "--theirs", "NPM_TOKEN"]).status).toBe(0);
    git("add", FILE);
    git("commit", "-q", "--no-edit");

    const r = cli(["history", "--json"], cleanEnv());
    expect(r.status, r.stderr).toBe(0);
    const events = JSON.parse(r.stdout) as HistoryRow[];
    const head = git("rev-parse", "HEAD").trim();
    const npm = latest(events).get("NPM_TOKEN")!;
    expect(npm).toMatchObject({ commit: head, event: "merged", took: "theirs", change: "rotated" });
    // The discarded side (ours) is an earlier event, not the current one.
    expect(events.filter((e) => e.name === "NPM_TOKEN").map((e) => e.subject)).toContain("rotate npm on main");
    // Every secret's latest event is a commit whose entry is the one at HEAD.
    const atHead = entriesAt("HEAD");
    for (const [name, e] of latest(events)) {
      const then = entriesAt(e.commit).get(name);
      expect(then?.valueText, name).toBe(atHead.get(name)?.valueText);
      expect(e.expiresAt, name).toBe(atHead.get(name)?.fields.expires_at ?? null);
    }
    const table = cli(["history", "NPM_TOKEN"], cleanEnv());
    expect(table.stdout.trim().split("\n").at(-1)).toMatch(/ NPM_TOKEN +merged: took theirs +\d{4}-/);
  });

  it("skips a side's changes that the merge discarded (git merge -s ours), so they are never shown as current", async () => {
    git("checkout", "-q", "-b", "side");
    await change("rotate pypi on side", (v) => void v.rotate("PYPI_TOKEN", "pypi-ROTATED-side"));
    git("checkout", "-q", "main");
    git("merge", "-q", "--no-edit", "-s", "ours", "side");
    const events = JSON.parse(cli(["history", "--json"], cleanEnv()).stdout) as HistoryRow[];
    expect(events.map((e) => e.subject)).not.toContain("rotate pypi on side");
    const atHead = entriesAt("HEAD");
    for (const [name, e] of latest(events))
      expect(entriesAt(e.commit).get(name)?.valueText, name).toBe(atHead.get(name)?.valueText);
  });

  it("follows a rename of the vault file, and a vault in a subfolder", async () => {
    await change("rotate pypi", (v) => void v.rotate("PYPI_TOKEN", "pypi-ROTATED-main"));
    mkdirSync(join(repo, "deploy"));
    git("mv", FILE, "deploy/vault.yaml");
    git("commit", "-q", "-m", "move the vault");
    const r = cli(["-f", "vault.yaml", "history", "PYPI_TOKEN", "--json"], cleanEnv(), join(repo, "deploy"));
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as HistoryRow[]).map((e) => `${e.subject}: ${e.event}`)).toEqual([
      "add vault: added",
      "rotate pypi: rotated",
    ]);
  });

  it("fails like status (exit 3) where the vault file neither exists nor has a git history, e.g. in a nested repository", () => {
    // A folder of its own git work tree: the search for .secrets.yaml stops at its root, below the outer vault.
    const sub = join(repo, "sub");
    mkdirSync(sub);
    spawnSync("git", ["init", "-q", sub]);
    const r = cli(["history"], cleanEnv(), sub);
    expect(r.status).toBe(3);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `vaultfile: error: ${join(sub, FILE)} does not exist\nvaultfile: hint: create a vault with \`vaultfile init\`, or point to one with -f FILE or VAULTFILE_FILE\n`,
    );
    expect(r.stderr).toBe(cli(["status"], cleanEnv(), sub).stderr);
  });

  it("says on stderr, not stdout, when an existing file has no secret changes in git", () => {
    writeFileSync(join(repo, ".secrets.new.yaml"), readFileSync(join(repo, FILE), "utf8")); // untracked
    const r = cli(["-f", ".secrets.new.yaml", "history"], cleanEnv());
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("no secret changes in the git history of .secrets.new.yaml\n");
  });
});
