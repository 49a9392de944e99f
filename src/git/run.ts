/**
 * Runs `git` without a shell (arguments are passed as they are, so file names need no quoting) and turns its
 * failures into {@link VaultfileError}s that say what failed.
 */
import { execFile } from "node:child_process";
import { IoError, NotFoundError } from "../errors.js";

export interface GitOptions {
  cwd: string;
  /** Written to git's standard input (e.g. object names for `cat-file --batch`). */
  input?: string;
  env?: NodeJS.ProcessEnv;
  /** Stop git after this long (SIGTERM) and fail: for work git itself started (textconv), which must stay bounded. */
  timeoutMs?: number;
}

interface GitResult {
  stdout: Buffer;
  /** `null` on success; git's first stderr line (or exit code) otherwise. */
  failure: string | null;
}

function execGit(args: readonly string[], opts: GitOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      "git",
      [...args],
      {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        maxBuffer: 256 * 1024 * 1024,
        encoding: "buffer",
        timeout: opts.timeoutMs ?? 0,
      },
      (err, stdout, stderr) => {
        if (!err) return resolve({ stdout, failure: null });
        if (err.killed) return resolve({ stdout, failure: `timed out after ${opts.timeoutMs ?? 0} ms` });
        if ((err as NodeJS.ErrnoException).code === "ENOENT") {
          return reject(
            new IoError("git is not installed or not on PATH", {
              hint: "install git, or run vaultfile where git is available",
              cause: err,
            }),
          );
        }
        const first = stderr.toString("utf8").trim().split("\n")[0] ?? "";
        if (/not a git repository/i.test(first)) {
          return reject(
            new NotFoundError(`${opts.cwd} is not inside a git repository`, {
              hint: "run the command inside your repository (or `git init` first)",
              cause: err,
            }),
          );
        }
        resolve({ stdout, failure: first || `exit code ${String(err.code)}` });
      },
    );
    // git may exit without reading its input (an error): that EPIPE is not ours to report, its exit status is.
    child.stdin?.on("error", () => {});
    child.stdin?.end(opts.input ?? "");
  });
}

/** Runs `git args…` in `cwd` and returns its raw standard output. Throws when git is missing or exits non-zero. */
export async function runGitBytes(args: readonly string[], opts: GitOptions): Promise<Buffer> {
  const r = await execGit(args, opts);
  if (r.failure !== null) throw new IoError(`git ${args[0] ?? ""} failed: ${r.failure}`);
  return r.stdout;
}

/** Runs `git args…` in `cwd` and returns its standard output as text. */
export async function runGit(args: readonly string[], opts: GitOptions): Promise<string> {
  return (await runGitBytes(args, opts)).toString("utf8");
}

/** Like {@link runGit}, but `null` when git exits non-zero (e.g. `git config --get` of an unset key). */
export async function tryGit(args: readonly string[], opts: GitOptions): Promise<string | null> {
  const r = await execGit(args, opts);
  return r.failure === null ? r.stdout.toString("utf8") : null;
}

/** The repository's top folder for a path inside it. */
export async function repoRoot(cwd: string): Promise<string> {
  return (await runGit(["rev-parse", "--show-toplevel"], { cwd })).trim();
}
