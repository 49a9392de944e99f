/** SSH keys for tests, made with the real `ssh-keygen` in a temp folder (never committed). */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers.js";

export const hasSshKeygen = (() => {
  try {
    execFileSync("ssh-keygen", ["-?"], { stdio: "ignore" });
    return true;
  } catch (err) {
    return (err as { status?: number }).status !== undefined && (err as NodeJS.ErrnoException).code !== "ENOENT";
  }
})();

export const hasAge = (() => {
  try {
    execFileSync("age", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

// Skipped with a visible message on a machine without the tools; in CI (.ci/run installs both) their absence fails.
for (const [have, what] of [
  [hasSshKeygen, "ssh-keygen is not installed (apt-get install openssh-client)"],
  [hasAge, "the age CLI is not installed (apt-get install age)"],
] as const) {
  if (have) continue;
  if (process.env.CI === "true") throw new Error(`${what}: .ci/run installs it, and in CI the SSH key tests must run`);
  console.warn(`SKIPPED: ${what}; .ci/run installs it`);
}

export interface SshKey {
  path: string;
  pub: string;
  passphrase: string;
}

/** A new key pair: `ssh-keygen -t TYPE`, with a passphrase (and optionally a cipher, e.g. aes256-gcm@openssh.com). */
export function sshKeygen(
  type: "ed25519" | "rsa" | "ecdsa",
  opts: { passphrase?: string; cipher?: string; bits?: number; dir?: string; name?: string; pem?: boolean } = {},
): SshKey {
  const path = join(opts.dir ?? tempDir(), opts.name ?? `id_${type}`);
  const args = ["-q", "-t", type, "-N", opts.passphrase ?? "", "-C", "test@vaultfile", "-f", path];
  if (type === "rsa") args.push("-b", String(opts.bits ?? 2048));
  if (opts.cipher) args.push("-Z", opts.cipher);
  if (opts.pem) args.push("-m", "PEM");
  execFileSync("ssh-keygen", args, { stdio: "ignore" });
  return { path, pub: readFileSync(`${path}.pub`, "utf8").trim(), passphrase: opts.passphrase ?? "" };
}
