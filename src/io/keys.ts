/**
 * Where identities come from, in the order sops uses plus vaultfile's own names: explicit `--identity` files,
 * `VAULTFILE_AGE_KEY`, `SOPS_AGE_KEY`, `VAULTFILE_AGE_KEY_FILE`, `SOPS_AGE_KEY_FILE`, then the default key files
 * (`$XDG_CONFIG_HOME/sops/age/keys.txt`, then vaultfile's own). Every place looked at is recorded so that a
 * "no key" error can list them.
 */
import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ioErrorFrom } from "../errors.js";
import { parseIdentities, type Identity } from "../crypto/identities.js";
import type { KeySearch } from "../crypto/key-search.js";

export interface KeySourceOptions {
  /** Identity files given explicitly (`--identity`); they are read first and must exist. */
  identityFiles?: readonly string[] | undefined;
  /** Identities given as text (e.g. by a library caller). */
  identities?: readonly string[] | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

function configHome(env: NodeJS.ProcessEnv): string {
  if (env.XDG_CONFIG_HOME) return env.XDG_CONFIG_HOME;
  if (process.platform === "darwin") return join(homedir(), "Library", "Application Support");
  return join(env.HOME ?? homedir(), ".config");
}

/** sops's default key file. */
export function sopsKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(configHome(env), "sops", "age", "keys.txt");
}

/** vaultfile's own default key file (where `vaultfile keygen` writes). */
export function defaultKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(configHome(env), "vaultfile", "keys.txt");
}

/** Reads an identity file; `undefined` when it does not exist and `optional` is set. */
export function readIdentityFile(path: string, optional: boolean): Identity[] | undefined {
  let text: string;
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    text = readFileSync(path, "utf8");
  } catch (err) {
    if (optional && (err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw ioErrorFrom(err, "read identity file", path);
  }
  return parseIdentities(text, path);
}

/** Collects identities from every source, remembering what was searched. */
export function findIdentities(opts: KeySourceOptions = {}): KeySearch {
  const env = opts.env ?? process.env;
  const identities: Identity[] = [];
  const searched: string[] = [];
  for (const [i, text] of (opts.identities ?? []).entries()) identities.push(...parseIdentities(text, `identity #${i + 1} given by the caller`));
  for (const file of opts.identityFiles ?? []) {
    searched.push(`--identity ${file}`);
    identities.push(...readIdentityFile(file, false)!);
  }
  for (const name of ["VAULTFILE_AGE_KEY", "SOPS_AGE_KEY"]) {
    const v = env[name];
    searched.push(v ? `$${name}` : `$${name} (not set)`);
    if (v) identities.push(...parseIdentities(v, `$${name}`));
  }
  for (const name of ["VAULTFILE_AGE_KEY_FILE", "SOPS_AGE_KEY_FILE"]) {
    const v = env[name];
    if (!v) {
      searched.push(`$${name} (not set)`);
      continue;
    }
    searched.push(`$${name}=${v}`);
    identities.push(...readIdentityFile(v, false)!);
  }
  for (const file of [sopsKeyFile(env), defaultKeyFile(env)]) {
    const found = readIdentityFile(file, true);
    searched.push(found ? file : `${file} (absent)`);
    if (found) identities.push(...found);
  }
  return { identities, searched };
}
