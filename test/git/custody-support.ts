/** Temp git repositories holding a vault, for the chain-of-custody tests. */
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { parseIdentities } from "../../src/crypto/identities.js";
import { createVault, openVault } from "../../src/io/vault-file.js";
import { decryptSops } from "../../src/sops/decrypt.js";
import { encryptSops } from "../../src/sops/encrypt.js";
import { cleanEnv, NOW, tempDir, testKey } from "../helpers.js";
import { vf } from "../cli/lifecycle-support.js";

export const [alice, bob, carol] = [testKey("alice"), testKey("bob"), testKey("carol")];
export type TestKey = typeof alice;

/** An empty repository on `main`; `run` is the CLI with `key` (or `who`, or `null`: no key at all). */
export function repository(key = alice) {
  const repo = tempDir();
  const env = cleanEnv({ VAULTFILE_AGE_KEY: key.secret, GIT_CONFIG_NOSYSTEM: "1", VAULTFILE_NOW: NOW.toISOString() });
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, env, encoding: "utf8" });
  git("init", "-q", "-b", "main");
  git("config", "user.name", "Alice Example");
  git("config", "user.email", "alice@example.invalid");
  const file = join(repo, ".secrets.yaml");
  const opts = (who = key) => ({ identities: [who.secret], env: {}, now: () => NOW });
  const change = async (message: string, fn: (v: Awaited<ReturnType<typeof openVault>>) => unknown, who = key) => {
    const v = await openVault(file, opts(who));
    await fn(v);
    await v.save();
    git("commit", "-q", "-am", message);
  };
  const run = (args: string[], who: TestKey | null = key, input?: string) => {
    const { VAULTFILE_AGE_KEY: _, ...keyless } = env;
    return vf(args, {
      cwd: repo,
      env: who === null ? keyless : { ...env, VAULTFILE_AGE_KEY: who.secret },
      ...(input === undefined ? {} : { input }),
    });
  };
  return { repo, env, git, file, opts, change, run };
}

/** A repository with a vault of A, B and C for `recipients`, committed, and `git setup` committed. */
export async function legitimate(
  key = alice,
  recipients: Record<string, string> = { alice: alice.recipient, bob: bob.recipient },
) {
  const r = repository(key);
  const v = await createVault(r.file, recipients, r.opts());
  for (const n of ["A", "B", "C"]) v.set(n, `${n}-0`);
  await v.save();
  r.git("add", ".secrets.yaml");
  r.git("commit", "-q", "-m", "vault");
  expect(r.run(["git", "setup"]).code).toBe(0);
  r.git("add", "-A");
  r.git("commit", "-q", "-m", "git setup");
  return r;
}

/**
 * carol, who holds no key of the vault, writes a whole new one for `recipients` (with her own values) over the
 * work-tree file, dropping herself unless `keepCarol`; the forged vault.
 */
export async function forgeInto(
  r: { file: string; opts: (who?: TestKey) => object },
  recipients: Record<string, string> = { alice: alice.recipient, bob: bob.recipient },
  keepCarol = false,
) {
  const forged = join(tempDir(), "forged.yaml");
  const f = await createVault(forged, { ...recipients, carol: carol.recipient }, r.opts(carol));
  for (const n of ["A", "B", "C"]) f.set(n, `${n}-FORGED`);
  if (!keepCarol) await f.removeRecipient("carol");
  await f.save();
  copyFileSync(forged, r.file);
  return f;
}

/**
 * What plain `sops rotate -i` does to the file (there is no sops binary here; `encryptSops` writes as `sops -e`
 * does): every value decrypted and encrypted again under a new data key for the same recipients, no custody link,
 * and no vaultfile seal.
 */
export async function sopsRotate(file: string, who: TestKey = alice): Promise<void> {
  const text = readFileSync(file, "utf8");
  const { documents, meta } = await decryptSops(text, file, {
    identities: parseIdentities(who.secret, "test"),
    searched: [],
  });
  writeFileSync(
    file,
    await encryptSops(documents, {
      recipients: meta.age.map((a) => a.recipient),
      rules: meta.rules,
      macOnlyEncrypted: meta.macOnlyEncrypted,
      now: NOW,
    }),
  );
}
