/**
 * The command-line program: declares the global options, registers each command (one file each under
 * `commands/`), and maps errors to messages and exit codes. The only place that decides the exit code.
 */
import { Command, CommanderError } from "commander";
import { ExitCode, ioErrorFrom, VaultfileError } from "../errors.js";
import { DEFAULT_FILE, type CliIO } from "./context.js";
import { commands, type CommandEntry } from "./commands/index.js";

const VERSION = "0.1.0";

const EXAMPLES = `
Examples:
  vaultfile init                                   # a new vault, encrypted to your key
  vaultfile set PYPI_TOKEN --type pypi --expires-in 365d --required
  vaultfile status                                 # what expires when
  vaultfile exec -- ./release.sh                   # the secrets in one command's environment
  vaultfile COMMAND --help                         # each command's options and examples`;

/**
 * The program with the command(s) `argv` needs: only the invoked command's module when argv names one (so a small
 * command does not load and compile the other commands), else every command (help, no command, an unknown word and
 * its "did you mean"). Each command's help and behaviour are the same either way.
 */
export async function buildProgram(io: CliIO, argv: readonly string[] = []): Promise<Command> {
  const program = programShell(io);
  const invoked = invokedCommand(argv);
  const modules = await Promise.all((invoked ? [invoked] : commands).map((c) => c.load()));
  for (const m of modules) m.register(program, io);
  program.commands.forEach((c) => c.exitOverride());
  return program;
}

/** The program with its global options and no commands. */
function programShell(io: CliIO): Command {
  return new Command("vaultfile")
    .description("Secrets with expiry metadata in one encrypted, sops-compatible YAML file in your git repository.")
    .version(VERSION, "-V, --version")
    .option("-f, --file <path>", `vault file (default: $VAULTFILE_FILE or ${DEFAULT_FILE})`)
    .option("-i, --identity <path>", "age identity file to decrypt with (repeatable)", (v: string, prev: string[] = []) => [...prev, v])
    .option("--json", "machine-readable output where a script would read it")
    .option("--debug", "show stack traces on errors")
    .option("--no-color", "no colours (also: NO_COLOR=1)")
    .addHelpText("after", EXAMPLES)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s.replace(/^error: /, "vaultfile: error: ")),
    });
}

/**
 * The command commander will dispatch `argv` to: the first operand once the global options (and their values) are
 * taken out, found by commander's own option parser on a silent program without commands. `undefined` when that
 * word is no command, or parsing stops early (`--version`, a global option without its value): then every command
 * is loaded and the real parse reports it.
 */
function invokedCommand(argv: readonly string[]): CommandEntry | undefined {
  const silent = { write: () => true } as unknown as NodeJS.WritableStream;
  const probe = programShell({ stdout: silent, stderr: silent } as CliIO);
  let word: string | undefined;
  try {
    word = probe.parseOptions([...argv]).operands[0];
  } catch {
    return undefined;
  }
  return word === undefined ? undefined : commands.find((c) => c.names.includes(word));
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const debug = argv.includes("--debug");
  try {
    const program = await buildProgram(io, argv);
    await program.parseAsync([...argv], { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : ExitCode.ok;
  } catch (err) {
    return report(err, io, debug);
  }
}

/** Prints an error for a person: one line, a hint, no stack unless --debug. */
export function report(err: unknown, io: CliIO, debug: boolean): number {
  if (err instanceof CommanderError) {
    // Help and version exit "successfully" through an exception.
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return ExitCode.ok;
    return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (err instanceof VaultfileError) {
    io.stderr.write(`vaultfile: error: ${err.message}\n`);
    if (err.hint) io.stderr.write(`vaultfile: hint: ${err.hint}\n`);
    if (debug) io.stderr.write(`${err.stack ?? ""}\n${err.cause instanceof Error ? `caused by: ${err.cause.stack}\n` : ""}`);
    return err.exitCode;
  }
  const msg = err instanceof Error ? err.message : String(err);
  io.stderr.write(`vaultfile: error: internal error: ${msg}\n`);
  if (debug) io.stderr.write(`${err instanceof Error ? err.stack : ""}\n`);
  else io.stderr.write("vaultfile: hint: run again with --debug for details, and report it\n");
  return ExitCode.internal;
}

export function processIO(): CliIO {
  exitOnOutputError(process.stdout, "standard output");
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd() };
}

/**
 * A failed write to stdout (`> /dev/full`, a full disk, a closed pipe) arrives as an asynchronous 'error' event,
 * which Node would turn into a crash with a stack trace. Report it as an I/O error instead (exit 7); a reader that
 * closed the pipe early (`| head`) is normal and ends the program quietly.
 */
function exitOnOutputError(stream: NodeJS.WriteStream, name: string): void {
  if (stream.listenerCount("error") > 0) return;
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(ExitCode.ok);
    const e = ioErrorFrom(err, "write to", name);
    process.stderr.write(`vaultfile: error: ${e.message}\n`);
    process.exit(e.exitCode);
  });
}
