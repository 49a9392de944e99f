/**
 * Regular expressions that come from a file (a vault's `sops.encrypted_regex` / `unencrypted_regex`, a custom
 * type's `pattern`, a `.sops.yaml` creation rule's `path_regex`) or from a person, run with RE2 semantics and in
 * time linear in the input, as sops runs them (Go's `regexp` is RE2). JavaScript's own `RegExp` backtracks: a
 * file with `encrypted_regex: ^(a+)+$` and a key `aaaa…!` hung `git diff` for minutes.
 *
 * The engine is `re2js` (a pure-JavaScript port of RE2/J): no native build, no WebAssembly, the same syntax and
 * matching as Go. It is loaded on first use of a pattern that is not a plain literal, so commands that see only
 * vaultfile's own `^value$` never load it.
 */
import { createRequire } from "node:module";
import { MAX_PATTERN_LENGTH } from "./limits.js";

/** A compiled pattern. */
export interface Re2Pattern {
  /** The pattern as written. */
  readonly source: string;
  /** Whether the pattern matches `text`: anywhere in it (Go's `MatchString`), or all of it when compiled `whole`. */
  test(text: string): boolean;
}

/** The pattern does not compile as RE2 (the reason is the engine's, and never holds any input text). */
export class Re2SyntaxError extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(`invalid regular expression: ${reason}`);
    this.name = "Re2SyntaxError";
    this.reason = reason;
  }
}

interface Re2Engine {
  compile(source: string): { test(s: string): boolean; testExact(s: string): boolean };
}

let engine: Re2Engine | undefined;
function re2(): Re2Engine {
  // Synchronous on purpose: compiling runs inside synchronous parsing code. The CommonJS build of re2js.
  engine ??= (createRequire(import.meta.url)("re2js") as { RE2JS: Re2Engine }).RE2JS;
  return engine;
}

/** `^word$`, `^word`, `word$`, `word`: a literal that needs no engine (vaultfile writes `^value$`). */
const LITERAL = /^(\^?)([A-Za-z0-9_]*)(\$?)$/;

/**
 * Compiles `source` with RE2 syntax. `whole`: the pattern must match the whole text (custom types), as if it were
 * written `^(?:source)$`; else it matches anywhere, like sops's rules. Throws {@link Re2SyntaxError}.
 */
export function compileRe2(source: string, opts: { whole?: boolean } = {}): Re2Pattern {
  if (source.length > MAX_PATTERN_LENGTH) throw new Re2SyntaxError(`longer than ${MAX_PATTERN_LENGTH} characters`);
  const whole = opts.whole === true;
  const lit = LITERAL.exec(source);
  if (lit) {
    const [, start, word, end] = lit as unknown as [string, string, string, string];
    const test =
      whole || (start && end)
        ? (s: string) => s === word
        : start
          ? (s: string) => s.startsWith(word)
          : end
            ? (s: string) => s.endsWith(word)
            : (s: string) => s.includes(word);
    return { source, test };
  }
  let compiled: ReturnType<Re2Engine["compile"]>;
  try {
    compiled = re2().compile(source);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new Re2SyntaxError(message.replace(/^error parsing regexp: /, ""));
  }
  return whole ? { source, test: (s) => compiled.testExact(s) } : { source, test: (s) => compiled.test(s) };
}
