/**
 * Reads `.env` text exactly as the `dotenv` package's default parser does (dotenv 16–18, BSD-2-Clause; its LINE
 * expression is reproduced here), so that `import` takes a file the way applications read it and `export
 * --format dotenv` output comes back unchanged. Differences from dotenv: entries come back in file order as pairs
 * (a later repeat of a name wins, at its first position), and `__proto__` is an ordinary name.
 */

// One entry: optional `export`, a name, `=` or `: `, then a single-, double- or backtick-quoted value (which may
// span lines) or a bare value up to `#` or the line end, then an optional comment.
const LINE =
  /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/gm;

/** The entries of `.env` text, in order. */
export function parseDotenv(text: string): [string, string][] {
  return readDotenv(text).entries;
}

/**
 * Where dotenv's reading of a line may not be what its writer meant, by line and name, never by value:
 * - `comment`: a bare value with `#` right after it (`HASH=abc#def`): dotenv starts a comment there (`abc`);
 * - `backslash`: a quoted value with backslash escapes dotenv keeps as written (`"say \"hi\""` keeps both `\`;
 *   only `\n` and `\r` are expanded, inside double quotes);
 * - `repeated`: a name set again later: the last value is the one read;
 * - `skipped`: a line that is neither `NAME=value`, a comment nor blank: dotenv ignores it (no name: it may hold a value).
 */
export interface DotenvNote {
  kind: "comment" | "backslash" | "repeated" | "skipped";
  /** 1-based line where the entry (or skipped line) starts. */
  line: number;
  name?: string;
}

/** {@link parseDotenv} plus a {@link DotenvNote} for each place where the value read may differ from the one meant. */
export function readDotenv(text: string): { entries: [string, string][]; notes: DotenvNote[] } {
  const src = text.replace(/\r\n?/gm, "\n");
  const out = new Map<string, string>();
  const notes: DotenvNote[] = [];
  const lineStarts = [0];
  for (let i = src.indexOf("\n"); i !== -1; i = src.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  const lineAt = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const covered = new Set<number>();
  const line = new RegExp(LINE.source, LINE.flags + "d");
  for (let m = line.exec(src); m !== null; m = line.exec(src)) {
    if (m[0] === "") {
      line.lastIndex++; // cannot happen with this expression (a name is required), but never loop on an empty match
      continue;
    }
    const name = m[1]!;
    const raw = m[2] ?? "";
    let value = raw.trim();
    const quote = value[0];
    value = value.replace(/^(['"`])([\s\S]*)\1$/gm, "$2");
    if (quote === '"') value = value.replace(/\\n/g, "\n").replace(/\\r/g, "\r");
    const first = lineAt(m.index + (m[0].length - m[0].trimStart().length));
    for (let l = first; l <= lineAt(m.index + m[0].length - 1); l++) covered.add(l);
    const end = m.indices?.[2]?.[1];
    const isQuoted = quote === '"' || quote === "'" || quote === "`";
    if (!isQuoted && end !== undefined && src[end] === "#" && raw !== "" && !/\s$/.test(raw))
      notes.push({ kind: "comment", line: first, name });
    else if (isQuoted && (quote === '"' ? /\\[^nr]/ : new RegExp(`\\\\${quote}`)).test(value))
      notes.push({ kind: "backslash", line: first, name });
    if (out.has(name)) notes.push({ kind: "repeated", line: first, name });
    out.set(name, value);
  }
  src.split("\n").forEach((text, i) => {
    const t = text.trim();
    if (t !== "" && !t.startsWith("#") && !covered.has(i + 1)) notes.push({ kind: "skipped", line: i + 1 });
  });
  notes.sort((a, b) => a.line - b.line);
  return { entries: [...out], notes };
}
