/**
 * A pre-dispatch for the commands that run in scripts on every start (`export`, `get`, `exec`, `status`): when argv
 * is plainly one of them, main.ts runs the command without loading commander (and the declaration of every
 * command). Anything else — help, version, an unknown or misplaced option, a missing or extra argument, an invalid
 * choice, a value that looks like an option, an alias — returns `undefined`, and commander parses it as always, so
 * help, errors and their exit codes are commander's own.
 *
 * The options are option-table.ts's, the table program.ts declares to commander, and they are read the way
 * commander reads them: first the program's own options, wherever they are, then the command's options from what
 * is left (so `exec --only A --json B` gives `--only` both A and B, as commander does).
 * test/cli/quick-argv.test.ts compares both parses on random argv.
 */
import type { ParsedGlobals } from "./context.js";
import { GLOBAL_OPTIONS, HOT_COMMANDS, type HotCommand, type OptionSpec } from "./option-table.js";

export interface QuickParse {
  globals: ParsedGlobals;
  command: HotCommand;
  /** The operands: `get`'s name, `exec`'s command and its arguments. */
  operands: string[];
  /** The command's options, as commander's `opts()` gives them (defaults included). */
  opts: Record<string, unknown>;
}

/** An option as commander reads its flags. */
interface Flag {
  short?: string;
  long: string;
  /** camelCase of the long name (without `no-`): the key in `opts()`. */
  key: string;
  value: "none" | "one" | "optional";
  variadic: boolean;
  negate: boolean;
  spec: OptionSpec;
}

/** Commander's reading of `-o, --output <file>` (and `--only <names...>`, `--no-decrypt`, `--generate [spec]`). */
function flagOf(spec: OptionSpec): Flag {
  const m = /^(?:(-[^-\s,]), )?(--[^\s,]+)(?: (.+))?$/.exec(spec.flags);
  if (!m) throw new Error(`internal: option flags ${spec.flags} are not in commander's form`);
  const long = m[2]!;
  const negate = long.startsWith("--no-");
  const name = negate ? long.slice(5) : long.slice(2);
  const value = m[3] === undefined ? "none" : m[3].includes("<") ? "one" : "optional";
  return {
    ...(m[1] ? { short: m[1] } : {}),
    long,
    key: name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
    value,
    variadic: /\w\.\.\.[>\]]$/.test(spec.flags),
    negate,
    spec,
  };
}

const GLOBAL = GLOBAL_OPTIONS.map(flagOf);
const LOCAL = Object.fromEntries(
  Object.entries(HOT_COMMANDS).map(([name, c]) => [name, c.options.map(flagOf)]),
) as Record<HotCommand, Flag[]>;

const isHot = (w: string | undefined): w is HotCommand => w !== undefined && Object.hasOwn(HOT_COMMANDS, w);
/** What commander takes for an option (`maybeOption`). */
const optionLike = (t: string): boolean => t.length > 1 && t.startsWith("-");
/** Tokens this parser leaves to commander: "" and "-" (odd values), negative numbers (commander's special case). */
const odd = (t: string): boolean => t === "" || t === "-" || /^-[\d.]/.test(t);

class Decline extends Error {}

/**
 * One level of commander's `parseOptions`: reads `flags` from `args`, and returns the operands and the rest (from
 * the first unknown option on, left for a subcommand). Declines whatever this parser does not read exactly as
 * commander would, or where commander would stop with an error.
 */
function parseLevel(
  args: readonly string[],
  flags: readonly Flag[],
  into: Record<string, unknown>,
  leaf: boolean,
): { operands: string[]; unknown: string[] } {
  const operands: string[] = [];
  const unknown: string[] = [];
  let dest = operands;
  let variadic: Flag | undefined;
  const find = (t: string) => flags.find((f) => f.long === t || f.short === t);
  const take = (f: Flag, v: string): void => {
    if (odd(v) || optionLike(v)) throw new Decline(); // commander would take it as the value; a person rarely means to
    if (f.spec.choices && !f.spec.choices.includes(v)) throw new Decline();
    into[f.key] = f.spec.repeat || f.variadic ? [...((into[f.key] as string[] | undefined) ?? []), v] : v;
  };
  for (let i = 0; i < args.length; i++) {
    const t = args[i]!;
    if (t === "--") {
      if (dest === unknown) dest.push(t);
      dest.push(...args.slice(i + 1));
      break;
    }
    if (odd(t)) throw new Decline();
    if (variadic && !optionLike(t)) {
      take(variadic, t);
      continue;
    }
    variadic = undefined;
    const f = optionLike(t) ? find(t) : undefined;
    if (f) {
      if (f.value === "optional") throw new Decline();
      if (f.value === "one") {
        const v = args[++i];
        if (v === undefined) throw new Decline();
        take(f, v);
      } else {
        into[f.key] = !f.negate;
      }
      if (f.variadic) variadic = f;
      continue;
    }
    if (/^-[^-]./.test(t)) {
      // A group of short flags (`-abc`) or a value stuck to its flag (`-fvault.yaml`).
      if (find(t.slice(0, 2))) throw new Decline();
    } else if (/^--[^=]+=/.test(t)) {
      const g = find(t.slice(0, t.indexOf("=")));
      if (g && g.value === "optional") throw new Decline();
      if (g && g.value === "one") {
        take(g, t.slice(t.indexOf("=") + 1));
        continue;
      }
    }
    if (optionLike(t)) {
      if (leaf) throw new Decline(); // an unknown option: commander's error
      dest = unknown;
    }
    dest.push(t);
  }
  return { operands, unknown };
}

/** The command `argv` plainly runs, or `undefined` to let commander parse it. */
export function quickParse(argv: readonly string[]): QuickParse | undefined {
  try {
    // The program's level: its options anywhere; the first operand names the command.
    const globals: Record<string, unknown> = {};
    const top = parseLevel(argv, GLOBAL, globals, false);
    const command = top.operands[0];
    if (!isHot(command)) return undefined;
    // The command's level: its options from what the program left; its operands after the program's.
    const opts: Record<string, unknown> = {};
    for (const f of LOCAL[command]) {
      if (f.spec.default) opts[f.key] = f.spec.default.value;
      else if (f.negate) opts[f.key] = true;
    }
    const sub = parseLevel(top.unknown, LOCAL[command], opts, true);
    const operands = [...top.operands.slice(1), ...sub.operands];
    const { min, max } = HOT_COMMANDS[command].operands;
    if (operands.length < min || operands.length > max) return undefined;
    return { globals: globals as ParsedGlobals, command, operands, opts };
  } catch (err) {
    if (err instanceof Decline) return undefined;
    throw err;
  }
}
