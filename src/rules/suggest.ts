/**
 * Suggestions for a name that was not found ("did you mean …"). Pure.
 */

/** Up to `max` known names close to `name` (case-insensitive edit distance ≤ 2, or a shared prefix). */
export function closestNames(name: string, known: Iterable<string>, max = 3): string[] {
  const target = name.toLowerCase();
  const scored: [number, string][] = [];
  for (const k of known) {
    const d = editDistance(target, k.toLowerCase());
    const limit = Math.max(2, Math.floor(target.length / 4));
    if (d <= limit || k.toLowerCase().includes(target) || target.includes(k.toLowerCase())) scored.push([d, k]);
  }
  return scored
    .sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]))
    .slice(0, max)
    .map(([, k]) => k);
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
