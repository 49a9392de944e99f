/** Terminal output helpers: colours (only on a TTY, never with NO_COLOR) and aligned tables. */

export interface Painter {
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const wrap = (on: boolean, code: number, reset: number) => (s: string) =>
  on ? `\u001b[${code}m${s}\u001b[${reset}m` : s;

export function painter(color: boolean): Painter {
  return {
    red: wrap(color, 31, 39),
    yellow: wrap(color, 33, 39),
    green: wrap(color, 32, 39),
    dim: wrap(color, 2, 22),
    bold: wrap(color, 1, 22),
  };
}

/** `1 secret`, `2 secrets`: a count with its noun (nouns that take an `s`). */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

const ANSI = /\u001b\[[0-9;]*m/g;
const visibleLength = (s: string): number => s.replace(ANSI, "").length;

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const r of rows) for (const [i, c] of r.entries()) widths[i] = Math.max(widths[i] ?? 0, visibleLength(c));
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c + " ".repeat(widths[i]! - visibleLength(c))))
      .join("  ")
      .trimEnd(),
  );
}
