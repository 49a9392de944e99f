/**
 * Where identities come from, in sops's order (3.10+, `age/keysource.go`) with vaultfile's own names first in each
 * pair: explicit `--identity` files, `VAULTFILE_AGE_SSH_PRIVATE_KEY_FILE` / `SOPS_AGE_SSH_PRIVATE_KEY_FILE`, the
 * `…_SSH_PRIVATE_KEY_CMD` pair, `VAULTFILE_AGE_KEY` / `SOPS_AGE_KEY`, the `…_AGE_KEY_FILE` pair, the `…_AGE_KEY_CMD`
 * pair, the default key files (`$XDG_CONFIG_HOME/sops/age/keys.txt`, then vaultfile's own), then `~/.ssh/id_ed25519`
 * and `~/.ssh/id_rsa`. Every place looked at is recorded so that a "no key" error can list them. A key file may hold
 * age keys, an OpenSSH private key, or be an `age -p` file of keys; passphrases are asked through
 * {@link KeySourceOptions.passphrase}.
 */
import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { IoError, ioErrorFrom } from "../errors.js";
import { parseIdentities, type Identity } from "../crypto/identities.js";
import { type AskPassphrase, LazyAsk, type PassphraseAsker, parseKeyFile } from "../crypto/key-files.js";
import type { KeySearch } from "../crypto/key-search.js";
import { KEY_SOURCES } from "../rules/env-danger.js";
import { looksLikeKeyMaterial, shownKeySource } from "../rules/key-material.js";
import { commandIdentity } from "./key-command.js";

export interface KeySourceOptions {
  /** Identity files given explicitly (`--identity`); they are read first and must exist. */
  identityFiles?: readonly string[] | undefined;
  /** Identities given as text (e.g. by a library caller). */
  identities?: readonly string[] | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** Asks a person for a key's passphrase; without it a passphrase-protected key is an error (exit 4). */
  passphrase?: AskPassphrase | undefined;
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

/**
 * Reads an identity file (age keys, an OpenSSH private key, or an `age -p` file of keys); `undefined` when it does
 * not exist and `optional` is set. The path is named in errors through {@link shownKeySource}: a key pasted where its
 * path belongs is not printed.
 */
export function readIdentityFile(path: string, optional: boolean, ask?: PassphraseAsker): Identity[] | undefined {
  let bytes: Uint8Array;
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    bytes = readFileSync(path);
  } catch (err) {
    if (optional && (err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    const e = ioErrorFrom(err, "read identity file", shownKeySource(path));
    if (!looksLikeKeyMaterial(path)) throw e;
    throw new IoError(e.message, {
      hint: "the path given looks like a key itself: put a key's text in VAULTFILE_AGE_KEY, a file's path in VAULTFILE_AGE_KEY_FILE or -i",
      cause: err,
    });
  }
  return parseKeyFile(bytes, shownKeySource(path), ask);
}

/** Collects identities from every source, remembering what was searched. */
export function findIdentities(opts: KeySourceOptions = {}): KeySearch {
  const env = opts.env ?? process.env;
  // Looked up when a key first asks: the CLI's option is a getter that looks at the terminal.
  const ask = new LazyAsk(() => opts.passphrase);
  const identities: Identity[] = [];
  const searched: string[] = [];
  for (const [i, text] of (opts.identities ?? []).entries())
    identities.push(...parseIdentities(text, `identity #${i + 1} given by the caller`));
  for (const file of opts.identityFiles ?? []) {
    searched.push(`--identity ${shownKeySource(file)}`);
    identities.push(...readIdentityFile(file, false, ask)!);
  }
  // Each variable of a pair is read when set (both may be).
  for (const { names, kind } of KEY_SOURCES) {
    for (const name of names) {
      const v = env[name];
      if (!v) {
        searched.push(`$${name} (not set)`);
      } else if (kind === "file") {
        searched.push(`$${name}=${shownKeySource(v)}`);
        identities.push(...readIdentityFile(v, false, ask)!);
      } else if (kind === "command") {
        searched.push(`$${name} (a command)`);
        identities.push(commandIdentity(v, `$${name}`, env, ask));
      } else {
        searched.push(`$${name}`);
        identities.push(...parseKeyFile(Buffer.from(v), `$${name}`, ask));
      }
    }
  }
  for (const f of [sopsKeyFile(env), defaultKeyFile(env)]) {
    const found = readIdentityFile(f, true, ask);
    searched.push(found ? f : `${f} (absent)`);
    if (found) identities.push(...found);
  }
  // The SSH keys people already have. Only their public half is read now; a passphrase is asked only for a vault
  // that names the key. A default file vaultfile cannot use (another key type) is listed, not an error.
  const home = env.HOME ?? homedir();
  for (const f of [join(home, ".ssh", "id_ed25519"), join(home, ".ssh", "id_rsa")]) {
    let found: Identity[] | undefined;
    try {
      found = readIdentityFile(f, true, ask);
    } catch (err) {
      searched.push(
        `${f} (not usable: ${err instanceof Error ? err.message.replace(/^invalid SSH identity in \S+: /, "") : "unreadable"})`,
      );
      continue;
    }
    searched.push(found ? f : `${f} (absent)`);
    if (found) identities.push(...found);
  }
  return { identities, searched };
}
