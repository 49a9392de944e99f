/**
 * Benchmark inputs: vaults of N secrets for R recipients (values 16–200 bytes, every other secret with an
 * expiry), made with the library itself, and an encrypted .env with the same names and values for dotenvx.
 * Deterministic content (seeded), cached by name under the data folder.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { createVault } from "../dist/index.js";

/** Bump when the generated content changes, so cached inputs are rebuilt. */
const GENERATION = 1;
export const NOW = "2026-11-24T10:00:00Z";

/** A small seeded PRNG (mulberry32): the same vault every run. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./+=";

/** Names and values of a vault with `n` secrets. */
export function secretsFor(n) {
  const next = rng(n);
  const out = [];
  for (let i = 0; i < n; i++) {
    const len = 16 + Math.floor(next() * 185);
    let value = "";
    for (let j = 0; j < len; j++) value += ALPHABET[Math.floor(next() * ALPHABET.length)];
    out.push({ name: `SECRET_${String(i).padStart(5, "0")}`, value, expires: i % 2 === 0 });
  }
  return out;
}

/** The decrypting identity (recipient 0) and the other recipients' keys, made once per data folder. */
async function keysIn(dir, count) {
  const file = join(dir, "keys.json");
  const keys = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : [];
  while (keys.length < count) {
    const secret = await generateX25519Identity();
    keys.push({ secret, recipient: await identityToRecipient(secret) });
  }
  writeFileSync(file, JSON.stringify(keys));
  writeFileSync(join(dir, "identity.agekey"), keys[0].secret + "\n", { mode: 0o600 });
  return keys.slice(0, count);
}

/** Writes (or reuses) `vault-<n>x<r>.yaml` and returns its path. */
export async function makeVault(dir, n, r) {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `vault-${n}x${r}.g${GENERATION}.yaml`);
  if (existsSync(path)) return path;
  const keys = await keysIn(dir, r);
  const recipients = Object.fromEntries(keys.map((k, i) => [`holder${String(i).padStart(2, "0")}`, k.recipient]));
  const now = new Date(NOW);
  const tmp = `${path}.tmp`;
  const v = await createVault(tmp, recipients, { now: () => now, env: {} });
  for (const s of secretsFor(n)) {
    v.set(s.name, s.value, { type: "generic", ...(s.expires ? { expiresIn: "365d", rotateEvery: "365d" } : {}) });
  }
  v.require([secretsFor(n)[0].name]);
  await v.save();
  renameSync(tmp, path);
  return path;
}

/** A recipient that is in no generated vault (for `recipients add`), made once per data folder. */
export async function spareRecipient(dir) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "spare-recipient.txt");
  if (!existsSync(file)) writeFileSync(file, (await identityToRecipient(await generateX25519Identity())) + "\n");
  return readFileSync(file, "utf8").trim();
}

/** The identity file that opens every generated vault. */
export function identityFile(dir) {
  return join(dir, "identity.agekey");
}

/** A folder with `.env` (encrypted by `dotenvx encrypt`) and `.env.keys` holding the same `n` secrets. */
export function makeDotenvx(dir, n, dotenvxBin) {
  const folder = join(dir, `dotenvx-${n}.g${GENERATION}`);
  if (existsSync(join(folder, ".env.keys"))) return folder;
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, ".env"),
    secretsFor(n)
      .map((s) => `${s.name}="${s.value}"\n`)
      .join(""),
  );
  execFileSync(process.execPath, [dotenvxBin, "encrypt", "-f", ".env"], { cwd: folder, stdio: "ignore" });
  return folder;
}
