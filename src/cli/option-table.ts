/**
 * The global options and the options of the commands that scripts run on every start (`export`, `get`, `exec`,
 * `status`), as data: program.ts declares them to commander from this table, and quick-argv.ts reads argv with the
 * same table without loading commander. One declaration, two readers (test/cli/quick-argv.test.ts holds them to
 * the same parse).
 */
import { EXPORT_FORMATS, STATUS_FORMATS } from "../export/formats.js";
import { DEFAULT_FILE } from "../io/vault-discovery.js";

/** Which names complete an argument or an option's value (read from the vault's clear text by `completion`). */
export type ValueKind = "secret" | "recipient" | "type";

/** One option: commander's flags and help text, and how its value is read. */
export interface OptionSpec {
  /** As commander takes them: `-o, --output <file>`, `--only <names...>`, `--no-decrypt`, `--json`. */
  readonly flags: string;
  readonly description: string;
  /** The value when the option is not given, and how help shows it. */
  readonly default?: { value: string; shown?: string };
  readonly choices?: readonly string[];
  /** Each use adds its value to a list (`-i A -i B`). */
  readonly repeat?: true;
  /** The names that complete its value. */
  readonly kind?: ValueKind;
}

export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  {
    flags: "-f, --file <path>",
    description: `vault file (default: $VAULTFILE_FILE, else ${DEFAULT_FILE} here or in a parent folder up to the git root)`,
  },
  {
    flags: "-i, --identity <path>",
    description:
      "identity file to decrypt with: age keys, an OpenSSH private key, or an `age -p` key file (repeatable)",
    repeat: true,
  },
  { flags: "--json", description: "machine-readable output where a script would read it" },
  { flags: "--debug", description: "show stack traces on errors" },
  { flags: "--no-color", description: "no colours (also: NO_COLOR=1)" },
];

/** Which secrets leave the vault (export, exec). */
export const SELECTION_OPTIONS: readonly OptionSpec[] = [
  { flags: "--exclude-expired", description: "leave out secrets whose expiry date has passed" },
  {
    flags: "--only <names...>",
    description: "only these secrets (space- or comma-separated; an unknown name is an error)",
    kind: "secret",
  },
];

/** A secret name that changes which code a program runs (PATH, NODE_OPTIONS, …) that the user means to use anyway. */
export const ALLOW_NAME_OPTION: OptionSpec = {
  flags: "--allow-name <name>",
  description:
    "allow a secret named like a variable that changes which code a program runs (PATH, NODE_OPTIONS, LD_PRELOAD, …); repeatable",
  repeat: true,
};

/** `--warn-days N` of status and validate; its default shows as `30`, not `"30"`. */
export const WARN_DAYS_OPTION: OptionSpec = {
  flags: "--warn-days <n>",
  description: "days before expiry that count as expiring soon",
  default: { value: "30", shown: "30" },
};

/** The hot commands: their options in help order, and how many operands they take. */
export const HOT_COMMANDS = {
  export: {
    operands: { min: 0, max: 0 },
    options: [
      {
        flags: "--format <format>",
        description: "output format",
        choices: EXPORT_FORMATS,
        default: { value: "dotenv" },
      },
      {
        flags: "-o, --output <file>",
        description:
          "write to FILE (created or replaced with mode 0600) instead of stdout; github: append to FILE instead of $GITHUB_ENV",
      },
      {
        flags: "--name <name>",
        description:
          "k8s-secret: the Secret's metadata.name (default: from the vault file's name, .secrets.yaml → secrets)",
      },
      { flags: "--namespace <namespace>", description: "k8s-secret: the Secret's metadata.namespace" },
      {
        flags: "--encrypt",
        description:
          "k8s-secret: print the manifest sops-encrypted (data values, encrypted_regex ^(data|stringData)$) to the vault's recipients, for Flux",
      },
      {
        flags: "--follow-symlinks",
        description: "when FILE is a symlink, write to the file it points to (refused otherwise)",
      },
      ...SELECTION_OPTIONS,
      ALLOW_NAME_OPTION,
    ],
  },
  get: {
    operands: { min: 1, max: 1 },
    options: [{ flags: "--allow-expired", description: "print the value even when the secret has expired" }],
  },
  exec: {
    operands: { min: 1, max: Number.POSITIVE_INFINITY },
    options: [
      ...SELECTION_OPTIONS,
      ALLOW_NAME_OPTION,
      { flags: "--override", description: "let the vault's values replace variables already set in the environment" },
      {
        flags: "--as-file <NAME[=VAR]>",
        description:
          "hand secret NAME over as a private file (0600, removed when the command ends) whose path is in $VAR (default NAME_FILE), not in the environment; repeatable",
        repeat: true,
      },
      {
        flags: "--pass-keys",
        description:
          "leave the key variables (VAULTFILE_AGE_KEY*, SOPS_AGE_KEY*, *_AGE_SSH_PRIVATE_KEY*) in the command's environment (only for a command that runs vaultfile itself)",
      },
    ],
  },
  status: {
    operands: { min: 0, max: 0 },
    options: [
      WARN_DAYS_OPTION,
      {
        flags: "--no-decrypt",
        description: "read only the clear metadata, without a key (not verified: the MAC is not checked)",
      },
      {
        flags: "--format <f>",
        description:
          "table, json (as --json), markdown (a GitHub-flavoured table) or ics (an iCalendar feed of expiry and rotation dates)",
        choices: STATUS_FORMATS,
      },
    ],
  },
} as const satisfies Record<string, { operands: { min: number; max: number }; options: readonly OptionSpec[] }>;

export type HotCommand = keyof typeof HOT_COMMANDS;
