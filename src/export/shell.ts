/**
 * `export NAME='value'` lines for POSIX shells (bash, dash, zsh, ksh): safe to `eval` or source. Inside single
 * quotes a POSIX shell takes every byte literally (no `$`, backtick or backslash processing, newlines kept), so
 * the only character to handle is the single quote itself, written as `'\''` (close, escaped quote, reopen).
 */
import { checkedEntries } from "./env-names.js";

/** One value single-quoted for a POSIX shell. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** The whole environment as `export NAME='value'` lines, in order. */
export function toShell(env: Readonly<Record<string, string>>): string {
  return checkedEntries(env, "shell")
    .map(([name, value]) => `export ${name}=${shellQuote(value)}\n`)
    .join("");
}
