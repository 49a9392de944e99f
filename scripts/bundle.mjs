#!/usr/bin/env node
/**
 * Bundles the CLI into dist/bundle/ (run by `npm run build` after tsc): one ESM file for what every command needs,
 * split chunks for what is imported lazily (prompts, git, age-encryption), minified, with source maps. Starting
 * node on one file instead of ~60 modules from node_modules is most of a small command's cost. bin/vaultfile.js
 * runs the bundle when it is newer than dist/cli/main.js, else the tsc output.
 *
 *   node scripts/bundle.mjs [OUTDIR]      (default dist/bundle)
 */
import { renameSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
// The benchmark bundles into its own folder (argument), so others' builds cannot change what it measures mid-run.
const out = process.argv[2] ?? `${root}dist/bundle`;
const tmp = `${out}.tmp-${process.pid}`;

await build({
  entryPoints: { vaultfile: `${root}src/cli/main.ts` },
  outdir: tmp,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  minify: true,
  keepNames: true, // error classes name themselves with new.target.name
  sourcemap: true,
  sourcesContent: false,
  chunkNames: "chunks/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  // CommonJS dependencies (commander, yaml) call require() for node built-ins. Every chunk gets this banner, and
  // createRequire costs ~1 ms (it computes node_modules paths), so all chunks share one.
  banner: {
    js: 'import { createRequire as __vfCreateRequire } from "node:module"; const require = (globalThis.__vfRequire ??= __vfCreateRequire(import.meta.url));',
  },
  logLevel: "warning",
});
// Swap the folder in whole, so a CLI started during the build sees the old bundle or the new one, not a mix.
const old = `${out}.old-${process.pid}`;
try {
  renameSync(out, old);
} catch {
  // first build
}
renameSync(tmp, out);
rmSync(old, { recursive: true, force: true });
