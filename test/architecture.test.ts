/**
 * The layer order of HELPERS.md / docs/architecture.md, enforced: every relative import in src/ points to a layer
 * at or below the importing module's own, and no source file grows past 400 lines.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers.js";

const SRC = join(ROOT, "src");

/** Rank of each room; a module may import from its own rank and below. */
const RANKS: [prefix: string, rank: number][] = [
  ["errors.ts", 0],
  ["rules/", 1],
  ["format/", 2],
  ["crypto/", 2],
  ["sops/", 3],
  ["types/", 4],
  ["export/", 4],
  ["vault/", 5],
  ["io/", 6],
  ["git/", 7],
  ["cli/", 8],
  ["index.ts", 9],
];

/** Files allowed past the line limit, each with its reason. Keep this empty; add only with a reason a reviewer accepts. */
const LONG_FILES = new Map<string, string>([]);
const MAX_LINES = 400;

function rankOf(file: string): number {
  const hit = RANKS.find(([prefix]) => file === prefix || file.startsWith(prefix));
  if (!hit) throw new Error(`${file} is in no layer: add its folder to RANKS here and to docs/architecture.md`);
  return hit[1];
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** Every module specifier: static imports and re-exports (type-only too), and dynamic `import("…")`. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  for (const m of code.matchAll(/(?:^|[\s;])(?:import|export)\s[^;]*?\sfrom\s+["']([^"']+)["']/g)) out.push(m[1]!);
  for (const m of code.matchAll(/(?:^|[\s;])import\s+["']([^"']+)["']/g)) out.push(m[1]!);
  for (const m of code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) out.push(m[1]!);
  return out;
}

const files = sources(SRC).map((abs) => ({ abs, rel: relative(SRC, abs).split("\\").join("/") }));

describe("architecture", () => {
  it("finds the source files and their imports (the parser is not blind)", () => {
    expect(files.length).toBeGreaterThan(50);
    const vault = files.find((f) => f.rel === "vault/vault.ts")!;
    expect(specifiers(readFileSync(vault.abs, "utf8"))).toContain("../sops/sops-file.js");
    expect(
      specifiers('import type { A } from "./a.js";\nexport { b } from "../b.js";\nconst c = await import("./c.js");'),
    ).toEqual(["./a.js", "../b.js", "./c.js"]);
  });

  it("every import points to the same layer or one below", () => {
    const upward: string[] = [];
    for (const f of files) {
      const own = rankOf(f.rel);
      for (const spec of specifiers(readFileSync(f.abs, "utf8"))) {
        if (!spec.startsWith(".")) continue;
        const target = relative(SRC, resolve(dirname(f.abs), spec))
          .split("\\")
          .join("/")
          .replace(/\.js$/, ".ts");
        if (target.startsWith("..")) {
          upward.push(`${f.rel} imports ${spec}, outside src/`);
          continue;
        }
        const theirs = rankOf(target);
        if (theirs > own) upward.push(`${f.rel} (layer ${own}) imports ${target} (layer ${theirs})`);
      }
    }
    expect(upward).toEqual([]);
  });

  it(`no source file is longer than ${MAX_LINES} lines`, () => {
    const long = files
      .map((f) => ({ rel: f.rel, lines: readFileSync(f.abs, "utf8").split("\n").length - 1 }))
      .filter((f) => f.lines > MAX_LINES && !LONG_FILES.has(f.rel))
      .map((f) => `${f.rel}: ${f.lines} lines`);
    expect(long).toEqual([]);
  });
});
