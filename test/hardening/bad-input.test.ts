/**
 * The bad-input corpus (fixtures/invalid/cases.json): every case runs the real CLI and must print exactly the
 * expected first stderr line and exit code, leave the vault byte-identical, leave no lock or temp file, print no
 * stack trace and no secret value. File-system cases need tricks because the suite runs as root, whom permissions
 * do not stop: unreadable files and read-only folders are tried as the user `nobody`, a full disk is a tiny tmpfs
 * with one free page, and output to a full disk is stdout on /dev/full. Each prints why when it cannot run here.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  closeSync,
  lstatSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES, NOW, testKey } from "../helpers.js";
import { BIN, start, type StartOptions } from "./support.js";

const CORPUS = join(FIXTURES, "invalid");
const NOBODY = 65534;

interface Case {
  name: string;
  /** A file in fixtures/invalid copied to $VAULT, or null for none. */
  vault: string | null;
  args: string[];
  /** `false`: do not prepend `-f $VAULT`. */
  file?: boolean;
  keys?: "alice" | "carol" | "none";
  stdin?: string;
  /** A value of this many bytes (a canary and padding) on stdin, after `stdinPrefix`. */
  stdinBytes?: number;
  stdinPrefix?: string;
  setup?:
    | "directory"
    | "unreadable"
    | "readonly-folder"
    | "full-disk"
    | "stdout-full"
    | "lock-symlink"
    | "lock-directory"
    | "lock-fifo"
    | "world-writable-folder";
  /** A value that must not appear in the output. */
  secret?: string;
  stderr: string;
  exit: number;
}

const { cases } = JSON.parse(readFileSync(join(CORPUS, "cases.json"), "utf8")) as { cases: Case[] };
const isRoot = process.getuid?.() === 0;

/** Every value in the corpus contains this, so one search finds any that leaks. */
const CANARY = /corpus-(?:canary|plaintext)/i;

function env(c: Case): NodeJS.ProcessEnv {
  // No readable home: a default key file must not be picked up, and `nobody` must not stumble over root's folders.
  const e: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: "/nonexistent",
    XDG_CONFIG_HOME: "/nonexistent/.config",
    VAULTFILE_NOW: NOW.toISOString(),
  };
  const keys = c.keys ?? "alice";
  if (keys !== "none") e.VAULTFILE_AGE_KEY = testKey(keys).secret;
  return e;
}

/** Mounts a tmpfs on `dir` with the vault and one free page; `undefined` when mounting is not allowed here. */
function fullDisk(dir: string, vaultFixture: string): (() => void) | undefined {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir], { stdio: "ignore" });
  } catch {
    return undefined;
  }
  copyFileSync(vaultFixture, join(dir, ".secrets.yaml"));
  const page = Buffer.alloc(4096, 0x2e);
  let n = 0;
  for (;;) {
    try {
      writeFileSync(join(dir, `fill-${n}`), page);
      n++;
    } catch {
      rmSync(join(dir, `fill-${n}`), { force: true });
      break;
    }
  }
  unlinkSync(join(dir, "fill-0")); // exactly one page left: the lock file gets it, the new vault does not fit
  return () => execFileSync("umount", [dir], { stdio: "ignore" });
}

let nobodyOk: boolean | undefined;
/** Whether `nobody` can start the CLI at all (node and the checkout must be readable by others). */
function nobodyCanRunCli(): boolean {
  nobodyOk ??=
    spawnSync(process.execPath, [BIN, "--version"], { uid: NOBODY, gid: NOBODY, stdio: "ignore" }).status === 0;
  return nobodyOk;
}

