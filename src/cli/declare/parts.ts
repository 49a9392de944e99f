/**
 * The pieces the command declarations are built from: arguments and options whose values completion knows (secret,
 * recipient and type names), the option rows shared with quick-argv.ts, the value and expiry options, and the hints
 * commander's own errors get.
 */
import { Argument, type Command, Option } from "commander";
import type { CommandContext } from "../context.js";
import { ALLOW_NAME_OPTION, type OptionSpec, type ValueKind } from "../option-table.js";

export const FORCE_HELP = "store a value that does not match its type (a warning instead of an error)";

const valueKinds = new WeakMap<Argument | Option, ValueKind>();

/** The kind of names `arg` takes, for completion. */
export const valueKindOf = (arg: Argument | Option): ValueKind | undefined => valueKinds.get(arg);

/** An argument (`<name>`, `[names...]`) whose values are names of `kind`. */
export function names(kind: ValueKind, spec: string, description: string): Argument {
  const a = new Argument(spec, description);
  valueKinds.set(a, kind);
  return a;
}

/** An option whose value is a name of `kind`. */
export function nameOption(kind: ValueKind, flags: string, description: string): Option {
  const o = new Option(flags, description);
  valueKinds.set(o, kind);
  return o;
}

/** A command's typed function: the parsed arguments in, the exit status out. */
export type Run<A extends unknown[]> = (ctx: CommandContext, ...args: A) => Promise<number>;

/** Wraps a command's typed function as its commander action. */
export type Runner = <A extends unknown[]>(fn: Run<A>) => (...args: unknown[]) => Promise<void>;

/** `--expires-at` / `--expires-in` (set, rotate, import). */
export function addExpiryOptions(cmd: Command): Command {
  return cmd
    .option("--expires-at <date>", "expiry date (2027-06-01 or RFC 3339), or never for none")
    .option("--expires-in <duration>", "expiry as a duration from now (90d, 12w, 6mo, 1y)");
}

/** Where a new value comes from (set, rotate). */
export function addValueOptions(cmd: Command): Command {
  return cmd
    .option("--stdin", "read the value from stdin (all of it; exactly one trailing newline is stripped)")
    .option(
      "--generate [spec]",
      "generate a crypto-random value: 32 (length, letters and digits), alnum:40, hex:64 (characters), base64:48, base64url:48 (bytes)",
    )
    .option(
      "--value <value>",
      "the value as an argument (discouraged: it lands in shell history and the process list)",
    );
}

/** `--allow-name NAME` (repeatable): a secret name that changes which code a program runs, used anyway. */
export function addAllowNameOption(cmd: Command): Command {
  return cmd.addOption(option(ALLOW_NAME_OPTION));
}

/** A commander option from its row in option-table.ts (which quick-argv.ts reads argv with too). */
export function option(spec: OptionSpec): Option {
  const o = new Option(spec.flags, spec.description);
  if (spec.default) o.default(spec.default.value, spec.default.shown);
  if (spec.choices) o.choices(spec.choices);
  if (spec.repeat) o.argParser((v: string, prev: string[] = []) => [...prev, v]);
  if (spec.kind) valueKinds.set(o, spec.kind);
  return o;
}

/** Declares the options of a table's rows, in order. */
export function declareOptions(cmd: Command, specs: readonly OptionSpec[]): Command {
  for (const spec of specs) cmd.addOption(option(spec));
  return cmd;
}

/**
 * `vaultfile set NAME VALUE` is refused as "too many arguments": say how a value is given instead (not as an
 * argument, which lands in shell history and the process list).
 */
export function hintStdinOnExtraArgument(cmd: Command): void {
  const inherited = cmd.configureOutput();
  cmd.configureOutput({
    outputError: (message, write) => {
      (inherited.outputError ?? ((m: string, w: (s: string) => void) => w(m)))(message, write);
      if (message.includes("too many arguments")) {
        write(
          `vaultfile: hint: the value is not an argument (it would land in shell history): printf '%s' "$VALUE" | vaultfile ${cmd.name()} NAME --stdin, or type it at the hidden prompt\n`,
        );
      }
    },
  });
}

/**
 * `vaultfile exec sh -c '…'` reads `-c` as an option of exec's own: say where the command belongs, after
 * commander's "unknown option" line.
 */
export function hintDoubleDashOnUnknownOption(cmd: Command): void {
  const inherited = cmd.configureOutput();
  cmd.configureOutput({
    outputError: (message, write) => {
      (inherited.outputError ?? ((m: string, w: (s: string) => void) => w(m)))(message, write);
      if (message.includes("unknown option"))
        write("vaultfile: hint: put the command after --: vaultfile exec -- CMD ARGS…\n");
    },
  });
}
