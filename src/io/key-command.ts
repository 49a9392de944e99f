/**
 * Keys from a command (`SOPS_AGE_KEY_CMD`, `SOPS_AGE_SSH_PRIVATE_KEY_CMD` and vaultfile's `VAULTFILE_…` names), as
 * sops runs them: the variable is split shell-style (`shell-quote`; no variables expanded, no pipes or redirections)
 * and the program is run directly, never through a shell, with `SOPS_AGE_RECIPIENT` set to the recipient being
 * opened. Its standard output is read as key text; its exit code is reported, its output never.
 */
import { InvalidIdentityError } from "../errors.js";
import { parseKeyFile, type PassphraseAsker } from "../crypto/key-files.js";
import type { Identity } from "../crypto/identities.js";
import { shownKeySource } from "../rules/key-material.js";

/** How long a key command may run (a password manager may wait for a touch or an unlock). */
export const KEY_COMMAND_TIMEOUT_MS = 60_000;
/** The most output read from a key command. */
export const KEY_COMMAND_MAX_OUTPUT = 64 * 1024;

/**
 * Splits a command line as a POSIX shell would split words, without expanding anything.
 *
 * @throws {@link InvalidIdentityError} for an empty command, shell syntax (pipes, redirections, globs), or an
 * unclosed quote or a trailing backslash (which `shell-quote` would take as closed, running something else).
 */
export async function splitCommand(line: string, source: string): Promise<string[]> {
  const open = unclosedQuote(line);
  if (open !== undefined) {
    throw new InvalidIdentityError(
      `${source} has ${open === "\\" ? "a backslash at its end" : `an unclosed ${open} quote`}, so it was not run`,
      {
        hint: "close the quote (sops refuses such a command too)",
      },
    );
  }
  const mod = await import("shell-quote");
  // CommonJS: its exports arrive as named bindings from node, on `default` from a bundle.
  const parse = (mod.default as typeof mod | undefined)?.parse ?? mod.parse;
  // Variables stay literal ($HOME is passed as the four characters, as sops's shlex does).
  const words = parse(line, (name) => `$${name}`);
  const out: string[] = [];
  for (const w of words) {
    if (typeof w !== "string") {
      throw new InvalidIdentityError(`${source} uses shell syntax, but key commands run without a shell`, {
        hint: `wrap it: ${source.replace(/^\$/, "")}="sh -c '…'"`,
      });
    }
    out.push(w);
  }
  if (out.length === 0) throw new InvalidIdentityError(`${source} is set but empty`);
  return out;
}

/** The quote a command line leaves open at its end (`'`, `"`), `\\` for a trailing backslash, else `undefined`. */
function unclosedQuote(line: string): string | undefined {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
    } else if (c === "\\") {
      if (++i === line.length) return "\\";
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
    } else if (c === "'" || c === '"') {
      quote = c;
    }
  }
  return quote;
}

/** Runs a key command and returns its output; errors name the program and the exit code, never its output. */
export async function runKeyCommand(
  line: string,
  source: string,
  env: NodeJS.ProcessEnv,
  recipient: string | undefined,
): Promise<Uint8Array> {
  const [program, ...args] = await splitCommand(line, source);
  const childEnv: NodeJS.ProcessEnv = { ...env };
  if (recipient !== undefined) childEnv.SOPS_AGE_RECIPIENT = recipient;
  else delete childEnv.SOPS_AGE_RECIPIENT;
  // Loaded here: node:child_process (with net and dgram) costs every command's start, and few set a key command.
  const { spawnSync } = await import("node:child_process");
  const r = spawnSync(program!, args, {
    env: childEnv,
    shell: false,
    // stdin stays the terminal, so a password manager can ask; stderr is not shown (it could echo what it read).
    stdio: ["inherit", "pipe", "pipe"],
    timeout: KEY_COMMAND_TIMEOUT_MS,
    maxBuffer: KEY_COMMAND_MAX_OUTPUT,
    windowsHide: true,
  });
  // A key pasted into the variable meant for a command is not echoed back.
  const shownName = shownKeySource(program!);
  const name = shownName.length > 60 ? `${shownName.slice(0, 57)}…` : shownName;
  const err = r.error as NodeJS.ErrnoException | undefined;
  if (err?.code === "ENOENT")
    throw new InvalidIdentityError(`${source}: command not found: ${name}`, {
      hint: "check the program name and PATH",
    });
  if (err?.code === "ETIMEDOUT")
    throw new InvalidIdentityError(`${source}: ${name} did not finish within ${KEY_COMMAND_TIMEOUT_MS / 1000} s`);
  if (err?.code === "ENOBUFS")
    throw new InvalidIdentityError(`${source}: ${name} printed more than ${KEY_COMMAND_MAX_OUTPUT / 1024} KiB`);
  if (err) throw new InvalidIdentityError(`${source}: ${name} could not be run (${err.code ?? "error"})`);
  if (r.signal) throw new InvalidIdentityError(`${source}: ${name} was ended by ${r.signal}`);
  if (r.status !== 0) {
    throw new InvalidIdentityError(`${source}: ${name} failed with exit code ${r.status}`, {
      hint: "run the command yourself to see why (its output is never shown by vaultfile)",
    });
  }
  return new Uint8Array(r.stdout);
}

/**
 * A key command as a deferred identity: run when its keys are needed, once per recipient asked about (and once
 * without one, for callers that only want to know its public key).
 */
export function commandIdentity(line: string, source: string, env: NodeJS.ProcessEnv, ask: PassphraseAsker): Identity {
  return {
    secret: "",
    kind: "command",
    source,
    expand: (recipient) =>
      commandOutput(line, source, env, recipient).then((out) => parseKeyFile(out, `the output of ${source}`, ask)),
  };
}

/**
 * Runs of key commands, per environment object (one per CLI run) and command line: a command that looks its keys
 * up again (to open the vault, then to mark `(you)`) runs each key command once per recipient asked about, and a
 * caller that wants only the public key (no recipient) takes any run's output.
 */
const runs = new WeakMap<NodeJS.ProcessEnv, Map<string, Map<string | undefined, Promise<Uint8Array>>>>();

function commandOutput(
  line: string,
  source: string,
  env: NodeJS.ProcessEnv,
  recipient: string | undefined,
): Promise<Uint8Array> {
  let forEnv = runs.get(env);
  if (!forEnv) runs.set(env, (forEnv = new Map()));
  let forLine = forEnv.get(line);
  if (!forLine) forEnv.set(line, (forLine = new Map()));
  let p = forLine.get(recipient) ?? (recipient === undefined ? forLine.values().next().value : undefined);
  if (!p) forLine.set(recipient, (p = runKeyCommand(line, source, env, recipient)));
  return p;
}
