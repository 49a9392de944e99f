/**
 * Every question vaultfile asks a person goes through this module, so tests can replace it (`setPrompter`) and so
 * the heavy `@inquirer/prompts` is loaded only when a prompt is actually shown.
 */
import { UsageError } from "../errors.js";
import type { CliIO } from "./context.js";

export interface Choice<T> {
  name: string;
  value: T;
  description?: string;
}

export interface Prompter {
  /** A hidden (masked) input. */
  password(message: string, opts?: { validate?: (v: string) => true | string }): Promise<string>;
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

/** Prompts through @inquirer/prompts, imported on first use. */
export const inquirerPrompter: Prompter = {
  async password(message, opts) {
    const { password } = await import("@inquirer/prompts");
    // No mask: a star per character would tell the length of the value (ssh, sudo and age show nothing either).
    return password({ message, ...(opts?.validate ? { validate: opts.validate } : {}) }, promptContext());
  },
  async input(message, opts) {
    const { input } = await import("@inquirer/prompts");
    return input({ message, ...(opts?.default !== undefined ? { default: opts.default } : {}), ...(opts?.validate ? { validate: opts.validate } : {}) }, promptContext());
  },
  async confirm(message, opts) {
    const { confirm } = await import("@inquirer/prompts");
    return confirm({ message, default: opts?.default ?? false }, promptContext());
  },
  async select(message, choices, opts) {
    const { select } = await import("@inquirer/prompts");
    return select({ message, choices: choices.map((c) => ({ ...c })), ...(opts?.default !== undefined ? { default: opts.default } : {}), pageSize: 15 }, promptContext());
  },
};

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
