/**
 * GitHub Actions: the `$GITHUB_ENV` file syntax and the `::add-mask::` workflow commands.
 *
 * The runner reads `$GITHUB_ENV` line by line (lines end at `\n`); `NAME<<DELIMITER` starts a value that is every
 * following line up to a line that is exactly `DELIMITER`, joined with the newlines between them (so a value may
 * hold anything, trailing newlines and carriage returns included, as long as no line of it equals the delimiter).
 * Each value gets that form with a fresh crypto-random delimiter checked not to occur in the value.
 *
 * Masks go to the step's stdout, one `::add-mask::` per line of each value (the log is masked line by line, so a
 * multi-line secret needs each of its lines registered), blanks trimmed (a shorter mask hides at least as much),
 * with the workflow-command data escapes `%` → `%25`, `\r` → `%0D`, `\n` → `%0A`.
 */
import { randomBytes } from "node:crypto";
import { InvalidInputError } from "../errors.js";
import { checkedEntries } from "./env-names.js";

export interface GithubExport {
  /** `::add-mask::` lines, for the step's stdout: print them before anything could show a value. */
  masks: string;
  /** `NAME<<DELIMITER` blocks, to append to the `$GITHUB_ENV` file. */
  env: string;
}

export interface GithubOptions {
  /** Delimiter source, for tests; default `VAULTFILE_EOF_` + 128 random bits in hex. */
  delimiter?: () => string;
}

const randomDelimiter = (): string => `VAULTFILE_EOF_${randomBytes(16).toString("hex")}`;

/** Escapes workflow-command data as the runner unescapes it. */
export function escapeCommandData(text: string): string {
  return text.replaceAll("%", "%25").replaceAll("\r", "%0D").replaceAll("\n", "%0A");
}

/** The distinct, non-blank, trimmed lines of `value`: what to register as masks. */
export function maskLines(value: string): string[] {
  return [...new Set(value.split(/\r\n|\n|\r/).map((l) => l.trim()))].filter((l) => l !== "");
}

/** Masks and `$GITHUB_ENV` blocks for the environment, in order. */
export function toGithub(env: Readonly<Record<string, string>>, opts: GithubOptions = {}): GithubExport {
  const next = opts.delimiter ?? randomDelimiter;
  const masks: string[] = [];
  const blocks: string[] = [];
  for (const [name, value] of checkedEntries(env, "github")) {
    for (const line of maskLines(value)) masks.push(`::add-mask::${escapeCommandData(line)}\n`);
    const delimiter = delimiterFor(name, value, next);
    blocks.push(`${name}<<${delimiter}\n${value}\n${delimiter}\n`);
  }
  return { masks: [...new Set(masks)].join(""), env: blocks.join("") };
}

/** A delimiter that occurs nowhere in `value` (a clash with 128 random bits is all but impossible; retry anyway). */
function delimiterFor(name: string, value: string, next: () => string): string {
  for (let i = 0; i < 8; i++) {
    const d = next();
    if (d !== "" && !/[\r\n]/.test(d) && !value.includes(d)) return d;
  }
  throw new InvalidInputError("E_VALUE", `cannot find a delimiter for ${name} that does not occur in its value`);
}
