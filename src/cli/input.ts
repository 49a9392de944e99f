/**
 * Where a secret's new value comes from (`set`, `rotate`): all of stdin (`--stdin`), a crypto-random string
 * (`--generate[=SPEC]`), an argv argument (`--value`, with a warning: it lands in shell history), or a hidden prompt
 * entered twice when a person is at a terminal. Without a terminal and without a source it fails at once with a
 * hint, so a CI job never hangs waiting for input.
 */
import { randomBytes } from "node:crypto";
import { InterruptedError, InvalidInputError, UsageError } from "../errors.js";
import { checkSecretValue } from "../rules/names.js";
import type { SecretType } from "../types/definition.js";
import { note, type CliIO } from "./context.js";
import { isPromptAbort, prompter } from "./prompts.js";

/** The value options as commander parses them. */
export interface ValueSourceOptions {
  stdin?: boolean | undefined;
  /** `true` for a bare `--generate`, else the SPEC text. */
  generate?: string | boolean | undefined;
  value?: string | undefined;
}

/** The SPEC of a bare `--generate`: 32 letters and digits (about 190 bits). */
export const DEFAULT_GENERATE_SPEC = "alnum:32";
const MAX_GENERATED = 4096;
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * A crypto-random value from a SPEC: `N` or `alnum:N` (N letters and digits), `hex:N` (N hex characters),
 * `base64:N` / `base64url:N` (N random bytes, encoded). Throws {@link UsageError} for anything else.
 */
export function generateValue(spec: string): string {
  const m = /^(?:(alnum|hex|base64|base64url):)?(\d+)$/.exec(spec.trim());
  const n = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(n) || n < 1 || n > MAX_GENERATED) {
    throw new UsageError(`invalid --generate spec ${JSON.stringify(spec)}`, {
      hint: `use a length from 1 to ${MAX_GENERATED}, optionally with an alphabet: 32, alnum:40, hex:64, base64:48 (bytes), base64url:32 (bytes)`,
    });
  }
  switch (m[1] ?? "alnum") {
    case "hex":
      return randomBytes(Math.ceil(n / 2))
        .toString("hex")
        .slice(0, n);
    case "base64":
      return randomBytes(n).toString("base64");
    case "base64url":
      return randomBytes(n).toString("base64url");
    default:
      return randomAlnum(n);
  }
}

/** `n` characters from {@link ALNUM}, unbiased: bytes of 248 and above (62 × 4) are rejected. */
function randomAlnum(n: number): string {
  let out = "";
  while (out.length < n) {
    for (const b of randomBytes(n - out.length + 16)) {
      if (b < 248 && out.length < n) out += ALNUM[b % 62];
    }
  }
  return out;
}

/** All of stdin, as bytes. */
export async function readStdinBytes(io: CliIO): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of io.stdin)
    chunks.push(typeof c === "string" ? Buffer.from(c, "utf8") : Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/**
 * Decodes input that holds secrets as UTF-8. Invalid bytes are an error naming `what`: decoding them leniently
 * would store U+FFFD instead of the secret without a word.
 */
export function decodeSecretText(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new InvalidInputError("E_VALUE", `${what} is not valid UTF-8 text`, {
      hint: "encode binary secrets first, e.g. `base64 < file | vaultfile set NAME --stdin`",
    });
  }
}

/** Reads all of stdin as UTF-8 and strips exactly one trailing newline (`\n` or `\r\n`), as `echo` adds one. */
export async function readStdinValue(io: CliIO): Promise<string> {
  const text = decodeSecretText(await readStdinBytes(io), "the value on stdin");
  return text.endsWith("\r\n") ? text.slice(0, -2) : text.endsWith("\n") ? text.slice(0, -1) : text;
}

/**
 * Whether stdin, when it is not a terminal, brings data: `echo "$NEW" | vaultfile set NAME --expires-in 30d` forgot
 * --stdin, and a metadata-only update would keep the old value without a word. Waits for the first chunk or the end
 * of stdin, at most `waitMs`: a stdin left open without data (as some CI runners leave it) counts as none, so this
 * never hangs. It may take a chunk off stdin: call it only when stdin is not read afterwards.
 */
