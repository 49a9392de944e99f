#!/usr/bin/env node
/**
 * Bundles the CLI into dist/bundle/ (run by `npm run build` after tsc). bin/vaultfile.cjs runs it.
 *
 *   vaultfile.cjs          all of vaultfile's own code, one CommonJS file, minified, with a source map. CommonJS
 *                          because node starts an ES module entry through its ESM loader (~7 ms of a ~75 ms start
 *                          on Node 20) and resolves every chunk of an ESM bundle as a module of its own; one file
 *                          because bin/vaultfile.cjs keeps V8's compiled code of it on disk (a code cache needs one
 *                          script). What a command imports lazily stays lazy inside it: esbuild wraps such modules
 *                          in functions that run when first imported, so code that a command does not reach is
 *                          read but neither compiled nor run.
 *   vendor/<name>.cjs      the large CommonJS-capable dependencies, each bundled on its own and required by
 *                          vaultfile.cjs only where they are used: `yaml` (writes, unusual files), commander
 *                          (every command but the plain forms of the read-only ones), `@inquirer/prompts`
 *                          (prompts), age-encryption with its @noble libraries (keygen, passphrase-protected
 *                          and unusual keys), bcrypt-pbkdf and @noble/curves' ed25519 (SSH keys). Kept out of vaultfile.cjs so that a read-only command reads ~40% less.
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

/** The dependencies bundled as files of their own (see above), by the name vaultfile's code imports them with. */
const VENDOR = {
  yaml: "yaml",
  commander: "commander",
  prompts: "@inquirer/prompts",
  age: "age-encryption",
  "bcrypt-pbkdf": "bcrypt-pbkdf",
  ed25519: "@noble/curves/ed25519.js",
};
const vendorOf = new Map(Object.entries(VENDOR).map(([file, pkg]) => [pkg, `./vendor/${file}.cjs`]));

const common = {
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  minify: true,
  keepNames: true, // error classes name themselves with new.target.name
  sourcemap: true,
  sourcesContent: false,
  logLevel: "warning",
};

await build({
  ...common,
  entryPoints: { vaultfile: `${root}src/cli/main.ts` },
  outdir: tmp,
  outExtension: { ".js": ".cjs" },
  // The two `createRequire(import.meta.url)` calls (re2js and which load synchronously, on first use) get the
  // bundle's own path, which createRequire takes as well as a URL.
  define: { "import.meta.url": "__filename" },
  // `import()` becomes a require() in a promise: bin/vaultfile.cjs runs the bundle as a vm.Script, where import()
  // would need a loader of its own, and what it loads (vendor/, node: built-ins) is CommonJS anyway.
  supported: { "dynamic-import": false },
  plugins: [
    {
      name: "vendor",
      setup(b) {
        // Bare package names only (a relative or absolute path is never one of them); the others resolve as usual.
        b.onResolve({ filter: /^[^./]/ }, (args) => {
          const path = vendorOf.get(args.path);
          return path === undefined ? undefined : { path, external: true };
        });
      },
    },
  ],
});
await build({
  ...common,
  entryPoints: Object.fromEntries(Object.entries(VENDOR).map(([file, pkg]) => [`vendor/${file}`, pkg])),
  outdir: tmp,
  outExtension: { ".js": ".cjs" },
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
