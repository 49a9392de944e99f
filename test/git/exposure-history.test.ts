/** `history --exposure` from real git history agrees with the `exposed_to` marks, also for vaults without them. */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isMap, type YAMLMap } from "yaml";
import { parseIdentities } from "../../src/crypto/identities.js";
import { SopsFile } from "../../src/sops/sops-file.js";
import { createVault, openVault } from "../../src/io/vault-file.js";
import { writeFileAtomic } from "../../src/io/atomic.js";
import { cleanEnv, NOW, tempDir, testKey } from "../helpers.js";
import { vf } from "../cli/lifecycle-support.js";

const alice = testKey("alice");
const bob = testKey("bob");

/** A repository where bob is removed, then B is rotated; `legacy` strips exposed_to as a vaultfile before it would. */
async function repository(legacy: boolean, folder = "") {
  const repo = tempDir();
  const env = cleanEnv({
    VAULTFILE_AGE_KEY: alice.secret,
    VAULTFILE_NOW: new Date(NOW.getTime() + 3 * 86_400_000).toISOString(),
    GIT_CONFIG_NOSYSTEM: "1",
  });
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, env, encoding: "utf8" });
  git("init", "-q", "-b", "main");
  git("config", "user.name", "Alice Example");
  git("config", "user.email", "alice@example.invalid");
  mkdirSync(join(repo, folder), { recursive: true });
  const file = join(repo, folder, ".secrets.yaml");
  let day = 0;
  const opts = () => ({ identities: [alice.secret], env: {}, now: () => new Date(NOW.getTime() + day * 86_400_000) });
  const v = await createVault(file, { alice: alice.recipient, bob: bob.recipient }, opts());
  for (const n of ["A", "B", "C"]) v.set(n, `${n}-0`);
  await v.save();
  git("add", "-A");
  git("commit", "-q", "-m", "vault");
  day = 1;
  const r = await openVault(file, opts());
  await r.removeRecipient("bob");
  await r.save();
  if (legacy) {
    const sf = await SopsFile.open((await import("node:fs")).readFileSync(file, "utf8"), file, {
      identities: parseIdentities(alice.secret, "alice"),
      searched: [],
    });
    const secrets = (sf.doc.contents as YAMLMap).get("secrets", true) as unknown as YAMLMap;
    for (const p of secrets.items) if (isMap(p.value)) p.value.delete("exposed_to");
    sf.markDirty();
    writeFileAtomic(file, sf.serialize(new Date(NOW.getTime() + 86_400_000)));
    expect((await import("node:fs")).readFileSync(file, "utf8")).not.toContain("exposed_to");
  }
  git("commit", "-q", "-am", "remove bob");
  day = 2;
  const t = await openVault(file, opts());
  t.rotate("B", "B-1");
  await t.save();
  git("commit", "-q", "-am", "rotate B");
  return { repo, env };
}

describe("history --exposure", () => {
  it("reconstructs from git what status shows from the exposed_to field", async () => {
    const modern = await repository(false);
    const rows = JSON.parse(vf(["--json", "status"], { cwd: modern.repo, env: modern.env }).stdout) as {
      name: string;
      status: string;
    }[];
    const exposedNow = rows
      .filter((r) => r.status === "exposed")
      .map((r) => r.name)
      .sort();
    expect(exposedNow).toEqual(["A", "C"]);

    const legacy = await repository(true);
    const res = vf(["--json", "history", "--exposure"], { cwd: legacy.repo, env: legacy.env });
    expect(res.code).toBe(0);
    const removals = JSON.parse(res.stdout) as {
      recipient: string;
      author: string;
      secrets: { name: string; rotated: unknown }[];
    }[];
    expect(removals.map((r) => [r.recipient, r.author])).toEqual([["bob", "Alice Example"]]);
    expect(
      removals[0]!.secrets
        .filter((s) => s.rotated === null)
        .map((s) => s.name)
        .sort(),
    ).toEqual(exposedNow);
    expect(removals[0]!.secrets.find((s) => s.name === "B")!.rotated).toMatchObject({ date: expect.any(String) });

    const text = vf(["history", "--exposure"], { cwd: legacy.repo, env: legacy.env });
    expect(text.stdout).toMatch(
      /^bob removed \d{4}-\d\d-\d\d in [0-9a-f]{8} \(Alice Example\): 2 of 3 not rotated since\n {2}A +NOT ROTATED\n {2}B +rotated \d{4}-\d\d-\d\d in [0-9a-f]{8}\n {2}C +NOT ROTATED\n$/,
    );
    expect(
      JSON.parse(
        vf(["--json", "history", "--exposure", "B"], { cwd: legacy.repo, env: legacy.env }).stdout,
      )[0].secrets.map((s: { name: string }) => s.name),
    ).toEqual(["B"]);
  });

  it("reads a vault in a subfolder from its own path (blobs are REV:./NAME, not REV:NAME from the top)", async () => {
    const r = await repository(true, "deploy");
    for (const cwd of [r.repo, join(r.repo, "deploy")]) {
      const f = cwd === r.repo ? "deploy/.secrets.yaml" : ".secrets.yaml";
      const res = vf(["--json", "-f", f, "history", "--exposure"], { cwd, env: r.env });
      expect(res.code).toBe(0);
      const removals = JSON.parse(res.stdout) as { recipient: string; secrets: { name: string; rotated: unknown }[] }[];
      expect(
        removals.map((x) => [
          x.recipient,
          x.secrets
            .filter((s) => s.rotated === null)
            .map((s) => s.name)
            .sort(),
        ]),
      ).toEqual([["bob", ["A", "C"]]]);
    }
  });
});
