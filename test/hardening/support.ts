/**
 * Shared pieces of the hardening tests: counts that grow with SLOW=1, a seeded PRNG (the seed is printed on
 * failure), a vault factory, and a runner for the real CLI (bin/vaultfile.cjs over dist/, built by `npm test`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cleanEnv, NOW, ROOT, testKey } from "../helpers.js";
import { createVault } from "../../src/io/vault-file.js";

/** `SLOW=1` runs the heavy counts the issue asks for; the default keeps `npm test` fast. */
export const SLOW = process.env.SLOW === "1";
export function count(fast: number, slow: number): number {
  return SLOW ? slow : fast;
}

/** A seed from `SEED=` (to replay a failure) or a fresh one. */
export function seedFromEnv(): number {
  const s = process.env.SEED;
  return s !== undefined && /^\d+$/.test(s) ? Number(s) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
}

/** mulberry32: small, fast, good enough to pick mutations reproducibly. */
export class Rng {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

export const BIN = join(ROOT, "bin", "vaultfile.cjs");
export const alice = testKey("alice");
export const bob = testKey("bob");

/** Known secret values: tests assert that none of them ever shows up where it must not. */
export const SECRETS: Record<string, string> = {
  PYPI_TOKEN: "pypi-HARDENING-canary-7f3a9c1e5b",
  DOCKER_PASSWORD: "docker-HARDENING-canary-2d8e4f6a",
  API_KEY: "api-HARDENING-canary-91b0c3d5e7",
};

/** Writes a sealed vault with alice and bob as recipients and three secrets; returns its path. */
export async function makeVault(dir: string, name = ".secrets.yaml"): Promise<string> {
  const path = join(dir, name);
  const v = await createVault(path, { alice: alice.recipient, bob: bob.recipient }, { now: () => NOW, env: {} });
  v.set("PYPI_TOKEN", SECRETS.PYPI_TOKEN!, {
    type: "pypi",
    description: "release upload",
    expiresAt: "2027-06-01",
    rotateEvery: "365d",
    required: true,
  });
  v.set("DOCKER_PASSWORD", SECRETS.DOCKER_PASSWORD!, { type: "docker", expiresIn: "90d" });
  v.set("API_KEY", SECRETS.API_KEY!, {});
  v.require(["GITHUB_TOKEN"]);
  await v.save();
  return path;
}

/** Options that open test vaults as alice, with no other key source. */
export const aliceOpts = { identityFiles: [alice.identityFile], env: {}, now: () => NOW };

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Environment for CLI runs: no key sources but alice's key file, and the fixed clock. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cleanEnv({ VAULTFILE_AGE_KEY_FILE: alice.identityFile, VAULTFILE_NOW: NOW.toISOString(), ...extra });
}

export interface StartOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Run as another user (only root may). */
  uid?: number;
  gid?: number;
  /** A file descriptor to use as the child's stdout instead of a pipe (e.g. /dev/full). */
  stdoutFd?: number;
  /** A process group of its own, so that a signal can reach it and its children as a terminal's Ctrl-C does. */
  detached?: boolean;
}

/** Starts a node script; `input` goes to stdin. */
export function start(
  args: readonly string[],
  opts: StartOptions = {},
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [...args], {
    cwd: opts.cwd ?? ROOT,
    env: opts.env ?? cliEnv(),
    stdio: ["pipe", opts.stdoutFd ?? "pipe", "pipe"],
    detached: opts.detached ?? false,
    ...(opts.uid === undefined ? {} : { uid: opts.uid, gid: opts.gid ?? opts.uid }),
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdin!.on("error", () => {}); // the child may die before reading its input
  child.stdin!.end(opts.input ?? "");
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** Runs the real CLI to completion. */
export function cli(args: readonly string[], opts: StartOptions = {}): Promise<CliResult> {
  return start([BIN, ...args], opts).done;
}

/** True once the named command has landed in the built CLI (built and registered in the command list). */
export function hasCommand(name: string): boolean {
  const index = join(ROOT, "dist", "cli", "commands", "index.js");
  return (
    existsSync(join(ROOT, "dist", "cli", "commands", `${name}.js`)) &&
    existsSync(index) &&
    readFileSync(index, "utf8").includes(`"./${name}.js"`)
  );
}

/** vaultfile temp files (`.vaultfile-tmp-*`) in a folder. */
export function tempFilesIn(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith(".vaultfile-tmp-"));
}

/** Runs `fn` over `items` with at most `limit` at a time (CLI spawns: keep two cores busy, not swamped). */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** A run that succeeded: exit 0, no error line (commands may print confirmations), and `value` nowhere in its output. */
export function expectOk(r: CliResult, label: string, value?: string): void {
  if (
    r.code !== 0 ||
    /vaultfile: error:/.test(r.stderr) ||
    (value !== undefined && (r.stderr + r.stdout).includes(value))
  ) {
    throw new Error(
      `${label}: expected success without the value in the output, got exit ${r.code} (signal ${r.signal}), stderr: ${r.stderr}`,
    );
  }
}
