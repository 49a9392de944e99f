/** Builds small vaults for tests with the TEST-ONLY keys. */
import { createVault, type VaultOptions } from "../../src/io/vault-file.js";
import { clock, testKey } from "../helpers.js";

export function aliceOpts(extra: Partial<VaultOptions> = {}): VaultOptions {
  return { identities: [testKey("alice").secret], env: {}, now: clock, ...extra };
}

/** A saved-then-reopened vault with three secrets, as text. */
export async function sampleVaultText(path = "/tmp/unused.yaml"): Promise<string> {
  const v = await createVault(path, { alice: testKey("alice").recipient, bob: testKey("bob").recipient }, aliceOpts());
  v.set("PYPI_TOKEN", "pypi-secret-one", { type: "pypi", expiresAt: "2027-01-01", description: "upload token" });
  v.set("DOCKER_USERNAME", "bot", { type: "docker" });
  v.set("DOCKER_PASSWORD", "hunter2-docker", { type: "docker", expiresIn: "10d", rotateEvery: "90d", required: true });
  return v.toText();
}
