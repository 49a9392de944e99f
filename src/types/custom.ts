/**
 * Custom types, declared in the vault file itself under `types:` (so the MAC and the name seal cover them):
 *
 *     types:
 *       internal-api:
 *         pattern: ^ia_[a-z0-9]{32}$
 *         rotate_every: 30d
 *         rotate_at: https://internal.example/tokens
 *         description: Internal API token
 *         companions: [INTERNAL_API_URL]
 *
 * The pattern must match the whole value (it is anchored whatever it says). Companions are secret names that must
 * exist whenever a secret of the type does.
 */
import { FormatError, InvalidInputError } from "../errors.js";
import { compileRe2, Re2SyntaxError, type Re2Pattern } from "../rules/re2.js";
import { checkPrintable } from "../rules/text-safety.js";
import { checkSecretName, checkTypeName } from "../rules/names.js";
import { parseDuration } from "../rules/time.js";
import type { SecretType } from "./definition.js";

/** A custom type as stored in the file. */
export interface CustomTypeEntry {
  pattern: string;
  rotate_every?: string;
  rotate_at?: string;
  description?: string;
  companions?: string[];
}

/** What `vaultfile type add` (or a program) gives to declare a custom type. */
export interface CustomTypeOptions {
  pattern: string;
  rotateEvery?: string | undefined;
  rotateAt?: string | undefined;
  description?: string | undefined;
  companions?: readonly string[] | undefined;
}

/**
 * Compiles a pattern with RE2 syntax, matching whole values (as if anchored at both ends), or explains why it does
 * not compile (the pattern is not secret). RE2 runs in linear time: a pattern from the file cannot hang `validate`.
 */
export function compilePattern(pattern: string): Re2Pattern {
  try {
    return compileRe2(pattern, { whole: true });
  } catch (err) {
    const why = err instanceof Re2SyntaxError ? err.reason : "does not compile";
    throw new InvalidInputError(
      "E_INPUT",
      `invalid pattern ${JSON.stringify(pattern)}: not an RE2 regular expression (${why})`,
      { hint: 'patterns use RE2 syntax (no lookarounds or backreferences), e.g. --pattern "^ia_[a-z0-9]{32}$"' },
    );
  }
}

/** Checks options for a new custom type and returns the entry to store. Throws {@link InvalidInputError}. */
export function customTypeEntry(name: string, opts: CustomTypeOptions): CustomTypeEntry {
  checkTypeName(name);
  if (opts.pattern === "")
    throw new InvalidInputError("E_INPUT", "the pattern is empty", { hint: 'e.g. --pattern "^ia_[a-z0-9]{32}$"' });
  // Stored in clear and shown by `type list` and `validate` (a pattern with line breaks injected workflow commands).
  checkPrintable(opts.pattern, "pattern");
  compilePattern(opts.pattern);
  const entry: CustomTypeEntry = { pattern: opts.pattern };
  if (opts.rotateEvery !== undefined) entry.rotate_every = parseDuration(opts.rotateEvery, "rotation period").text;
  if (opts.rotateAt !== undefined) entry.rotate_at = oneLine(opts.rotateAt, "rotate-at");
  if (opts.description !== undefined) entry.description = oneLine(opts.description, "description");
  if (opts.companions !== undefined && opts.companions.length > 0) {
    for (const c of opts.companions) checkSecretName(c);
    entry.companions = [...new Set(opts.companions)];
  }
  return entry;
}

function oneLine(text: string, what: string): string {
  const t = text.trim();
  if (t === "" || /[\r\n]/.test(t)) throw new InvalidInputError("E_INPUT", `the ${what} must be one non-empty line`);
  checkPrintable(t, what);
  return t;
}

/**
 * The type a file entry declares. Throws {@link FormatError} naming the type when the entry is malformed (the
 * MAC makes that rare: it takes a key holder's edit outside vaultfile).
 */
export function customTypeFromEntry(name: string, raw: unknown, file: string): SecretType {
  const bad = (why: string): FormatError =>
    new FormatError(`custom type ${name} in ${file} is invalid: ${why}`, {
      hint: `fix it with \`vaultfile type rm ${name}\` and \`vaultfile type add ${name} --pattern …\``,
    });
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw bad("it must be a mapping with a pattern");
  const r = raw as Record<string, unknown>;
  const str = (k: string): string | undefined => {
    const v = r[k];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string" && typeof v !== "number") throw bad(`${k} must be text`);
    return String(v);
  };
  const companions = r.companions ?? [];
  if (!Array.isArray(companions) || companions.some((c) => typeof c !== "string"))
    throw bad("companions must be a list of secret names");
  let entry: CustomTypeEntry;
  try {
    entry = customTypeEntry(name, {
      pattern: str("pattern") ?? "",
      rotateEvery: str("rotate_every"),
      rotateAt: str("rotate_at"),
      description: str("description"),
      companions: companions as string[],
    });
  } catch (err) {
    throw bad(err instanceof Error ? err.message : String(err));
  }
  const re = compilePattern(entry.pattern);
  return {
    id: name,
    source: "file",
    description: entry.description ?? `custom: values match ${entry.pattern}`,
    pattern: entry.pattern,
    check: (value) => (re.test(value) ? null : `expected a value matching the pattern ${entry.pattern}`),
    roles: [],
    companions: entry.companions ?? [],
    rotateEvery: entry.rotate_every ?? null,
    rotateAt: entry.rotate_at ?? null,
    generate: null,
  };
}
