/**
 * `vaultfile export`: the secrets as text for another tool: a `.env` file, shell `export` lines, JSON, or GitHub
 * Actions' `$GITHUB_ENV` (with `::add-mask::` lines on stdout). To stdout, or to a file that only its owner can
 * read (0600, also when it existed with a looser mode). `github` appends to its file, as GitHub expects.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { ExitCode, UsageError, type ExitCodeValue } from "../../errors.js";
import { toDotenv, toGithub, toJson, toShell, type ExportFormat } from "../../export/index.js";
import { appendPrivateFile, PRIVATE_MODE, writePrivateFile } from "../../io/private-file.js";
import { note, type CliIO, type CommandContext } from "../context.js";
import { countOf } from "../output.js";
import { selectSecrets, type SelectionOptions } from "../secret-selection.js";

export interface ExportOptions extends SelectionOptions {
  format: ExportFormat;
  output?: string | undefined;
}

const WRITERS: Record<Exclude<ExportFormat, "github">, (env: Record<string, string>) => string> = { dotenv: toDotenv, shell: toShell, json: toJson };

export async function exportSecrets(ctx: CommandContext, opts: ExportOptions): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const target = targetOf(opts, io);
  if (target !== undefined) refuseVaultFile(target, g.file);
  const env = await selectSecrets(g, io, opts, "export");
  const count = countOf(Object.keys(env).length, "secret");
  if (opts.format === "github") {
    const { masks, env: block } = toGithub(env);
    io.stdout.write(masks);
    const { mode } = appendPrivateFile(target!, block);
    note(io, "note", `appended ${count} to ${opts.output ?? "$GITHUB_ENV"}`);
    if (opts.output !== undefined && (mode & 0o077) !== 0) {
      note(io, "warning", `${opts.output} is readable by others (mode ${mode.toString(8).padStart(4, "0")}) and now holds secrets; \`chmod 600 ${opts.output}\``);
    }
    return ExitCode.ok;
  }
  const text = WRITERS[opts.format](env);
  if (target === undefined) {
    io.stdout.write(text);
    return ExitCode.ok;
  }
  const { previousMode } = writePrivateFile(target, text);
  const tightened = previousMode !== undefined && (previousMode & 0o077) !== 0 ? ` (it was ${previousMode.toString(8).padStart(4, "0")})` : "";
  note(io, "note", `wrote ${count} to ${opts.output} with mode 0${PRIVATE_MODE.toString(8)}${tightened}`);
  return ExitCode.ok;
}

/** Where the text goes: `-o FILE`; for github `$GITHUB_ENV` when no -o; `undefined` for stdout. */
function targetOf(opts: ExportOptions, io: CliIO): string | undefined {
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
  if (same) throw new UsageError(`refusing to write the export over the vault file ${vaultFile}`, { hint: "choose another file with -o, e.g. -o .env" });
}
