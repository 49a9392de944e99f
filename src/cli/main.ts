/**
 * The command-line program: parses argv with the declaration in `program.ts`, runs the command's function
 * (`commands/<name>.ts`) and maps its status or error to the exit code. The only place that decides the exit code.
 * The hot commands in their plain forms skip commander (`quick-argv.ts`); commander is loaded for everything else.
 */
import { safeLine } from "../rules/text-safety.js";
import type { CommanderError } from "commander";
import { ExitCode, ioErrorFrom, VaultfileError } from "../errors.js";
import { globalsFrom, type CliIO, type CommandContext } from "./context.js";
import { quickParse, type QuickParse } from "./quick-argv.js";
import type { ExecOptions } from "./commands/exec.js";
import type { ExportOptions } from "./commands/export.js";
import type { StatusOptions } from "./commands/status.js";
import { hintFor } from "./key-error.js";
import { FdOutput } from "./process-output.js";

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const debug = argv.includes("--debug");
  try {
    const quick = quickParse(argv);
    if (quick) return await runQuick({ io, globals: globalsFrom(quick.globals, io) }, quick);
    const { buildProgram } = await import("./program.js");
    let status: number = ExitCode.ok;
    await buildProgram(io, (s) => (status = s)).parseAsync([...argv], { from: "user" });
    return status;
  } catch (err) {
    return report(err, io, debug);
  }
}

/** Runs a command read by {@link quickParse}: the function, arguments and options commander's action would pass. */
async function runQuick(ctx: CommandContext, q: QuickParse): Promise<number> {
  const [first = "", ...rest] = q.operands;
  switch (q.command) {
    case "export":
      return (await import("./commands/export.js")).exportSecrets(ctx, q.opts as unknown as ExportOptions);
    case "get":
      return (await import("./commands/get.js")).get(ctx, first, q.opts);
    case "exec":
      return (await import("./commands/exec.js")).exec(ctx, first, rest, q.opts as ExecOptions);
    case "status":
      return (await import("./commands/status.js")).status(ctx, q.opts as unknown as StatusOptions);
  }
}

/** commander's own errors (help and version shown, usage errors), told apart without loading commander. */
function isCommanderError(err: unknown): err is CommanderError {
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === "string" && code.startsWith("commander.");
}

/** Prints an error for a person: one line, a hint, no stack unless --debug. */
export function report(err: unknown, io: CliIO, debug: boolean): number {
  if (isCommanderError(err)) {
    // Help and version exit "successfully" through an exception.
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help")
      return ExitCode.ok;
    return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (err instanceof VaultfileError) {
    // Messages quote text from the file (names, patterns, paths): shown escaped, like every human-readable line.
    const gh = io.env.GITHUB_ACTIONS === "true";
    io.stderr.write(`${safeLine(`vaultfile: error: ${err.message}`, gh)}\n`);
    const hint = hintFor(err);
    if (hint) io.stderr.write(`${safeLine(`vaultfile: hint: ${hint}`, gh)}\n`);
    if (debug)
      io.stderr.write(`${err.stack ?? ""}\n${err.cause instanceof Error ? `caused by: ${err.cause.stack}\n` : ""}`);
    return err.exitCode;
  }
  const msg = err instanceof Error ? err.message : String(err);
  io.stderr.write(`${safeLine(`vaultfile: error: internal error: ${msg}`, io.env.GITHUB_ACTIONS === "true")}\n`);
  if (debug) io.stderr.write(`${err instanceof Error ? err.stack : ""}\n`);
  else io.stderr.write("vaultfile: hint: run again with --debug for details, and report it\n");
  return ExitCode.internal;
}

export function processIO(): CliIO {
  return {
    stdout: new FdOutput(1, outputFailed),
    // A failed write to stderr cannot be reported anywhere; what the command does is not changed by it.
    stderr: new FdOutput(2, () => {}),
    // Looked up when a command reads it: node makes process.stdin on first access (a pipe, tty or file stream, with
    // the modules behind it), which most commands never need.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

/**
 * A failed write to stdout (`> /dev/full`, a full disk, a closed pipe) is reported as an I/O error (exit 7); a reader
 * that closed the pipe early (`| head`) is normal and ends the program quietly.
 */
function outputFailed(err: NodeJS.ErrnoException): never {
  if (err.code === "EPIPE") process.exit(ExitCode.ok);
  const e = ioErrorFrom(err, "write to", "standard output");
  process.stderr.write(`vaultfile: error: ${e.message}\n`);
  process.exit(e.exitCode);
}