export async function stdinBringsData(io: CliIO, waitMs = 200): Promise<boolean> {
  const stdin = io.stdin;
  if (stdin.isTTY === true) return false;
  return new Promise((resolve) => {
    const done = (brings: boolean): void => {
      clearTimeout(timer);
      stdin.off("data", onData);
      stdin.off("end", onEnd);
      stdin.off("error", onEnd);
      // Paused, a stdin whose writer stays open no longer keeps the process alive.
      stdin.pause();
      resolve(brings);
    };
    const onData = (chunk: Buffer | string): void => {
      if (chunk.length > 0) done(true);
    };
    const onEnd = (): void => done(false);
    const timer = setTimeout(() => done(false), waitMs);
    stdin.on("data", onData);
    stdin.once("end", onEnd);
    stdin.once("error", onEnd);
  });
}

/** The value sources given on the command line (`--stdin`, `--generate`, `--value`); empty for the prompt. */
export function valueSourcesOf(opts: ValueSourceOptions): string[] {
  return [
    opts.stdin ? "--stdin" : undefined,
    opts.generate !== undefined && opts.generate !== false ? "--generate" : undefined,
    opts.value !== undefined ? "--value" : undefined,
  ].filter((s) => s !== undefined);
}

/** How {@link readSecretValue} asks when the value comes from the prompt. */
export interface PromptPlan {
  /** The command, for hints (`set`, `rotate`). */
  command: string;
  /** The prompt's text (default `Value for NAME:`). */
  question?: string;
  /**
   * Runs only when a prompt is about to be shown (e.g. to check that the vault opens before someone types a secret
   * twice); returns the secret's type when known, so that a type of several-line values is sent to `--stdin`.
   */
  before?: () => Promise<SecretType | undefined>;
}

/** The new value of secret `name` from the chosen source; the prompt as `plan` says. */
export async function readSecretValue(
  io: CliIO,
  opts: ValueSourceOptions,
  name: string,
  plan: PromptPlan = { command: "set" },
): Promise<string> {
  const chosen = valueSourcesOf(opts);
  if (chosen.length > 1)
    throw new UsageError(`${chosen.join(" and ")} cannot be combined`, { hint: "choose one source for the value" });
  let value: string;
  if (opts.stdin) value = await readStdinValue(io);
  else if (opts.generate !== undefined && opts.generate !== false)
    value = generateValue(opts.generate === true ? DEFAULT_GENERATE_SPEC : opts.generate);
  else if (opts.value !== undefined) {
    note(
      io,
      "warning",
      "--value puts the secret in your shell history and the process list; prefer --stdin or the prompt",
    );
    value = opts.value;
  } else {
    const fromStdin = `\`vaultfile ${plan.command} ${name} --stdin < FILE\``;
    const ask = prompter(
      io,
      `pass the value with --stdin (e.g. \`printf '%s' "$TOKEN" | vaultfile ${plan.command} ${name} --stdin\`) or --generate`,
    );
    const type = await plan.before?.();
    if (type?.multiLine) {
      throw new UsageError(`a ${type.id} value has several lines, which the hidden prompt cannot take`, {
        hint: `pass it with --stdin: ${fromStdin}`,
      });
    }
    value = await promptTwice(
      io,
      ask,
      plan.question ?? `Value for ${name}:`,
      `a value of several lines goes in with --stdin: ${fromStdin}`,
    );
  }
  checkSecretValue(name, value); // the one rule for values: set, rotate, import, edit and the library
  return value;
}

/** How many times a person may type the value and its confirmation before the command gives up. */
const PROMPT_TRIES = 3;

/** Asks for the value and its confirmation; entries that differ are asked again, up to {@link PROMPT_TRIES} times. */
async function promptTwice(
  io: CliIO,
  ask: ReturnType<typeof prompter>,
  question: string,
  pasteHint: string,
): Promise<string> {
  const nonEmpty = (v: string): true | string => (v === "" ? "the value cannot be empty" : true);
  try {
    for (let attempt = 1; ; attempt++) {
      const first = await ask.password(question, { validate: nonEmpty, pasteHint });
      const second = await ask.password(`Again, to confirm:`, { pasteHint });
      if (first === second) return first;
      if (attempt === PROMPT_TRIES)
        throw new InvalidInputError("E_VALUE", `the two entries differed ${PROMPT_TRIES} times; nothing was changed`, {
          hint: "run the command again, or pass the value with --stdin",
        });
      note(
        io,
        "warning",
        `the two entries differ; try again (${PROMPT_TRIES - attempt} ${PROMPT_TRIES - attempt === 1 ? "try" : "tries"} left)`,
      );
    }
  } catch (err) {
    if (isPromptAbort(err)) throw new InterruptedError();
    throw err;
  }
}
