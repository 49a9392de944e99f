/** The commands that write and read secrets: set, get, rm, require, unrequire, status, validate, rotate. */
import type { Command } from "commander";
import type { SetOptions } from "../commands/set.js";
import type { StatusOptions } from "../commands/status.js";
import type { ExpiryOptions } from "../expiry-options.js";
import type { ValueSourceOptions } from "../input.js";
import { HOT_COMMANDS, WARN_DAYS_OPTION } from "../option-table.js";
import {
  addAllowNameOption,
  addExpiryOptions,
  addValueOptions,
  declareOptions,
  FORCE_HELP,
  hintStdinOnExtraArgument,
  nameOption,
  names,
  option,
  type Runner,
} from "./parts.js";

/** Declares set … rotate, in --help's order. */
export function declareSecretCommands(program: Command, run: Runner): void {
  const set = program
    .command("set")
    .description("add a secret or change its value and metadata")
    .addArgument(names("secret", "<name>", "the secret's name (an environment variable name: [A-Za-z_][A-Za-z0-9_]*)"))
    .addOption(nameOption("type", "--type <type>", "what it is: pypi, docker, npm, github, url, generic, …"))
    .option("--description <text>", "a note for the team (stored in clear text)");
  addExpiryOptions(set)
    .option(
      "--rotate-every <duration>",
      "rotation policy (90d, or never for none): `rotate` renews the expiry from it; `status` shows it as DUE",
    )
    .option("--required", "add the name to the required list (validate fails while it is missing)")
    .option("--force", FORCE_HELP);
  hintStdinOnExtraArgument(set);
  addAllowNameOption(addValueOptions(set))
    .addHelpText(
      "after",
      "\nThe value comes from a hidden prompt (typed twice) on a terminal, or from --stdin or --generate; --value is\n" +
        "accepted with a warning. Without a terminal one of them is required. The value is never printed.\n" +
        "The value must match its type (`vaultfile type list`), or --force stores it with a warning. A bare --generate\n" +
        "uses the type's generator (password: 32 letters and digits; a custom type needs a SPEC, e.g. --generate=hex:40).\n" +
        "A new secret gets its type's rotate_every. On an existing secret, metadata flags without --stdin, --generate or\n" +
        "--value change only the metadata: the value is kept, and nothing is asked (data piped in without --stdin is\n" +
        "refused, not ignored). A name that changes which code a program runs (PATH, NODE_OPTIONS, LD_PRELOAD, …,\n" +
        "see SECURITY.md) is refused (exit 6) unless --allow-name NAME; a key variable's name\n" +
        "(SOPS_AGE_KEY_CMD, VAULTFILE_AGE_KEY_FILE, …) always.\n\n" +
        "Examples:\n  vaultfile set PYPI_TOKEN --type pypi --expires-in 365d --rotate-every 365d --required\n" +
        "  printf '%s' \"$TOKEN\" | vaultfile set NPM_TOKEN --stdin --type npm\n  vaultfile set SESSION_SECRET --generate=base64:48\n" +
        "  vaultfile set PYPI_TOKEN --expires-in 30d      # an existing secret: new expiry, same value",
    )
    .action(
      run(async (ctx, name: string, opts: SetOptions) => (await import("../commands/set.js")).set(ctx, name, opts)),
    );

  declareOptions(
    program
      .command("get")
      .description("print a secret's value on stdout")
      .addArgument(names("secret", "<name>", "the secret's name")),
    HOT_COMMANDS.get.options,
  )
    .addHelpText(
      "after",
      "\nPrints the value and a newline, nothing else (--json: {name, value, type, expiresAt, …}). An expired secret\n" +
        "is refused (exit 1) unless --allow-expired; an unknown name exits 3 with the closest names.\n\n" +
        'Examples:\n  vaultfile get PYPI_TOKEN\n  TWINE_PASSWORD="$(vaultfile get PYPI_TOKEN)" twine upload dist/*',
    )
    .action(
      run(async (ctx, name: string, opts: { allowExpired?: boolean }) =>
        (await import("../commands/get.js")).get(ctx, name, opts),
      ),
    );

  program
    .command("rm")
    .description("delete secrets from the vault")
    .addArgument(names("secret", "<names...>", "the secrets to delete"))
    .addHelpText(
      "after",
      "\nA deleted secret that is in the required list stays there and shows as MISSING; drop it with `unrequire`.\n" +
        "Deleting does not revoke anything: revoke the credential at its source too.\n\nExamples:\n  vaultfile rm OLD_TOKEN\n  vaultfile rm OLD_TOKEN && vaultfile unrequire OLD_TOKEN",
    )
    .action(run(async (ctx, names: string[]) => (await import("../commands/rm.js")).rm(ctx, names)));

  program
    .command("require")
    .description("add names to the required list: validate fails while one of them is missing")
    .addArgument(names("secret", "<names...>", "secret names (they need not exist yet)"))
    .addHelpText("after", "\nExamples:\n  vaultfile require PYPI_TOKEN DOCKER_USERNAME DOCKER_PASSWORD")
    .action(run(async (ctx, names: string[]) => (await import("../commands/require.js")).require(ctx, names)));

  program
    .command("unrequire")
    .description("remove names from the required list (the secrets themselves stay)")
    .addArgument(names("secret", "<names...>", "secret names"))
    .addHelpText("after", "\nExamples:\n  vaultfile unrequire OLD_TOKEN")
    .action(run(async (ctx, names: string[]) => (await import("../commands/require.js")).unrequire(ctx, names)));

  declareOptions(
    program
      .command("status")
      .aliases(["list", "ls"])
      .description("show each secret's type, expiry, days left and status, most urgent first"),
    HOT_COMMANDS.status.options,
  )
    .addHelpText(
      "after",
      "\nDays left count calendar days (UTC): a secret set to expire in 10 days shows 10, one expiring later today 0;\n" +
        "once expired the count is negative.\nWithout a key (or with --no-decrypt) the names and dates are read as the file has them, NOT verified: a\n" +
        'warning on stderr says so, and --json marks each row "verified": false. With a key nothing changes.\n' +
        "Under GitHub Actions (GITHUB_ACTIONS=true), the table is also appended to $GITHUB_STEP_SUMMARY (not with\n" +
        "--format markdown or ics).\n\n" +
        "Examples:\n  vaultfile status\n  vaultfile status --warn-days 60 --json\n  vaultfile ls --no-decrypt\n" +
        "  vaultfile status --format markdown >> report.md\n  vaultfile status --format ics > secrets.ics      # import or subscribe in a calendar",
    )
    .action(run(async (ctx, opts: StatusOptions) => (await import("../commands/status.js")).status(ctx, opts)));

  program
    .command("validate")
    .description("check that every required secret is present and none has expired (exit 1 otherwise)")
    .addOption(option(WARN_DAYS_OPTION))
    .option(
      "--since <rev>",
      "also verify the chain of custody of the commits after REV (as history --verify; exit 5 on a break)",
    )
    .option(
      "--strict",
      "fail on secrets expiring soon or exposed to a removed recipient, values that do not match their type and missing companions too",
    )
    .option("--no-decrypt", "check only the clear metadata, without a key (not verified; value formats not checked)")
    .addHelpText(
      "after",
      "\nExit 0 when valid, 1 when a required secret is missing or a secret expired (--strict: or expires within\n" +
        "--warn-days, a removed recipient could read it (EXPOSED until rotated), a value does not match its type, or a\n" +
        "companion such as a docker password's username is missing).\n" +
        "Secrets expiring soon, exposed or due for rotation are warnings. With GITHUB_ACTIONS=true, problems are\n" +
        "also printed as ::error / ::warning annotations, and the expiry table is appended to $GITHUB_STEP_SUMMARY.\n" +
        "--no-decrypt needs no key (a scheduled expiry check that should not hold it): the metadata is NOT verified (the MAC\n" +
        'is not checked), a warning on stderr says so, and --json has "verified": false. Without it a key is needed.\n\n' +
        "Examples:\n  vaultfile validate\n  vaultfile validate --strict --warn-days 14 --json\n  vaultfile validate --no-decrypt --json",
    )
    .action(
      run(async (ctx, opts: { warnDays: string; strict?: boolean; decrypt?: boolean; since?: string }) =>
        (await import("../commands/validate.js")).validate(ctx, opts),
      ),
    );

  const rotate = program
    .command("rotate")
    .description("replace a secret's value: rotated_at = now, expiry renewed from its rotate_every policy")
    .addArgument(names("secret", "<name>", "an existing secret"));
  hintStdinOnExtraArgument(rotate);
  addValueOptions(addExpiryOptions(rotate))
    .option("--force", FORCE_HELP)
    .addHelpText(
      "after",
      "\nThe new value comes from a hidden prompt, --stdin or --generate, as for `set`; it must differ from the old one.\n" +
        "Without --expires-at/--expires-in the expiry is renewed from rotate_every when the secret has one, else kept.\n" +
        "The file's diff is that entry's lines plus sops's lastmodified and mac. The new value must match the secret's\n" +
        "type, or --force stores it with a warning; a bare --generate uses the type's generator.\n\n" +
        "Examples:\n  vaultfile rotate PYPI_TOKEN\n  pbpaste | vaultfile rotate DOCKER_PASSWORD --stdin --expires-at 2027-06-01\n  vaultfile rotate SESSION_SECRET --generate=hex:64",
    )
    .action(
      run(async (ctx, name: string, opts: ValueSourceOptions & ExpiryOptions & { force?: boolean }) =>
        (await import("../commands/rotate.js")).rotate(ctx, name, opts),
      ),
    );
}
