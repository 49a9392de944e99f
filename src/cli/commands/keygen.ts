/** `vaultfile keygen`: a new age identity in a key file created exclusively with mode 0600. */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ConflictError, ExitCode, IoError, ioErrorFrom, UsageError, type ExitCodeValue } from "../../errors.js";
import { defaultKeyFile } from "../../io/keys.js";
import { writeFileExclusive } from "../../io/atomic.js";
import { formatTimestamp } from "../../rules/time.js";
import { out, vaultOptions, type CommandContext } from "../context.js";

export interface NewKey {
  path: string;
  /** The public `age1…` recipient. */
  recipient: string;
}

/** A new identity (X25519, or post-quantum hybrid with `pq`) as age-keygen writes it, and its public key. */
async function newKeyText(opts: { pq?: boolean; now?: Date }): Promise<{ text: string; recipient: string }> {
  const { generateHybridIdentity, generateIdentity, identityToRecipient } = await import("age-encryption");
  const secret = opts.pq ? await generateHybridIdentity() : await generateIdentity();
  const recipient = await identityToRecipient(secret);
  return { text: `# created: ${formatTimestamp(opts.now ?? new Date())}\n# public key: ${recipient}\n${secret}\n`, recipient };
}

/**
 * Generates an identity (X25519, or post-quantum hybrid with `pq`) and writes it to `path` in age-keygen's format.
 * The parent folder is created 0700; an existing file is never overwritten ({@link ConflictError} `E_EXISTS`).
 */
export async function createKeyFile(path: string, opts: { pq?: boolean; now?: Date } = {}): Promise<NewKey> {
  const { text, recipient } = await newKeyText(opts);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch (err) {
    throw ioErrorFrom(err, "create the folder of", path);
  }
  try {
    writeFileExclusive(path, text, 0o600);
  } catch (err) {
    throw asExistsConflict(err, path, "keygen never overwrites a key; keep it (its public key is on its `# public key:` line; `vaultfile recipients list` marks yours) or write elsewhere with -o PATH");
  }
  return { path, recipient };
}

/** An "already exists" I/O error from an exclusive create as a {@link ConflictError} (exit 8); others unchanged. */
export function asExistsConflict(err: unknown, path: string, hint: string): unknown {
  if (err instanceof IoError && (err.cause as NodeJS.ErrnoException | undefined)?.code === "EEXIST") {
    return new ConflictError("E_EXISTS", `${path} already exists`, { hint, cause: err });
  }
  return err;
}

export async function keygen(ctx: CommandContext, opts: { output?: string; pq?: boolean }): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const now = vaultOptions(g, io).now?.();
  const keyOpts = { pq: opts.pq === true, ...(now ? { now } : {}) };
  if (opts.output === "-") {
    // Like `age-keygen`: the key file on stdout (for a pipe into a secret store), the public key on stderr.
    if (g.json) throw new UsageError("--json cannot be combined with -o -", { hint: "stdout carries the key file itself" });
    const { text, recipient } = await newKeyText(keyOpts);
    io.stdout.write(text);
    io.stderr.write(`Public key: ${recipient}\n`);
    return ExitCode.ok;
  }
  const path = opts.output ? resolve(io.cwd, opts.output) : defaultKeyFile(io.env);
  const key = await createKeyFile(path, keyOpts);
  io.stderr.write(`wrote a new ${opts.pq ? "post-quantum " : ""}age identity to ${key.path} (keep it secret; back it up)\n`);
  out(io, g.json ? JSON.stringify({ path: key.path, recipient: key.recipient }) : key.recipient);
  return ExitCode.ok;
}
