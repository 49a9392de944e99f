/** The commands that hand secrets to other programs, and take them in: export, exec, import. */
import type { Command } from "commander";
import type { ExecOptions } from "../commands/exec.js";
import type { ExportOptions } from "../commands/export.js";
import type { ImportOptions } from "../commands/import.js";
import { HOT_COMMANDS } from "../option-table.js";
import {
  addAllowNameOption,
  addExpiryOptions,
  declareOptions,
  hintDoubleDashOnUnknownOption,
  nameOption,
  type Runner,
} from "./parts.js";

/** Declares export, exec and import, in --help's order. */
export function declareEnvironmentCommands(program: Command, run: Runner): void {
  declareOptions(
    program
      .command("export")
      .description(
        "print the secrets as dotenv, shell, JSON, GitHub Actions env or a Kubernetes Secret, or write them to a 0600 file",
      ),
    HOT_COMMANDS.export.options,
  )
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
  k8s-secret  a Kubernetes v1 Secret manifest (data: base64 of each value, names as keys); with --encrypt, the
          same manifest sops-encrypted to the vault's recipients (a new data key), safe to commit for Flux

-o FILE is refused when it is a symlink (unless --follow-symlinks) or a file git tracks, and written with a
warning when it lies in a git work tree and .gitignore does not ignore it. Secrets named like variables that
change which code a program runs (PATH, NODE_OPTIONS, LD_PRELOAD, … see SECURITY.md) are refused in the dotenv,
shell, github and k8s-secret formats unless --allow-name NAME; names of key variables (SOPS_AGE_KEY_CMD, …) always.

Examples:
  vaultfile export -o .env --exclude-expired
  eval "$(vaultfile export --format shell --only PYPI_TOKEN)"
  vaultfile export --format github --only DOCKER_USERNAME DOCKER_PASSWORD   # in a GitHub Actions step
  vaultfile export --format k8s-secret --name app --namespace prod | kubectl apply -f -
  vaultfile export --format k8s-secret --name app --encrypt -o deploy/app-secret.sops.yaml`,
    )
    .action(run(async (ctx, opts: ExportOptions) => (await import("../commands/export.js")).exportSecrets(ctx, opts)));

  const exec = program
    .command("exec")
    .description("run a command with the secrets in its environment only")
    .argument("<command>", "the command to run (put it after --)")
    .argument("[args...]", "its arguments");
  hintDoubleDashOnUnknownOption(exec);
  declareOptions(exec, HOT_COMMANDS.exec.options)
    .addHelpText(
      "after",
      `
Put the command after -- so that its own options are not read as vaultfile's.
A variable already set in the environment is kept, as dotenv and dotenvx do (so PYPI_TOKEN=test vaultfile exec …
tries something out), and a note on stderr names it; --override gives the command the vault's value instead.
The command is looked up with vaultfile's own PATH, and gets the secrets but not the age key: the key variables
(VAULTFILE_AGE_KEY*, SOPS_AGE_KEY*, *_AGE_SSH_PRIVATE_KEY*, key commands included) are removed unless --pass-keys.
Secrets named like variables that change which code a program runs (PATH, NODE_OPTIONS, LD_PRELOAD, BASH_ENV, …
see SECURITY.md) are refused (exit 6) unless --allow-name NAME; names of key variables (SOPS_AGE_KEY_CMD,
VAULTFILE_AGE_KEY_FILE, …) and of other VAULTFILE_* and SOPS_* variables always: a vault never configures its reader.
vaultfile exits with the command's exit code (128 + N when signal N ended it); 127 when it is not found, 126 when
it cannot be run (not executable).

--as-file writes the secret to a file in a new 0700 directory (in /dev/shm where it exists) and removes it when the
command exits or is killed; a SIGKILL of vaultfile itself leaves it until the next exec --as-file.

Examples:
  vaultfile exec -- twine upload dist/*
  vaultfile exec --only PYPI_TOKEN --exclude-expired -- ./release.sh --dry-run
  vaultfile exec --as-file DB_PASSWORD -- docker compose up   # compose: secrets: db: file: \${DB_PASSWORD_FILE}`,
    )
    .action(
      run(async (ctx, command: string, args: string[], opts: ExecOptions) =>
        (await import("../commands/exec.js")).exec(ctx, command, args, opts),
      ),
    );

  const importCmd = program
    .command("import")
    .description("add every variable of a dotenv file to the vault, one secret each")
    .argument("<file>", "the .env file, or - for stdin")
    .addOption(nameOption("type", "--type <type>", "type of every imported secret (pypi, docker, npm, …)"));
  addAllowNameOption(addExpiryOptions(importCmd))
    .option("--required", "add every imported name to the required list")
    .option("--overwrite", "replace the values of names the vault already has")
    .addHelpText(
      "after",
      `
The file is read as the dotenv package reads it (quotes, multi-line values, export prefixes, comments).
dotenvx-encrypted values (encrypted:…) are refused: decrypt them first. Values are never printed.

Examples:
  vaultfile import .env --expires-in 90d && rm .env
  dotenvx decrypt -f .env.production --stdout | vaultfile import - --type generic --required`,
    )
    .action(
      run(async (ctx, file: string, opts: ImportOptions) =>
        (await import("../commands/import.js")).importDotenv(ctx, file, opts),
      ),
    );
}
