#!/usr/bin/env node
// The vaultfile command. All logic is in the compiled library (dist/, built by `npm ci` / `npm run build`).
// It runs the single-file bundle (dist/bundle/, made by scripts/bundle.mjs) when that is at least as new as the tsc
// output, since loading one file starts much faster than ~60 modules; otherwise the tsc output, so a stale bundle
// never runs. With --debug, stack traces are mapped back to the TypeScript sources.
import { lstatSync, mkdirSync, statSync } from "node:fs";
import module from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

enableCompileCache();

/**
 * Node >= 22.1 can keep V8's compiled code of the bundle on disk, so that later runs skip parsing and compiling it
 * (a no-op on Node 20; it never throws, and node checks each entry against the file's content). Node's default folder,
 * os.tmpdir()/node-compile-cache, is shared by every user of the machine: whoever creates it first could plant code
 * that this process, which holds decrypted secrets, would run. So vaultfile uses a folder of its own per user, made
 * owner-only, and skips the cache when that folder is not exactly that. NODE_COMPILE_CACHE=dir (node enables that
 * itself) and NODE_DISABLE_COMPILE_CACHE=1 work as usual.
 */
function enableCompileCache() {
  if (!module.enableCompileCache || process.env.NODE_COMPILE_CACHE || process.env.NODE_DISABLE_COMPILE_CACHE) return;
  const uid = process.getuid?.();
  if (uid === undefined) return void module.enableCompileCache(); // Windows: os.tmpdir() is per user there
  const dir = join(tmpdir(), `vaultfile-compile-cache-${uid}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch {
    // exists already (checked below), or cannot be made
  }
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (st?.isDirectory() && st.uid === uid && (st.mode & 0o077) === 0) module.enableCompileCache(dir);
}

const mtime = (rel) => statSync(new URL(rel, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundled = mtime("../dist/bundle/vaultfile.mjs") >= mtime("../dist/cli/main.js");
if (bundled && process.argv.includes("--debug")) process.setSourceMapsEnabled(true);
const { main } = await import(bundled ? "../dist/bundle/vaultfile.mjs" : "../dist/cli/main.js");

process.exitCode = await main(process.argv.slice(2));
