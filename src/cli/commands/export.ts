/**
 * `vaultfile export`: the secrets as text for another tool: a `.env` file, shell `export` lines, JSON, or GitHub
 * Actions' `$GITHUB_ENV` (with `::add-mask::` lines on stdout). To stdout, or to a file that only its owner can
 * read (0600, also when it existed with a looser mode). `github` appends to its file, as GitHub expects.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { UsageError } from "../../errors.js";
import { EXPORT_FORMATS, toDotenv, toGithub, toJson, toShell, type ExportFormat } from "../../export/index.js";
import { appendPrivateFile, PRIVATE_MODE, writePrivateFile } from "../../io/private-file.js";
import { globalsOf, note, type CliIO } from "../context.js";
import { countOf } from "../output.js";
import { addSelectionOptions, selectSecrets, type SelectionOptions } from "../secret-selection.js";

interface ExportOptions extends SelectionOptions {
  format: ExportFormat;
  output?: string | undefined;
}

const WRITERS: Record<Exclude<ExportFormat, "github">, (env: Record<string, string>) => string> = { dotenv: toDotenv, shell: toShell, json: toJson };

export function register(program: Command, io: CliIO): void {
  const cmd = program
    .command("export")
    .description("print the secrets as dotenv, shell, JSON or GitHub Actions env, or write them to a 0600 file")
    .addOption(new Option("--format <format>", "output format").choices(EXPORT_FORMATS).default("dotenv"))
    .option("-o, --output <file>", "write to FILE (created or replaced with mode 0600) instead of stdout; github: append to FILE instead of $GITHUB_ENV");
  addSelectionOptions(cmd)
    .addHelpText(
      "after",
      `
Formats:
  dotenv  NAME=value lines that the dotenv and dotenvx parsers read back exactly (multi-line values included);
          a value no dotenv quoting can hold is an error naming the secret
  shell   export NAME='value' lines for POSIX shells: eval "$(vaultfile export --format shell)"
  json    one JSON object {"NAME": "value"}
  github  ::add-mask:: lines on stdout, and NAME<<DELIMITER blocks appended to $GITHUB_ENV (or to -o FILE), so
          later steps of the job see the secrets and the log masks them

Examples:
  vaultfile export -o .env --exclude-expired
  eval "$(vaultfile export --format shell --only PYPI_TOKEN)"
  vaultfile export --format github --only DOCKER_USERNAME DOCKER_PASSWORD   # in a GitHub Actions step`,
    )
    .action(async (opts: ExportOptions, c: Command) => {
      const g = globalsOf(c, io);
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
        return;
      }
      const text = WRITERS[opts.format](env);
      if (target === undefined) {
        io.stdout.write(text);
        return;
      }
      const { previousMode } = writePrivateFile(target, text);
      const tightened = previousMode !== undefined && (previousMode & 0o077) !== 0 ? ` (it was ${previousMode.toString(8).padStart(4, "0")})` : "";
      note(io, "note", `wrote ${count} to ${opts.output} with mode 0${PRIVATE_MODE.toString(8)}${tightened}`);
    });
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
