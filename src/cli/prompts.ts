/**
 * Every question vaultfile asks a person goes through this module, so tests can replace it (`setPrompter`) and so
 * the heavy `@inquirer/prompts` is loaded only when a prompt is actually shown.
 */
import { InterruptedError, UsageError } from "../errors.js";
import type { CliIO } from "./context.js";

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

export interface Prompter {
  /**
   * A hidden (masked) input of one line. A paste of several lines (more input right behind the Enter) is refused
   * with a {@link MultiLinePasteError} whose hint is `pasteHint`, and the rest of the paste is read and dropped, so that
   * neither this prompt's confirmation nor the shell after vaultfile gets the other lines.
   */
  password(message: string, opts?: { validate?: (v: string) => true | string; pasteHint?: string }): Promise<string>;
  input(message: string, opts?: { default?: string; validate?: (v: string) => true | string }): Promise<string>;
  confirm(message: string, opts?: { default?: boolean }): Promise<boolean>;
  select<T>(message: string, choices: readonly Choice<T>[], opts?: { default?: T }): Promise<T>;
}

/**
 * Where prompts are drawn: the terminal on stderr when there is one, so that stdout keeps only what a script
 * reads (`vaultfile get NAME > file` still asks on the terminal); else stdout.
 */
function promptContext(): { output: NodeJS.WritableStream } {
  return { output: process.stderr.isTTY ? process.stderr : process.stdout };
}

/** A paste of several lines reached a one-line hidden prompt (exit 2); the rest of the paste was dropped. */
export class MultiLinePasteError extends UsageError {
  constructor(hint: string) {
    super("the value was pasted as several lines, but the hidden prompt takes one line; nothing was changed", { hint });
    this.name = "MultiLinePasteError";
  }
}

/** Prompts through @inquirer/prompts, imported on first use. */
export const inquirerPrompter: Prompter = {
  async password(message, opts) {
    const { password } = await import("@inquirer/prompts");
    const paste = watchPaste(process.stdin);
    let answer: string;
    try {
      // No mask: a star per character would tell the length of the value (ssh, sudo and age show nothing either).
      answer = await password({ message, ...(opts?.validate ? { validate: opts.validate } : {}) }, promptContext());
    } catch (err) {
      paste.stop();
      throw err;
    }
    if (await paste.pasted())
      throw new MultiLinePasteError(opts?.pasteHint ?? "pass a value of several lines with --stdin");
    return answer;
  },
  async input(message, opts) {
    const { input } = await import("@inquirer/prompts");
    return input(
      {
        message,
        ...(opts?.default !== undefined ? { default: opts.default } : {}),
        ...(opts?.validate ? { validate: opts.validate } : {}),
      },
      promptContext(),
    );
  },
  async confirm(message, opts) {
    const { confirm } = await import("@inquirer/prompts");
    return confirm({ message, default: opts?.default ?? false }, promptContext());
  },
  async select(message, choices, opts) {
    const { select } = await import("@inquirer/prompts");
    return select(
      {
        message,
        choices: choices.map((c) => ({ ...c })),
        ...(opts?.default !== undefined ? { default: opts.default } : {}),
        pageSize: 15,
      },
      promptContext(),
    );
  },
};

/** Input that arrives this soon after an Enter is part of the same paste: nobody types that fast. */
const PASTE_GAP_MS = 40;
/** The rest of a paste is read until the terminal has been quiet this long (or for {@link PASTE_DRAIN_MAX_MS}). */
const PASTE_QUIET_MS = 150;
const PASTE_DRAIN_MAX_MS = 3_000;

const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms));

/**
 * Watches the raw terminal input beside the prompt (readline reads the same chunks) for anything after the first
 * Enter: a paste of several lines arrives as one burst, the first line of which the prompt takes. `pasted()`, once
 * the prompt has answered, also waits {@link PASTE_GAP_MS} for a burst split across reads, then reads and drops the
 * rest of a paste (in raw mode: nothing is echoed) so that it reaches neither the next prompt nor the shell.
 */
function watchPaste(stdin: NodeJS.ReadStream): { pasted(): Promise<boolean>; stop(): void } {
  let enter = false;
  let more = false;
  let last = Date.now();
  const onData = (chunk: Buffer | string): void => {
    last = Date.now();
    const text = typeof chunk === "string" ? chunk : chunk.toString("latin1");
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === "\n" && text[i - 1] === "\r") continue; // CR LF is one Enter
      if (enter) more = true;
      if (c === "\r" || c === "\n") enter = true;
    }
  };
  stdin.on("data", onData);
  const stop = (): void => void stdin.off("data", onData);
  const listen = (on: boolean): void => {
    if (stdin.isTTY) stdin.setRawMode(on);
    if (on) stdin.resume();
    else stdin.pause();
  };
  return {
    stop,
    async pasted() {
      try {
        if (!more) {
          listen(true);
          await sleep(PASTE_GAP_MS);
        }
        if (!more) return false;
        listen(true);
        const start = Date.now();
        while (Date.now() - last < PASTE_QUIET_MS && Date.now() - start < PASTE_DRAIN_MAX_MS)
          await sleep(PASTE_QUIET_MS / 3);
        return true;
      } finally {
        listen(false);
        stop();
      }
    },
  };
}

let current: Prompter = inquirerPrompter;

/** Replaces the prompter (tests); returns the previous one. */
export function setPrompter(p: Prompter): Prompter {
  const prev = current;
  current = p;
  return prev;
}

/** True when a person can answer: stdin is a terminal, and so is stderr or stdout (where {@link promptContext} draws). */
export function canPrompt(io: CliIO): boolean {
  return io.stdin.isTTY === true && (io.stderr.isTTY === true || io.stdout.isTTY === true);
}

/**
 * The prompter, or a usage error naming the non-interactive alternative when nobody can answer (CI, pipes), so
 * that a command never hangs waiting for input.
 */
export function prompter(io: CliIO, alternative: string): Prompter {
  if (!canPrompt(io)) throw new UsageError("no terminal to prompt on", { hint: alternative });
  return current;
}

/** True when the error is the user pressing Ctrl-C / Esc in a prompt. */
export function isPromptAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === "ExitPromptError" || err.name === "AbortPromptError");
}

/**
 * A yes/no question before a change (default no): Ctrl-C is an {@link InterruptedError} saying `unchanged` (what
 * was not done, e.g. "not resealed, the file is unchanged").
 */
export async function confirmChange(ask: Prompter, question: string, unchanged: string): Promise<boolean> {
  try {
    return await ask.confirm(question, { default: false });
  } catch (err) {
    if (isPromptAbort(err)) throw new InterruptedError(`interrupted; ${unchanged}`);
    throw err;
  }
}