describe("bad-input corpus", () => {
  it("has at least 40 cases, each with an expected error line and exit code", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    for (const c of cases) {
      expect(c.stderr, c.name).toMatch(/^vaultfile: error: \S/);
      expect(c.exit, c.name).toBeGreaterThan(1);
    }
  });

  // test.for (not each) hands each case the test context, whose skip() reports a case that cannot run here.
  it.concurrent.for(cases.map((c) => [c.name, c] as const))("%s", async ([, c], ctx) => {
    const dir = mkdtempSync(join(tmpdir(), "vaultfile-corpus-"));
    const vault = join(dir, ".secrets.yaml");
    const cleanups: (() => void)[] = [() => rmSync(dir, { recursive: true, force: true })];
    try {
      const opts: StartOptions = { cwd: dir, env: env(c) };
      const fixture = c.vault === null ? undefined : join(CORPUS, c.vault);
      if (c.setup === "full-disk") {
        const unmount = fullDisk(dir, fixture!);
        if (!unmount) {
          console.warn(`SKIPPED "${c.name}": cannot mount a tmpfs here (needs root in a container that allows mount)`);
          ctx.skip();
        }
        cleanups.unshift(unmount!);
      } else if (fixture) copyFileSync(fixture, vault);
      if (c.setup === "directory") mkdirSync(vault);
      if (c.setup === "lock-symlink") symlinkSync("/nonexistent", `${vault}.lock`);
      if (c.setup === "lock-directory") mkdirSync(`${vault}.lock`);
      if (c.setup === "lock-fifo") execFileSync("mkfifo", [`${vault}.lock`]);
      if (c.setup === "world-writable-folder") chmodSync(dir, 0o777);
      if (c.setup === "unreadable") chmodSync(vault, 0o000);
      if (c.setup === "readonly-folder") chmodSync(dir, 0o555);
      if (c.setup === "unreadable" || c.setup === "readonly-folder") {
        if (isRoot) {
          // Root reads and writes through any permission: run as nobody, who is stopped by them.
          if (!nobodyCanRunCli()) {
            console.warn(
              `SKIPPED "${c.name}": running as root, and the user nobody cannot run ${process.execPath} ${BIN} to try it`,
            );
            ctx.skip();
          }
          if (c.setup === "unreadable") chmodSync(dir, 0o755);
          Object.assign(opts, { uid: NOBODY, gid: NOBODY });
        }
      }
      if (c.setup === "stdout-full") {
        if (!existsSync("/dev/full")) {
          console.warn(`SKIPPED "${c.name}": no /dev/full on this system`);
          ctx.skip();
        }
        opts.stdoutFd = openSync("/dev/full", "w");
        cleanups.unshift(() => closeSync(opts.stdoutFd!));
      }
      const before =
        existsSync(vault) && statSync(vault).isFile() && c.setup !== "unreadable" ? readFileSync(vault) : undefined;
      const filesBefore = readdirSync(dir).sort();
      opts.input = c.stdinBytes ? `${c.stdinPrefix ?? ""}enormous-CORPUS-canary-${"x".repeat(c.stdinBytes)}` : c.stdin;
      const sub = (s: string): string =>
        s
          .replace(/\$VAULT(?![A-Z_])/g, () => vault)
          .replaceAll("$DIR", dir)
          .replaceAll("$FIXTURES", CORPUS);
      const args = [BIN, ...(c.file === false ? [] : ["-f", vault]), ...c.args.map(sub)];

      const r = await start(args, opts).done;

      const output = r.stdout + r.stderr;
      expect(r.stderr.split("\n")[0], "first line of stderr").toBe(sub(c.stderr));
      expect(r.code, `exit code; stderr: ${r.stderr}`).toBe(c.exit);
      expect(output, "a stack trace").not.toMatch(/^\s+at .+\(?.*:\d+:\d+\)?$|node:internal|internal error/m);
      expect(CANARY.test(output), "a secret value in the output").toBe(false);
      if (c.secret) expect(output).not.toContain(c.secret);
      if (c.setup === "unreadable") chmodSync(vault, 0o644);
      if (before) expect(readFileSync(vault).equals(before), "the vault changed").toBe(true);
      if (c.setup?.startsWith("lock-")) {
        const st = lstatSync(`${vault}.lock`);
        const kept: Record<string, boolean> = {
          "lock-symlink": st.isSymbolicLink(),
          "lock-directory": st.isDirectory(),
          "lock-fifo": st.isFIFO(),
        };
        expect(kept[c.setup], "the lock path was changed").toBe(true);
      }
      if (c.vault === null && c.setup === undefined) expect(existsSync(vault), "a vault was created").toBe(false);
      if (c.setup === "directory") expect(statSync(vault).isDirectory()).toBe(true);
      expect(readdirSync(dir).sort(), "files left behind (lock, temp)").toEqual(filesBefore);
    } finally {
      if (c.setup === "readonly-folder") chmodSync(dir, 0o755);
      for (const f of cleanups) f();
    }
  });
});
