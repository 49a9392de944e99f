/**
 * What a command may touch of the outside world, passed in so that commands can be run and tested without a
 * process: streams, environment, working folder, and the options every command shares.
 */
import { safeLine } from "../rules/text-safety.js";
import type { Command } from "commander";
import { resolve } from "node:path";
import type { VaultOptions } from "../vault/vault.js";

export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface GlobalOptions {
  /** The vault file, resolved against cwd (`-f`, `VAULTFILE_FILE`, default `.secrets.yaml`). */
  file: string;
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

export const DEFAULT_FILE = ".secrets.yaml";

/** The shared options of the program, read from any (sub)command. */
export function globalsOf(cmd: Command, io: CliIO): GlobalOptions {
  const o = cmd.optsWithGlobals() as { file?: string; identity?: string[]; json?: boolean; debug?: boolean; color?: boolean };
  const file = o.file ?? io.env.VAULTFILE_FILE ?? DEFAULT_FILE;
  return {
    file: resolve(io.cwd, file),
    identityFiles: (o.identity ?? []).map((p) => resolve(io.cwd, p)),
    json: o.json === true,
    debug: o.debug === true,
    color: o.color !== false && !io.env.NO_COLOR && io.stdout.isTTY === true,
  };
}

/** Library options (key sources, clock) for the globals. */
export function vaultOptions(g: GlobalOptions, io: CliIO, extra: Partial<VaultOptions> = {}): VaultOptions {
  const fake = io.env.VAULTFILE_NOW; // a fixed clock for tests and demos: VAULTFILE_NOW=2026-11-24T10:00:00Z
  const now = fake ? () => new Date(fake) : undefined;
  return { identityFiles: g.identityFiles, env: io.env, ...(now ? { now } : {}), ...extra };
}

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
