/**
 * `vaultfile export`: the secrets as text for another tool: a `.env` file, shell `export` lines, JSON, or GitHub
 * Actions' `$GITHUB_ENV` (with `::add-mask::` lines on stdout). To stdout, or to a file that only its owner can
 * read (0600, also when it existed with a looser mode). `github` appends to its file, as GitHub expects.
 * `k8s-secret` prints a Kubernetes `v1` Secret manifest; with `--encrypt`, the same manifest as a sops file encrypted
 * to the vault's recipients (what Flux's kustomize-controller decrypts), which is safe to commit.
 *
 * A `-o` target that is a symlink is refused unless `--follow-symlinks`, one that git tracks is refused, one in a
 * work tree that `.gitignore` does not ignore gets a warning. Secrets named like variables that change which code a
 * program loads are refused in the environment formats (all but json; k8s-secret too: pods load a Secret through
 * `envFrom`) unless `--allow-name`; names of key variables always.
 */
import { statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { ConflictError, ExitCode, UsageError, type ExitCodeValue } from "../../errors.js";
import {
  checkK8sMetadata,
  defaultK8sName,
  toDotenv,
  toGithub,
  toJson,
  toK8sSecret,
  toShell,
  type ExportFormat,
  type K8sSecretOptions,
} from "../../export/index.js";
import { appendPrivateFile, PRIVATE_MODE, privateTarget, writePrivateFile } from "../../io/private-file.js";
import { refuseCodeLoadingNames } from "../../rules/env-danger.js";
import { note, type CliIO, type CommandContext } from "../context.js";
import { countOf } from "../output.js";
import { selectSecrets, selectSecretsFrom, type SelectionOptions } from "../secret-selection.js";

export interface ExportOptions extends SelectionOptions {
  format: ExportFormat;
  output?: string | undefined;
  /** k8s-secret: `metadata.name` (default from the vault file's name) and `metadata.namespace`. */
  name?: string | undefined;
  namespace?: string | undefined;
  /** k8s-secret: print the manifest sops-encrypted to the vault's recipients. */
  encrypt?: boolean | undefined;
  /** Write through a symlink at the -o target. */
  followSymlinks?: boolean | undefined;
  allowName?: string[] | undefined;
}

const WRITERS: Record<Exclude<ExportFormat, "github" | "k8s-secret">, (env: Record<string, string>) => string> = {
  dotenv: toDotenv,
  shell: toShell,
  json: toJson,
};

export async function exportSecrets(ctx: CommandContext, opts: ExportOptions): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const target = targetOf(opts, io);
  const follow = { followSymlink: opts.followSymlinks === true };
  let unignored = false;
  if (target !== undefined) {
    refuseVaultFile(target, g.file);
    const real = privateTarget(target, follow);
    if (opts.output !== undefined) unignored = (await refuseTrackedTarget(real, target, opts.output)) === "untracked";
  }
  const warnUnignored = (): void => {
    if (unignored)
      note(
        io,
        "warning",
        `${opts.output} is inside a git work tree and not ignored: add it to .gitignore so that the secrets are never committed`,
      );
  };
  const k8s = opts.format === "k8s-secret" ? k8sOptions(opts, g.file) : undefined;
  if (k8s && opts.encrypt) {
    const { env, vault } = await selectSecretsFrom(g, io, opts, "export");
    refuseCodeLoadingNames(Object.keys(env), opts.allowName ?? [], "export");
    const { toK8sSecretSops } = await import("../../export/k8s-sops.js");
    return emit(
      io,
      opts,
      target,
      await toK8sSecretSops(env, { ...k8s, recipients: Object.values(vault.recipients()), now: vault.now }),
      Object.keys(env).length,
      follow,
      warnUnignored,
    );
  }
  const env = await selectSecrets(g, io, opts, "export");
  // A Secret's keys become a pod's environment (envFrom): k8s-secret is an environment format too.
  if (opts.format !== "json") refuseCodeLoadingNames(Object.keys(env), opts.allowName ?? [], "export");
  if (k8s) return emit(io, opts, target, toK8sSecret(env, k8s), Object.keys(env).length, follow, warnUnignored);
  const count = countOf(Object.keys(env).length, "secret");
  if (opts.format === "github") {
    const { masks, env: block } = toGithub(env);
    io.stdout.write(masks);
    const { mode } = appendPrivateFile(target!, block, follow);
    note(io, "note", `appended ${count} to ${opts.output ?? "$GITHUB_ENV"}`);
    if (opts.output !== undefined && (mode & 0o077) !== 0) {
      note(
        io,
        "warning",
        `${opts.output} is readable by others (mode ${mode.toString(8).padStart(4, "0")}) and now holds secrets; \`chmod 600 ${opts.output}\``,
      );
    }
    warnUnignored();
    return ExitCode.ok;
  }
  return emit(
    io,
    opts,
    target,
    WRITERS[opts.format as keyof typeof WRITERS](env),
    Object.keys(env).length,
    follow,
    warnUnignored,
  );
}

