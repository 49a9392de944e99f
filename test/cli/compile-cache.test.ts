/**
 * bin/vaultfile.cjs keeps V8's compiled code of the bundle between runs (a code cache entry per hot command), in a
 * folder of the user's own. The cache is code run by a process that holds decrypted secrets: an entry planted where
 * others can write, or a damaged one, must never run. The "planted" entries below are real: V8 would accept them
 * (same source length, same V8) and run their code, so each test fails if its check is missing.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, tempDir } from "../helpers.js";
import { workspace, writeVault } from "./lifecycle-support.js";

const BIN = join(ROOT, "bin", "vaultfile.cjs");
const BUNDLE = join(ROOT, "dist", "bundle", "vaultfile.cjs");
const uid = process.getuid?.();
const folderOf = (tmp: string) => join(tmp, `vaultfile-compile-cache-${uid}`);

function run(tmp: string, args = ["--version"], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, HOME: tmp, TMPDIR: tmp, ...env },
    encoding: "utf8",
  });
}

/** The entry file of command `key` ("other": every command but export, get, exec and status). */
function entryOf(tmp: string, key: string): string {
  const names = readdirSync(folderOf(tmp)).filter((f) => f.includes(`-${key}-`) && f.endsWith(".v8"));
  expect(names).toHaveLength(1);
  return join(folderOf(tmp), names[0]!);
}

/**
 * An entry V8 accepts for the bundle but whose code prints PLANTED: compiled from a script of the bundle's exact
 * length (V8 checks only the length) in a fresh node, the way bin/vaultfile.cjs wraps the bundle, with a valid header.
 */
