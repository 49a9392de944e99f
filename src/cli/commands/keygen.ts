/** `vaultfile keygen`: a new age identity in a key file created exclusively with mode 0600. */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ConflictError, ExitCode, IoError, ioErrorFrom, UsageError, type ExitCodeValue } from "../../errors.js";
import { defaultKeyFile } from "../../io/keys.js";
import { writeFileExclusive } from "../../io/atomic.js";
import { keyFolderRisks, type FolderRisk } from "../../io/key-folder.js";
import { gitFileState } from "../../git/tracked.js";
import { formatTimestamp } from "../../rules/time.js";
import { note, out, vaultOptions, type CliIO, type CommandContext } from "../context.js";

export interface NewKey {
  path: string;
  /** The public `age1…` recipient. */
  recipient: string;
  /** Folders on the key's path that another user owns or its group can write to (written anyway, with a warning). */
  risks: FolderRisk[];
}

/** A new identity (X25519, or post-quantum hybrid with `pq`) as age-keygen writes it, and its public key. */
async function newKeyText(opts: { pq?: boolean; now?: Date }): Promise<{ text: string; recipient: string }> {
  const { generateHybridIdentity, generateIdentity, identityToRecipient } = await import("age-encryption");
  const secret = opts.pq ? await generateHybridIdentity() : await generateIdentity();
  const recipient = await identityToRecipient(secret);
  return {
    text: `# created: ${formatTimestamp(opts.now ?? new Date())}\n# public key: ${recipient}\n${secret}\n`,
    recipient,
  };
}

/**
 * Generates an identity (X25519, or post-quantum hybrid with `pq`) and writes it to `path` in age-keygen's format.
 * The parent folder is created 0700; an existing file is never overwritten ({@link ConflictError} `E_EXISTS`). A
 * folder on the way that every user can write to (not sticky) is refused ({@link ConflictError} `E_UNSAFE_FOLDER`):
 * anyone could swap the key for their own. One that another user owns, or its group can write to, is returned in
 * `risks` for a warning: that is often the same person (a container's bind mount, a private group).
 */
export async function createKeyFile(path: string, opts: { pq?: boolean; now?: Date } = {}): Promise<NewKey> {
  const risks = keyFolderRisks(path);
  const world = risks.find((r) => r.kind === "world");
  if (world) {
    throw new ConflictError(
      "E_UNSAFE_FOLDER",
      `refusing to write a key under ${world.folder}: every user can write to it (mode ${octal(world.mode)}), so they could replace the key with their own`,
      {
        hint: `write it into a folder only you can change (-o PATH), or run \`chmod o-w ${world.folder}\``,
      },
    );
  }
  const { text, recipient } = await newKeyText(opts);
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch (err) {
    throw ioErrorFrom(err, "create the folder of", path);
  }
  try {
    writeFileExclusive(path, text, 0o600);
  } catch (err) {
    throw asExistsConflict(
      err,
      path,
      "keygen never overwrites a key; keep it (its public key is on its `# public key:` line; `vaultfile recipients list` marks yours) or write elsewhere with -o PATH",
    );
  }
  return { path, recipient, risks };
}

const octal = (mode: number): string => mode.toString(8).padStart(4, "0");

/** Warns about each folder on a new key's path that another user owns or its group can write to. */
export function warnFolderRisks(io: CliIO, key: NewKey): void {
  for (const r of key.risks) {
    const who =
      r.kind === "owner"
        ? "belongs to another user, who"
        : `can be written by its group (mode ${octal(r.mode)}), whose members`;
    note(io, "warning", `${r.folder} ${who} could replace ${key.path} with a key of their own`);
  }
  const first = key.risks[0];
  if (first)
    note(
      io,
      "hint",
      first.kind === "owner"
        ? "if that user is not you, keep the key in a folder of your own (-o PATH)"
        : `if others are in that group, run \`chmod g-w ${first.folder}\``,
    );
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
    if (g.json)
      throw new UsageError("--json cannot be combined with -o -", { hint: "stdout carries the key file itself" });
    const { text, recipient } = await newKeyText(keyOpts);
    io.stdout.write(text);
    io.stderr.write(`Public key: ${recipient}\n`);
    return ExitCode.ok;
  }
  const path = opts.output ? resolve(io.cwd, opts.output) : defaultKeyFile(io.env);
  const key = await createKeyFile(path, keyOpts);
  warnFolderRisks(io, key);
  // As export -o warns for plaintext: a key written into a work tree is one `git add -A` away from being committed.
  if ((await gitFileState(key.path)) === "untracked") {
    note(
      io,
      "warning",
      `${key.path} is inside a git work tree and not ignored: add it to .gitignore so that the private key is never committed`,
    );
  }
  io.stderr.write(
    `wrote a new ${opts.pq ? "post-quantum " : ""}age identity to ${key.path} (keep it secret; back it up)\n`,
  );
  out(io, g.json ? JSON.stringify({ path: key.path, recipient: key.recipient }) : key.recipient);
  return ExitCode.ok;
}