/** The text to stdout, or to `-o FILE` written with mode 0600 (a note says so, and when the file was looser). */
function emit(
  io: CliIO,
  opts: ExportOptions,
  target: string | undefined,
  text: string,
  n: number,
  follow: { followSymlink: boolean },
  warnUnignored: () => void,
): ExitCodeValue {
  if (target === undefined) {
    io.stdout.write(text);
    return ExitCode.ok;
  }
  const { previousMode } = writePrivateFile(target, text, follow);
  const tightened =
    previousMode !== undefined && (previousMode & 0o077) !== 0
      ? ` (it was ${previousMode.toString(8).padStart(4, "0")})`
      : "";
  note(
    io,
    "note",
    `wrote ${countOf(n, "secret")} to ${opts.output} with mode 0${PRIVATE_MODE.toString(8)}${tightened}`,
  );
  warnUnignored();
  return ExitCode.ok;
}

/** `--name`/`--namespace`/`--encrypt` belong to k8s-secret; the name defaults to the vault file's. */
function k8sOptions(opts: ExportOptions, vaultFile: string): K8sSecretOptions {
  const name = opts.name ?? defaultK8sName(basename(vaultFile));
  if (name === undefined) {
    throw new UsageError(`cannot derive a Kubernetes Secret name from ${basename(vaultFile)}`, {
      hint: "pass --name, e.g. --name release-secrets",
    });
  }
  const k8s = { name, ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}) };
  checkK8sMetadata(k8s);
  return k8s;
}

/**
 * Refuses (exit 8) a target that git tracks (`real`: the target, or the file its symlink points to): the secrets
 * would be in the next commit. `shown` is the path as the user wrote it. Returns the target's git state; git is only asked when there is a target.
 */
async function refuseTrackedTarget(real: string, target: string, shown: string): Promise<string> {
  const { gitFileState } = await import("../../git/tracked.js");
  const state = await gitFileState(real);
  if (state === "tracked") {
    throw new ConflictError(
      "E_EXISTS",
      `refusing to write secrets into ${shown}: git tracks ${real === target ? "it" : `the file it links to, ${real}`}`,
      {
        hint: "the secrets would be in the next commit; choose an ignored file (e.g. -o .env with .env in .gitignore)",
      },
    );
  }
  return state;
}

/** Where the text goes: `-o FILE`; for github `$GITHUB_ENV` when no -o; `undefined` for stdout. */
function targetOf(opts: ExportOptions, io: CliIO): string | undefined {
  if (opts.format !== "k8s-secret") {
    const stray = (["name", "namespace", "encrypt"] as const).find((k) => opts[k] !== undefined);
    if (stray)
      throw new UsageError(`--${stray} is an option of --format k8s-secret`, {
        hint: "add --format k8s-secret, or drop it",
      });
  }
  if (opts.output !== undefined) return resolve(io.cwd, opts.output);
  if (opts.format !== "github") return undefined;
  const githubEnv = io.env.GITHUB_ENV;
  if (!githubEnv) {
    throw new UsageError("--format github needs $GITHUB_ENV (set in GitHub Actions steps) or -o FILE", {
      hint: "run it in a GitHub Actions step, or pass -o FILE to append the env blocks to a file",
    });
  }
  return resolve(io.cwd, githubEnv);
}

/** Writing secrets in plaintext over the encrypted vault would destroy it. */
function refuseVaultFile(target: string, vaultFile: string): void {
  const same = (() => {
    const [a, b] = [statSync(target, { throwIfNoEntry: false }), statSync(vaultFile, { throwIfNoEntry: false })];
    return a && b ? a.dev === b.dev && a.ino === b.ino : target === vaultFile;
  })();
  if (same)
    throw new UsageError(`refusing to write the export over the vault file ${vaultFile}`, {
      hint: "choose another file with -o, e.g. -o .env",
    });
}