function plantedEntry(): Buffer {
  const script = String.raw`
    require("node:v8").setFlagsFromString("--semi-space-growth-factor=1"); // as bin/vaultfile.cjs: V8 checks flags
    const { Script } = require("node:vm");
    const { createHash } = require("node:crypto");
    const fs = require("node:fs");
    const [bundle, out] = process.argv.slice(1);
    const real = fs.readFileSync(bundle, "latin1");
    // No function of its own (V8 would compile it lazily from the real source's text): top-level code only.
    let body = 'process.stdout.write("PLANTED\\n"); exports.main = Promise.resolve.bind(Promise, 0);';
    body += " ".repeat(real.length - body.length);
    const s = new Script("(function (exports, require, module, __filename, __dirname) {" + body + "\n})");
    s.runInThisContext();
    const code = s.createCachedData();
    const hash = createHash("sha256").update(fs.readFileSync(bundle)).digest("hex");
    const header = "vaultfile code cache 1 " + hash + "\n" + createHash("sha256").update(code).digest("hex") + "\n";
    fs.writeFileSync(out, Buffer.concat([Buffer.from(header, "latin1"), code]));`;
  const out = join(tempDir(), "planted.v8");
  const r = spawnSync(process.execPath, ["-e", script, BUNDLE, out], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(out);
}

describe.skipIf(uid === undefined)("the code cache", () => {
  it("is written after the first run, into an owner-only folder, and used as it is by the next", () => {
    const tmp = tempDir();
    expect(run(tmp).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(statSync(folderOf(tmp)).mode & 0o777).toBe(0o700);
    const entry = entryOf(tmp, "other");
    expect(statSync(entry).mode & 0o777).toBe(0o600);
    const before = readFileSync(entry);
    const { mtimeMs } = statSync(entry);
    expect(run(tmp).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(statSync(entry).mtimeMs).toBe(mtimeMs); // accepted: not written again
    expect(readFileSync(entry).equals(before)).toBe(true);
  });

  it.each(["export", "status"])(
    "%s, which opens a vault (and sets a V8 flag on the way), uses its entry as it is on the next run",
    async (command) => {
      const ws = workspace();
      await writeVault(ws.file, (v) => v.set("API_TOKEN", "s3cret-value"));
      const tmp = tempDir();
      const env = { ...ws.env, TMPDIR: tmp };
      const first = spawnSync(process.execPath, [BIN, command], { cwd: ws.dir, env, encoding: "utf8" });
      expect(first.status, first.stderr).toBe(0);
      const entry = entryOf(tmp, command);
      const { mtimeMs } = statSync(entry);
      const second = spawnSync(process.execPath, [BIN, command], { cwd: ws.dir, env, encoding: "utf8" });
      expect(second.stdout).toBe(first.stdout);
      expect(statSync(entry).mtimeMs).toBe(mtimeMs); // V8 accepted it: a flag set after compiling would reject it
    },
  );

  it("keeps one entry per command and node: writing one removes those of other builds of the bundle", () => {
    const tmp = tempDir();
    run(tmp);
    const entry = entryOf(tmp, "other");
    const stale = entry.replace(/vaultfile-[0-9a-f]{16}-/, "vaultfile-0123456789abcdef-");
    const otherNode = entry.replace(/-v[0-9.]+-/, "-v0.0.0-");
    for (const f of [stale, otherNode]) writeFileSync(f, "old", { mode: 0o600 });
    writeFileSync(entry, ""); // damaged: this run writes it again
    run(tmp);
    expect(
      readdirSync(folderOf(tmp))
        .filter((f) => f.endsWith(".v8"))
        .sort(),
    ).toEqual([entry, otherNode].map((f) => f.slice(folderOf(tmp).length + 1)).sort());
  });

  it("does not run the old code of a bundle changed in place to the same length (V8 checks only the length)", () => {
    const copy = tempDir();
    cpSync(join(ROOT, "bin"), join(copy, "bin"), { recursive: true });
    cpSync(join(ROOT, "dist", "bundle"), join(copy, "dist", "bundle"), { recursive: true });
    const tmp = tempDir();
    const help = () =>
      execFileSync(process.execPath, [join(copy, "bin", "vaultfile.cjs"), "--help"], {
        env: { PATH: process.env.PATH, HOME: tmp, TMPDIR: tmp },
        encoding: "utf8",
      });
    expect(help()).toContain("Secrets with expiry");
    const bundle = join(copy, "dist", "bundle", "vaultfile.cjs");
    writeFileSync(
      bundle,
      readFileSync(bundle, "latin1").replace("Secrets with expiry", "XXXXXXX with expiry"),
      "latin1",
    );
    expect(help()).toContain("XXXXXXX with expiry");
  });

  it.each([
    ["writable by others and not sticky", false, 0o777],
    ["writable by others but sticky, as /tmp", true, 0o1777],
  ])("under a folder %s, the cache is used: %s", (_, used, mode) => {
    const parent = tempDir();
    const shared = join(parent, "shared");
    mkdirSync(shared);
    chmodSync(shared, mode);
    const tmp = join(shared, "tmp");
    mkdirSync(tmp, { mode: 0o700 });
    expect(run(tmp).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    // Anyone who can write to `shared` could rename the cache folder away after it was checked and swap in theirs.
    expect(readdirSync(tmp).length > 0).toBe(used);
  });

  it("does not hang on a FIFO in an entry's place, and removes temp files left by killed runs", () => {
    const tmp = tempDir();
    run(tmp);
    const entry = entryOf(tmp, "other");
    execFileSync("rm", [entry]);
    execFileSync("mkfifo", [entry]);
    const [old, fresh] = [`${entry}.1-aaaaaaaaaaaa.tmp`, `${entry}.2-bbbbbbbbbbbb.tmp`];
    writeFileSync(old, "x");
    writeFileSync(fresh, "x");
    utimesSync(old, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    const r = spawnSync(process.execPath, [BIN, "--version"], {
      env: { PATH: process.env.PATH, HOME: tmp, TMPDIR: tmp },
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(r.signal).toBeNull();
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(statSync(entry).isFile()).toBe(true); // written over the FIFO
    const left = readdirSync(folderOf(tmp));
    expect(left).toContain(fresh.slice(folderOf(tmp).length + 1)); // another run may still be writing it
    expect(left).not.toContain(old.slice(folderOf(tmp).length + 1));
  });

  it("runs a planted entry's code when its checks pass (so the tests below can fail)", () => {
    const tmp = tempDir();
    run(tmp);
    writeFileSync(entryOf(tmp, "other"), plantedEntry(), { mode: 0o600 });
    expect(run(tmp).trim()).toBe("PLANTED");
  });

  it("is not used when its folder is writable by others", () => {
    const tmp = tempDir();
    run(tmp);
    const entry = entryOf(tmp, "other");
    writeFileSync(entry, plantedEntry(), { mode: 0o600 });
    chmodSync(folderOf(tmp), 0o777);
    expect(run(tmp).trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("does not use an entry that others can write to", () => {
    const tmp = tempDir();
    run(tmp);
    const entry = entryOf(tmp, "other");
    writeFileSync(entry, plantedEntry());
    chmodSync(entry, 0o666);
    expect(run(tmp).trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it.each([
    ["a byte of the code changed", (b: Buffer) => Buffer.from(b.map((x, i) => (i === b.length - 100 ? x ^ 1 : x)))],
    ["cut short", (b: Buffer) => b.subarray(0, b.length - 1000)],
    [
      "the bundle hash in its header changed",
      (b: Buffer) => Buffer.from(b.toString("latin1").replace(/ 1 ./, " 1 x"), "latin1"),
    ],
    ["empty", () => Buffer.alloc(0)],
  ])("ignores an entry that is %s, and writes a valid one", (_, damage) => {
    const tmp = tempDir();
    run(tmp);
    const entry = entryOf(tmp, "other");
    const damaged = damage(plantedEntry());
    writeFileSync(entry, damaged, { mode: 0o600 });
    expect(run(tmp).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const rewritten = readFileSync(entry); // from this run's own code, which the next run uses as it is
    expect(rewritten.equals(damaged)).toBe(false);
    const { mtimeMs } = statSync(entry);
    expect(run(tmp).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(statSync(entry).mtimeMs).toBe(mtimeMs);
  });

  it("keeps an entry per hot command, and NODE_DISABLE_COMPILE_CACHE=1 turns it off", () => {
    const tmp = tempDir();
    const vault = join(tmp, "none.yaml");
    for (const cmd of ["status", "get"])
      spawnSync(process.execPath, [BIN, cmd, "X", "-f", vault], {
        env: { PATH: process.env.PATH, TMPDIR: tmp, HOME: tmp },
      });
    const entries = readdirSync(folderOf(tmp)).filter((f) => f.endsWith(".v8")); // node's own cache is a folder
    expect(entries.map((f) => f.replace(/^vaultfile-[0-9a-f]{16}-(\w+)-.*$/, "$1")).sort()).toEqual(["get", "status"]);
    const off = tempDir();
    run(off, ["--version"], { NODE_DISABLE_COMPILE_CACHE: "1" });
    mkdirSync(folderOf(off), { recursive: true });
    expect(readdirSync(folderOf(off))).toEqual([]);
  });
});
