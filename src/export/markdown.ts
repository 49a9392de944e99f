/**
 * The expiry report as a GitHub-flavoured Markdown table, for `$GITHUB_STEP_SUMMARY` and `status --format
 * markdown`. Every cell is text from the vault file, which is hostile input (a pull request can add a custom type
 * whose `rotate_at` holds `|`, HTML or a backtick): each cell is escaped so that it renders as the literal text, in
 * its own cell, with no markup of its own.
 */
import { expiresText, statusText, type ReportRow } from "./report.js";

/**
 * One table cell's text, escaped for GFM: line breaks and other control characters become spaces (a row is one line), `&`, `<` and `>` become
 * entities (no HTML, no autolinks in angle brackets), and the punctuation that starts inline markup (`\`, `` ` ``,
 * `*`, `_`, `~`, `[`, `]`, `!`, `|`) gets a backslash, which GFM removes when rendering.
 */
export function markdownCell(text: string): string {
  return text
    .replace(/\r\n|[\u0000-\u001f\u007f\u2028\u2029]/g, " ")
    .replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"))
    .replace(/[\\`*_~[\]!|]/g, (c) => `\\${c}`);
}

export interface MarkdownOptions {
  /** A heading line above the table, e.g. the vault file's name (escaped like a cell). */
  title?: string | undefined;
}

const HEADER = ["Name", "Type", "Expires", "Days left", "Status", "Where to rotate"];

/** The report as a Markdown table (a line saying there are no secrets when `rows` is empty), ending in `\n`. */
export function toMarkdownTable(rows: readonly ReportRow[], opts: MarkdownOptions = {}): string {
  const lines: string[] = [];
  if (opts.title !== undefined) lines.push(`### ${markdownCell(opts.title)}`, "");
  if (rows.length === 0) {
    lines.push("No secrets yet.");
    return lines.join("\n") + "\n";
  }
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  lines.push(line(HEADER), line(HEADER.map((_, i) => (i === 3 ? "---:" : "---"))));
  for (const r of rows) {
    const cells = [
      r.name,
      r.type ?? "-",
      expiresText(r),
      r.daysUntilExpiry === null ? "-" : String(r.daysUntilExpiry),
      statusText(r),
      r.rotateAt ?? "",
    ];
    lines.push(line(cells.map(markdownCell)));
  }
  return lines.join("\n") + "\n";
}
