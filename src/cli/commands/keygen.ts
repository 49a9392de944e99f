/** `vaultfile keygen`: a new age identity in a key file created exclusively with mode 0600. */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { ConflictError, IoError, ioErrorFrom, UsageError } from "../../errors.js";
import { defaultKeyFile } from "../../io/keys.js";
import { writeFileExclusive } from "../../io/atomic.js";
import { formatTimestamp } from "../../vault/policy.js";
import { globalsOf, out, vaultOptions, type CliIO } from "../context.js";

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

export function register(program: Command, io: CliIO): void {
  program
    .command("keygen")
    .description("create a new age identity (private key) file, mode 0600, and print its public key")
    .option("-o, --output <path>", "where to write the key (default: $XDG_CONFIG_HOME/vaultfile/keys.txt); - prints the key file to stdout")
    .option("--pq", "a post-quantum hybrid key (age1pq1…); a vault cannot mix it with classic keys")
    .addHelpText(
      "after",
      "\nThe public key (age1…) is printed on stdout: give it to a vault's owner for `vaultfile recipients add`.\n" +
        "Existing files are never overwritten. With -o - the key file's text goes to stdout instead (as age-keygen\n" +
        "prints it) and the public key to stderr.\n\nExamples:\n  vaultfile keygen\n" +
        "  vaultfile keygen -o ci.agekey    # a key for CI: store the file's contents as the VAULTFILE_AGE_KEY secret\n" +
        "  vaultfile keygen -o - | gh secret set VAULTFILE_AGE_KEY",
    )
    .action(async (opts: { output?: string; pq?: boolean }, cmd: Command) => {
      const g = globalsOf(cmd, io);
      const now = vaultOptions(g, io).now?.();
      const keyOpts = { pq: opts.pq === true, ...(now ? { now } : {}) };
      if (opts.output === "-") {
        // Like `age-keygen`: the key file on stdout (for a pipe into a secret store), the public key on stderr.
        if (g.json) throw new UsageError("--json cannot be combined with -o -", { hint: "stdout carries the key file itself" });
        const { text, recipient } = await newKeyText(keyOpts);
        io.stdout.write(text);
        io.stderr.write(`Public key: ${recipient}\n`);
        return;
      }
      const path = opts.output ? resolve(io.cwd, opts.output) : defaultKeyFile(io.env);
      const key = await createKeyFile(path, keyOpts);
      io.stderr.write(`wrote a new ${opts.pq ? "post-quantum " : ""}age identity to ${key.path} (keep it secret; back it up)\n`);
      out(io, g.json ? JSON.stringify({ path: key.path, recipient: key.recipient }) : key.recipient);
    });
}
