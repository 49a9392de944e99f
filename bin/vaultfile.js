#!/usr/bin/env node
// The vaultfile command. All logic is in the compiled library (dist/, built by `npm ci` / `npm run build`).
// It runs the single-file bundle (dist/bundle/, made by scripts/bundle.mjs) when that is at least as new as the tsc
// output, since loading one file starts much faster than ~60 modules; otherwise the tsc output, so a stale bundle
// never runs. With --debug, stack traces are mapped back to the TypeScript sources.
import { statSync } from "node:fs";

const mtime = (rel) => statSync(new URL(rel, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundled = mtime("../dist/bundle/vaultfile.mjs") >= mtime("../dist/cli/main.js");
if (bundled && process.argv.includes("--debug")) process.setSourceMapsEnabled(true);
const { main } = await import(bundled ? "../dist/bundle/vaultfile.mjs" : "../dist/cli/main.js");

process.exitCode = await main(process.argv.slice(2));
