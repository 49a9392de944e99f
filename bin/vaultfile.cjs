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
  realpathSync,
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
/** Built-ins a hot command loads besides those every run does (see below): exec runs a child, status asks for a tty. */
const PRELOAD = { exec: ["node:child_process"], status: ["node:tty"] };

/** {@link privateCacheFolder}'s answer, found once per run (both caches ask): `null` until then. */
let cacheFolder = null;

const argv = process.argv.slice(2);
const command = argv.find((a) => HOT.includes(a)) ?? "other";

// Before the bundle is compiled: src/cli/heap.ts keeps V8's young generation from growing (on a big vault it would
// stay resident), and V8 rejects a code cache entry made under other flags, so the flag is set here, in every run,
// not only once a vault is opened. But node's own built-in modules have code caches too, which V8 also rejects once
// a flag changed (node:crypto then takes twice as long to load): the built-ins a run needs are loaded first.
for (const m of ["node:crypto", "node:vm", "node:os", ...(PRELOAD[command] ?? [])]) require(m);
require("node:v8").setFlagsFromString("--semi-space-growth-factor=1");

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
  const bytes = readFileSync(BUNDLE);
  const cache = codeCache(bytes, command);
  const cached = cache?.read();
  const { Script } = require("node:vm");
  const source = bytes.toString("latin1"); // minified by esbuild: ASCII only
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
  });
}

function sha256(bytes) {
  return require("node:crypto").createHash("sha256").update(bytes).digest("hex");
}

/**
 * V8's compiled code of the bundle, kept between runs so that a command does not parse and compile its code again:
 * an entry per hot command, written after the command ran, so that it also holds the functions compiled on the way
 * (node's own compile cache, below, keeps only what is compiled before a script runs).
 *
 * The cache is code run by a process that holds decrypted secrets, so an entry is used only when all of this holds:
 * - it is in a folder of this user's own that nobody else can write to, on a path nobody else can change
 *   ({@link privateCacheFolder});
 * - the entry is a regular file (not a link, not a FIFO: opened without following links and without blocking) owned
 *   by this user and writable by nobody else;
 * - its name and header carry the SHA-256 of the bundle's bytes as read by this run (V8 itself checks only the
 *   source's length, its own version and flags: a rebuild of the same length, or a build swapped in while this run
 *   read it, must not run the old code), and the node version and architecture;
 * - its header holds the SHA-256 of the cached code, which must match (a truncated or damaged entry never reaches V8).
 * Anything else is ignored, silently: the command compiles its code as without a cache, and writes a new entry if it
 * can (a read-only folder is simply not written). NODE_DISABLE_COMPILE_CACHE=1 turns it off.
 */
function codeCache(bundle, command) {
  if (process.env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const dir = privateCacheFolder();
  if (!dir) return undefined;
  const bundleHash = sha256(bundle);
  const suffix = `-${command}-${process.version}-${process.arch}.v8`;
  const file = join(dir, `vaultfile-${bundleHash.slice(0, 16)}${suffix}`);
  const magic = `vaultfile code cache 1 ${bundleHash}\n`;
  const headerLength = magic.length + 65; // the magic, then the code's SHA-256 in hex and a newline
  return {
    read() {
      let fd;
      try {
        fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
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
      // A name of this run's own ("wx" fails rather than follow or reuse anything there), removed only if made here.
      const tmp = `${file}.${process.pid}-${require("node:crypto").randomBytes(6).toString("hex")}.tmp`;
      let made = false;
      try {
        writeFileSync(tmp, Buffer.concat([Buffer.from(`${magic}${sha256(code)}\n`, "latin1"), code]), {
          mode: 0o600,
          flag: "wx",
        });
        made = true;
        renameSync(tmp, file);
        made = false;
        // One entry per command, node and architecture: those of other builds of the bundle (an upgrade, every
        // rebuild during development) would pile up in $TMPDIR; so would temp files of runs killed mid-write. Two
        // installs used in turn rewrite each other's entries.
        const stale = Date.now() - 10 * 60_000;
        for (const f of readdirSync(dir)) {
          const path = join(dir, f);
          if (!f.startsWith("vaultfile-") || path === file) continue;
          if (f.endsWith(suffix) || (f.endsWith(".tmp") && lstatSync(path).mtimeMs < stale)) rmSync(path, { force: true });
        }
      } catch {
        if (made) rmSync(tmp, { force: true });
      }
    },
  };
}

/**
 * `$TMPDIR/vaultfile-compile-cache-<uid>`, made owner-only, or undefined when it is not exactly that (another
 * owner, a link, writable by others), cannot be made, or lies on a path someone else could change: every folder
 * above it must belong to root or this user and be writable by nobody else unless sticky (as /tmp is), as OpenSSH
 * checks a key's folders (src/io/key-folder.ts applies the same rule to keygen's folder; this file runs before any
 * compiled code is loaded, so it cannot call that); otherwise another user could rename the folder away after it
 * was checked, and swap in one of theirs. Not on Windows, where there is no uid to check: there the cache is off.
 */
function privateCacheFolder() {
  if (cacheFolder === null) cacheFolder = findPrivateCacheFolder();
  return cacheFolder;
}
function findPrivateCacheFolder() {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  let base;
  try {
    base = realpathSync(require("node:os").tmpdir());
  } catch {
    return undefined;
  }
  for (let d = base; ; d = dirname(d)) {
    const st = statSync(d, { throwIfNoEntry: false });
    if (!st?.isDirectory() || (st.uid !== 0 && st.uid !== uid)) return undefined;
    if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) return undefined;
    if (dirname(d) === d) break;
  }
  const dir = join(base, `vaultfile-compile-cache-${uid}`);
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
 * same folder (a no-op on Node 20); node checks its entries only by CRC, so only in a folder that passes the checks
 * above. NODE_COMPILE_CACHE=dir (node enables that itself) and
 * NODE_DISABLE_COMPILE_CACHE=1 work as usual.
 */
function enableNodeCompileCache() {
  const module = require("node:module");
  if (!module.enableCompileCache || process.env.NODE_COMPILE_CACHE || process.env.NODE_DISABLE_COMPILE_CACHE) return;
  // Not on Windows (no uid to check the folder with): node's default folder is in a TEMP that may be shared.
  const dir = privateCacheFolder();
  if (dir) module.enableCompileCache(dir);
}
