/** Test vaults for the edit flows, made through the library with test-only keys. */
import { join } from "node:path";
import type { Vault } from "../../../src/vault/vault.js";
import { clock, NOW, tempDir, testKey } from "../../helpers.js";
import { createVault, openVault } from "../../../src/io/vault-file.js";

export { NOW };
export const NOW_TEXT = NOW.toISOString();

/**
 * A vault with three secrets of different statuses: PYPI_TOKEN (ok, required), NPM_TOKEN (expiring in 10
 * days), OLD_KEY (expired), and a required name with no entry, GITHUB_TOKEN.
 */
export async function makeVault(dir = tempDir()): Promise<{ dir: string; file: string; identityFile: string }> {
  const alice = testKey("alice");
  const file = join(dir, ".secrets.yaml");
  const v = await createVault(file, { alice: alice.recipient }, { now: clock });
  v.set("PYPI_TOKEN", "pypi-old-value", { type: "pypi", expiresIn: "365d", rotateEvery: "365d", required: true });
  v.set("NPM_TOKEN", "npm-value", { type: "npm", expiresIn: "10d" });
  v.set("OLD_KEY", "old-value", { expiresAt: new Date(NOW.getTime() + 3_600_000) });
  v.require(["GITHUB_TOKEN"]);
  await v.save();
  return { dir, file, identityFile: alice.identityFile };
}

/** Opens a vault with alice's key at the fixed clock. */
export function openAsAlice(file: string, now: () => Date = clock): Promise<Vault> {
  return openVault(file, { identityFiles: [testKey("alice").identityFile], env: {}, now });
}
