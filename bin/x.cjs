#!/usr/bin/env node
// The vaultfile command. All logic is in the compiled CLI: dist/bundle/vaultfile.cjs (scripts/bundle.mjs, run by
// `npm ci` / `npm run build`), or the tsc output dist/cli/main.js when the bundle is missing or older than it, so a
// stale bundle never runs. CommonJS on purpose: node starts an ES module entry through its ESM loader, ~7 ms of a
// ~75 ms start. With --debug, stack traces are mapped back to the TypeScript sources.
"use strict";
const {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} = require("node:fs");
const { dirname, join } = require("node:path");

const root = join(__dirname, "..");
const BUNDLE = join(root, "dist", "bundle", "vaultfile.cjs");
const TSC_MAIN = join(root, "dist", "cli", "main.js");
/** The commands whose start-up counts most (issue 18); each has a code cache entry of its own, the rest share one. */
const HOT = ["export", "get", "exec", "status"];

// Before any code is compiled: src/cli/heap.ts keeps V8's young generation from growing (it would stay resident on a
// big vault), and V8 rejects a code cache entry made under other flags, so the flag is set before the bundle is
// compiled, in every run, not only once a vault is opened.
require("node:v8").setFlagsFromString("--semi-space-growth-factor=1");

const argv = process.argv.slice(2);
const debug = argv.includes("--debug");
const mtime = (file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;

enableNodeCompileCache();
if (mtime(BUNDLE) >= mtime(TSC_MAIN)) runBundle();
else import(require("node:url").pathToFileURL(TSC_MAIN).href).then((m) => finish(m.main(argv)));

/** Runs dist/bundle/vaultfile.cjs, from V8's code cache when there is a valid one. */
function runBundle() {
  if (debug) {
    process.setSourceMapsEnabled(true);
    return finish(require(BUNDLE).main(argv));
  }
  const source = readFileSync(BUNDLE, "latin1"); // minified by esbuild: ASCII only
  const cache = codeCache(argv.find((a) => HOT.includes(a)) ?? "other");
  const cached = cache?.read();
  const { Script } = require("node:vm");
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: BUNDLE,
    cachedData: cached,
  });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, require("node:module").createRequire(BUNDLE), mod, BUNDLE, dirname(BUNDLE));
  finish(mod.exports.main(argv), () => {
    if (cache && (cached === undefined || script.cachedDataRejected)) cache.write(script.createCachedData());
  });
}

function finish(status, after) {
  status.then((code) => {
    process.exitCode = code;
    after?.();
    process.exit(code);
  });
}

/**
 * V8's compiled code of the bundle, kept between runs so that a command does not parse and compile its code again:
 * an entry per hot command, written after the command ran, so that it also holds the functions compiled on the way
 * (node's own compile cache, below, keeps only what is compiled before a script runs).
 *
 * The cache is code run by a process that holds decrypted secrets, so an entry is used only when all of this holds:
 * - it is in a folder of this user's own, made owner-only, that nobody else can write to (os.tmpdir() is shared by
 *   every user of the machine: whoever made the folder first could plant code there);
 * - the entry is a regular file (not a link) owned by this user and writable by nobody else;
 * - its name carries the SHA-256 of the bundle built with it (vaultfile.cjs.sha256, written at build time: V8 checks
 *   only the source's length, its own version and flags), and the node version and architecture;
 * - its header repeats that hash and holds the SHA-256 of the cached code, which must match (a truncated or
 *   corrupted entry is never handed to V8).
 * Anything else is ignored, silently: the command compiles its code as without a cache, and writes a new entry if it
 * can (a read-only folder is simply not written). NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 */
function codeCache(command) {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const dir = privateCacheFolder();
  if (!dir) return undefined;
  let bundleHash;
  try {
    bundleHash = readFileSync(`${BUNDLE}.sha256`, "latin1").trim();
  } catch {
    return undefined;
  }
  if (!/^[0-9a-f]{64}$/.test(bundleHash)) return undefined;
  const suffix = `-${command}-${process.version}-${process.arch}.v8`;
  const file = join(dir, `vaultfile-${bundleHash.slice(0, 16)}${suffix}`);
  const magic = `vaultfile code cache 1 ${bundleHash}\n`;
  const headerLength = magic.length + 65; // the magic, then the code's SHA-256 in hex and a newline
  const sha256 = (bytes) => require("node:crypto").createHash("sha256").update(bytes).digest("hex");
  return {
    read() {
      let fd;
      try {
        fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
        const st = fstatSync(fd);
        if (!st.isFile() || st.uid !== process.getuid() || (st.mode & 0o022) !== 0) return undefined;
        const bytes = readFileSync(fd);
        if (bytes.length <= headerLength || bytes.toString("latin1", 0, magic.length) !== magic) return undefined;
        const code = bytes.subarray(headerLength);
        return bytes.toString("latin1", magic.length, headerLength - 1) === sha256(code) ? code : undefined;
      } catch {
        return undefined;
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    },
    write(code) {
      const tmp = `${file}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, Buffer.concat([Buffer.from(`${magic}${sha256(code)}\n`, "latin1"), code]), {
          mode: 0o600,
          flag: "wx",
        });
        renameSync(tmp, file);
        // One entry per command, node and architecture: those of other builds of the bundle (an upgrade, every
        // rebuild during development) would pile up in $TMPDIR. Two installs used in turn rewrite each other's.
        for (const f of readdirSync(dir))
          if (f.startsWith("vaultfile-") && f.endsWith(suffix) && join(dir, f) !== file) rmSync(join(dir, f), { force: true });
      } catch {
        try {
          rmSync(tmp, { force: true });
        } catch {
          // nothing to clean up
        }
      }
    },
  };
}

/**
 * `$TMPDIR/vaultfile-compile-cache-<uid>`, made owner-only, or undefined when it is not exactly that (another
 * owner, a link, writable by others) or cannot be made. Not on Windows, where os.tmpdir() is per user but there is
 * no uid to check: there the code cache is off.
 */
function privateCacheFolder() {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  const dir = join(require("node:os").tmpdir(), `vaultfile-compile-cache-${uid}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch {
    // exists already (checked below), or cannot be made
  }
  const st = lstatSync(dir, { throwIfNoEntry: false });
  return st?.isDirectory() && st.uid === uid && (st.mode & 0o077) === 0 ? dir : undefined;
}

/**
 * Node >= 22.1 keeps the compiled code of what the bundle requires later (vendor/: yaml, commander, prompts) in the
 * same folder (a no-op on Node 20). NODE_COMPILE_CACHE=dir (node enables that itself) and
 * NODE_DISABLE_COMPILE_CACHE=1 work as usual.
 */
function enableNodeCompileCache() {
  const module = require("node:module");
  if (!module.enableCompileCache || process.env.NODE_COMPILE_CACHE || process.env.NODE_DISABLE_COMPILE_CACHE) return;
  if (process.getuid === undefined) return void module.enableCompileCache(); // Windows: os.tmpdir() is per user
  const dir = privateCacheFolder();
  if (dir) module.enableCompileCache(dir);
}
