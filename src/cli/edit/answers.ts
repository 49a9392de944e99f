/**
 * Reading what a person types in the edit menu: expiry dates or durations, rotation periods, names and new
 * values. Pure checks that return a message (for the prompt's inline validation) or the parsed answer.
 */
import { VaultfileError } from "../../errors.js";
import { addDuration, parseDate, parseDuration } from "../../rules/time.js";
import { checkSecretName, checkTypeName } from "../../rules/names.js";
import { codeLoadingReason, configuresReader, isKeyVariable } from "../../rules/env-danger.js";
import { MultiLinePasteError, type Prompter } from "../prompts.js";

/** Words that mean "no expiry" / "no rotation policy". */
const NEVER = new Set(["never", "none", "-"]);

/** The message of a vaultfile error (no values in it), for a prompt's inline validation. */
function messageOf(err: unknown): string {
  return err instanceof VaultfileError ? err.message : String(err);
}

/**
 * An expiry typed by a person: a date (`2027-01-31`, RFC 3339), a duration from now (`90d`, `6mo`, `1y`), or
 * `never`. Returns `null` for no expiry. Throws the parse error for anything else.
 */
export function parseExpiryAnswer(text: string, now: Date): Date | null {
  const t = text.trim();
  if (NEVER.has(t.toLowerCase())) return null;
  if (/^\d+\s*(h|d|w|mo|y)$/.test(t)) return addDuration(now, parseDuration(t, "expiry duration"));
  return parseDate(t, "expiry date");
}

/** Inline validation for {@link parseExpiryAnswer}; an empty answer is allowed when `optional`. */
export function checkExpiryAnswer(now: Date, optional: boolean): (text: string) => true | string {
  return (text) => {
    if (text.trim() === "") return optional ? true : "type a date (2027-01-31), a duration (90d) or never";
    try {
      parseExpiryAnswer(text, now);
      return true;
    } catch (err) {
      return `${messageOf(err)}: use YYYY-MM-DD, a duration such as 90d or 1y, or never`;
    }
  };
}

/** A rotation period (`90d`) or `never` (no policy, returned as `null`). */
export function parseRotateEveryAnswer(text: string): string | null {
  const t = text.trim();
  if (NEVER.has(t.toLowerCase())) return null;
  return parseDuration(t, "rotation period").text;
}

export function checkRotateEveryAnswer(text: string): true | string {
  if (text.trim() === "") return true;
  try {
    parseRotateEveryAnswer(text);
    return true;
  } catch (err) {
    return `${messageOf(err)}: use a number and h, d, w, mo or y (90d), or never`;
  }
}

/** Inline validation of a new secret's name: valid as an environment variable and not taken. */
export function checkNewSecretName(existing: readonly string[]): (text: string) => true | string {
  return (text) => {
    const name = text.trim();
    try {
      checkSecretName(name);
    } catch (err) {
      return `${messageOf(err)}: letters, digits and _, not starting with a digit`;
    }
    if (isKeyVariable(name))
      return `${name} chooses where vaultfile and sops read the age key: a vault never holds one; pick another name`;
    if (configuresReader(name))
      return `${name} configures vaultfile or sops: a vault never holds one; pick another name`;
    const reason = codeLoadingReason(name);
    if (reason !== undefined)
      return `${name} changes which code a program runs (${reason}); to store it anyway: vaultfile set ${name} --allow-name ${name}`;
    return existing.includes(name) ? `${name} already exists; pick it in the list to change it` : true;
  };
}

/** A secret type as the vault stores it: the library's type-name rule, its hint as the prompt's message. */
export function checkTypeAnswer(text: string): true | string {
  try {
    checkTypeName(text.trim());
    return true;
  } catch (err) {
    if (err instanceof VaultfileError) return err.hint ?? err.message;
    throw err;
  }
}

/**
 * Asks for a new value twice with masked input, until both entries match. The value is never echoed; the
 * mismatch message says only that they differ.
 */
export async function askNewValue(ui: Prompter, name: string): Promise<string> {
  const nonEmpty = (v: string): true | string => (v.length > 0 ? true : "the value cannot be empty");
  const pasteHint = `a value of several lines goes in with --stdin: \`vaultfile set ${name} --stdin < FILE\``;
  for (;;) {
    let question = "The two entries differ. Try again?";
    try {
      const first = await ui.password(`New value for ${name}:`, { validate: nonEmpty, pasteHint });
      const second = await ui.password(`Repeat the value for ${name}:`, { pasteHint });
      if (first === second) return first;
    } catch (err) {
      // The menu goes on: the paste was dropped, nothing was stored.
      if (!(err instanceof MultiLinePasteError)) throw err;
      question = `That paste had several lines, and this prompt takes one (${pasteHint}). Try again?`;
    }
    const retry = await ui.confirm(question, { default: true });
    if (!retry) throw new ValueNotConfirmed();
  }
}

/** The person gave up typing a value twice; the menu goes back without a change. */
export class ValueNotConfirmed extends Error {
  constructor() {
    super("value not confirmed");
    this.name = "ValueNotConfirmed";
  }
}
