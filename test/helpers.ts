/** Shared test helpers: fixture paths, test-only keys, temp folders. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const FIXTURES = join(ROOT, "fixtures");
/** The sops-produced fixtures in ../shared (or `$VAULTFILE_TEST_SHARED`), absent in a plain clone. */
export const SHARED_SOPS = resolve(process.env.VAULTFILE_TEST_SHARED ?? join(ROOT, "..", "shared"), "fixtures", "sops");
export const hasShared = existsSync(join(SHARED_SOPS, "keys.txt"));

/**
 * What a skipped test says when the sops-produced files are absent (a plain clone): what is missing, why it is not
 * in the repository, and how to get it, so nobody takes the skip for a pass.
 */
export function sharedSkipMessage(what: string): string {
  return (
    `SKIPPED ${what}: these tests read files encrypted by the real sops tool, which vaultfile's repository does not ship ` +
    `(they are third-party test data). Looked for ${join(SHARED_SOPS, "keys.txt")}. To run them, put the sops reference ` +
    "files of https://github.com/gibbz00/rops (crates/lib/tests/sops_references/, each X.yaml as X.enc.yaml and " +
    "X_plaintext.yaml as X.plain.yaml) with their age test key in keys.txt into that folder, beside your vaultfile checkout. " +
    "Nothing else in the suite needs them."
  );
}

/** Test-only keys (fixtures/keys/TEST-ONLY-*.agekey): public, never for real secrets. */
export function testKey(name: "alice" | "bob" | "carol" | "pq-dana"): {
  identityFile: string;
  secret: string;
  recipient: string;
} {
  const identityFile = join(FIXTURES, "keys", `TEST-ONLY-${name}.agekey`);
  const text = readFileSync(identityFile, "utf8");
  const secret = text
    .split("\n")
    .find((l) => l.startsWith("AGE-SECRET-KEY-"))!
    .trim();
  const recipient = /public key: (age1\S+)/.exec(text)![1]!;
  return { identityFile, secret, recipient };
}

/** An environment with no key sources, so tests never pick up the developer's own keys. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = tempDir();
  return { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), ...extra };
}

const dirs: string[] = [];
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "vaultfile-test-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fixed clock for deterministic expiry. */
export const NOW = new Date("2026-11-24T10:00:00Z");
export const clock = (): Date => NOW;
