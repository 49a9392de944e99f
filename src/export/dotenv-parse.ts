/**
 * Reads `.env` text exactly as the `dotenv` package's default parser does (dotenv 16–18, BSD-2-Clause; its LINE
 * expression is reproduced here), so that `import` takes a file the way applications read it and `export
 * --format dotenv` output comes back unchanged. Differences from dotenv: entries come back in file order as pairs
 * (a later repeat of a name wins, at its first position), and `__proto__` is an ordinary name.
 */

// One entry: optional `export`, a name, `=` or `: `, then a single-, double- or backtick-quoted value (which may
// span lines) or a bare value up to `#` or the line end, then an optional comment.
const LINE = /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/gm;

/** The entries of `.env` text, in order. */
export function parseDotenv(text: string): [string, string][] {
  const src = text.replace(/\r\n?/gm, "\n");
  const out = new Map<string, string>();
  const line = new RegExp(LINE.source, LINE.flags);
  for (let m = line.exec(src); m !== null; m = line.exec(src)) {
    let value = (m[2] ?? "").trim();
    const quote = value[0];
    value = value.replace(/^(['"`])([\s\S]*)\1$/gm, "$2");
    if (quote === '"') value = value.replace(/\\n/g, "\n").replace(/\\r/g, "\r");
    out.set(m[1]!, value);
  }
  return [...out];
}
