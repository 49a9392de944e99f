/**
 * What a command may touch of the outside world, passed in so that commands can be run and tested without a
 * process: streams, environment, working folder, and the options every command shares.
 */
import { safeLine } from "../rules/text-safety.js";
import type { Command } from "commander";
import { resolve } from "node:path";
import { existsSync } from "node:fs";
import { NotFoundError } from "../errors.js";
import { DEFAULT_FILE, locateVault, type VaultLocation } from "../io/vault-discovery.js";
import type { VaultOptions } from "../io/vault-file.js";
import type { Output } from "./process-output.js";

export interface CliIO {
  stdout: Output;
  stderr: Output;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface GlobalOptions {
  /** The vault file, absolute: `-f`, `VAULTFILE_FILE`, `.secrets.yaml` here, or the nearest one up to the git root. */
  file: string;
  /** How {@link file} was found (`parent`: in a folder above the working folder). */
  fileSource: VaultLocation["source"];
  /** The folders looked in for `.secrets.yaml`, nearest first, for the "does not exist" hint. */
  searched: string[];
  identityFiles: string[];
  json: boolean;
  debug: boolean;
  color: boolean;
}

/** What a command's function receives: the outside world and the parsed global options. */
export interface CommandContext {
  readonly io: CliIO;
  readonly globals: GlobalOptions;
}

/**
 * The shared options of the program, read from any (sub)command. `search: false` (init) looks for the vault only
 * in the working folder, where a new one is created.
 */
export function globalsOf(cmd: Command, io: CliIO, opts: { search?: boolean } = {}): GlobalOptions {
  return globalsFrom(cmd.optsWithGlobals() as ParsedGlobals, io, opts);
}

/** The global options as commander parses them (`--no-color` gives `color: false`). */
export interface ParsedGlobals {
  file?: string;
  identity?: string[];
  json?: boolean;
  debug?: boolean;
  color?: boolean;
}

/** The globals of parsed options: the vault located, paths resolved, defaults from the environment. */
export function globalsFrom(o: ParsedGlobals, io: CliIO, opts: { search?: boolean } = {}): GlobalOptions {
  const where = locateVault(io.cwd, io.env, o.file, opts.search !== false);
  return {
    file: where.file,
    fileSource: where.source,
    searched: where.searched,
    identityFiles: (o.identity ?? []).map((p) => resolve(io.cwd, p)),
    json: o.json === true,
    debug: o.debug === true,
    // A getter: whether stdout is a terminal is looked up (node:tty loaded) only by a command that colours.
    get color() {
      return o.color !== false && !io.env.NO_COLOR && io.stdout.isTTY === true;
    },
  };
}

const announced = new WeakSet<GlobalOptions>();

/**
 * The vault file, for a command about to use it. One found in a parent folder is named on stderr, once, so nobody
 * changes a vault other than the one they meant without being told.
 */
export function vaultFileOf(g: GlobalOptions, io: CliIO): string {
  if (g.fileSource === "parent" && !announced.has(g)) {
    announced.add(g);
    note(io, "note", `using ${g.file}`);
  }
  return g.file;
}

/**
 * The vault file, for a command about to read it. When no `.secrets.yaml` was found in the working folder nor in a
 * parent up to the git root, the error says every folder looked in (with only the working folder searched, the path
 * in the message says it).
 */
export function vaultToOpen(g: GlobalOptions, io: CliIO): string {
  const file = vaultFileOf(g, io);
  if (g.searched.length < 2 || existsSync(file)) return file;
  throw new NotFoundError(`${file} does not exist`, {
    hint: `looked for ${DEFAULT_FILE} in ${g.searched.join(", ")} (up to the git root); create a vault with \`vaultfile init\`, or point to one with -f FILE or VAULTFILE_FILE`,
  });
}

/** Library options (key sources, clock) for the globals. */
export function vaultOptions(g: GlobalOptions, io: CliIO, extra: Partial<VaultOptions> = {}): VaultOptions {
  const fake = io.env.VAULTFILE_NOW; // a fixed clock for tests and demos: VAULTFILE_NOW=2026-11-24T10:00:00Z
  const now = fake ? () => new Date(fake) : undefined;
  return {
    identityFiles: g.identityFiles,
    env: io.env,
    // A getter: whether a person can answer (process.stdin, which node makes on first access along with the stream
    // modules behind it) is looked at only when a protected key needs a passphrase.
    get passphrase() {
      return passphraseAsker(io);
    },
    warn: (line) => note(io, "warning", line),
    ...(now ? { now } : {}),
    ...extra,
  };
}

/**
 * Asks for a key's passphrase (hidden) when a person is at a terminal; `undefined` otherwise, so that a protected key
 * fails with a clear error instead of waiting for input. The prompt module is loaded only when a key needs it.
 */
function passphraseAsker(io: CliIO): ((message: string) => Promise<string>) | undefined {
  if (io.stdin.isTTY !== true || (io.stderr.isTTY !== true && io.stdout.isTTY !== true)) return undefined;
  // Once per key and terminal: a command that looks its keys up twice (to open the vault, to mark `(you)`; a gate
  // that prints to stderr through a copy of `io`) asks once.
  let asked = passphrases.get(io.stdin);
  if (!asked) passphrases.set(io.stdin, (asked = new Map()));
  const memo = asked;
  return (message) => {
    let answer = memo.get(message);
    if (!answer)
      memo.set(
        message,
        (answer = import("./prompts.js").then((m) =>
          m
            .prompter(io, "")
            .password(message, { pasteHint: "a passphrase is one line: type it, or paste it without a line break" }),
        )),
      );
    return answer;
  };
}

const passphrases = new WeakMap<object, Map<string, Promise<string>>>();

/** Writes a line to stdout. */
export function out(io: CliIO, line = ""): void {
  io.stdout.write(line + "\n");
}

/**
 * Writes a line of human-readable output (tables, reports) to stdout: text from the file in it cannot steer the
 * terminal or, under GitHub Actions, the runner (`safeLine`). Data (values, exports, JSON) goes through {@link out}.
 */
export function say(io: CliIO, line = ""): void {
  io.stdout.write(`${safeLine(line, io.env.GITHUB_ACTIONS === "true")}\n`);
}

/** Writes a line to stderr with the `vaultfile:` prefix, made safe like {@link say}. */
export function note(io: CliIO, kind: "warning" | "hint" | "note", line: string): void {
  io.stderr.write(`${safeLine(`vaultfile: ${kind}: ${line}`, io.env.GITHUB_ACTIONS === "true")}\n`);
}
