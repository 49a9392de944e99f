/**
 * `vaultfile import FILE.env`: moves a dotenv file into the vault, one secret per variable, in one locked write
 * (all or nothing). The file is read as the `dotenv` package reads it. Names already in the vault are refused
 * unless `--overwrite`; counts go to stderr, values nowhere.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ConflictError, ExitCode, InvalidInputError, ioErrorFrom, type ExitCodeValue } from "../../errors.js";
import { readDotenv, type DotenvNote } from "../../export/dotenv-parse.js";
import { refuseCodeLoadingNames } from "../../rules/env-danger.js";
import { checkSecretName } from "../../rules/names.js";
import { audit } from "../audit.js";
import { note, out, type CliIO, type CommandContext } from "../context.js";
import { countOf } from "../output.js";
import { expiryFrom, type ExpiryOptions } from "../expiry-options.js";
import { decodeSecretText, readStdinBytes } from "../input.js";
import { changeVault } from "../vault-access.js";

export interface ImportOptions extends ExpiryOptions {
  type?: string | undefined;
  required?: boolean | undefined;
  overwrite?: boolean | undefined;
  allowName?: string[] | undefined;
}

export async function importDotenv(ctx: CommandContext, file: string, opts: ImportOptions): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const source = file === "-" ? "stdin" : file;
  const { entries: read, notes } = readDotenv(await readInput(file, io));
  const entries = checkEntries(read, source, opts.allowName ?? []);
  for (const n of notes) note(io, "warning", dotenvNoteText(n, source));
  const expiry = expiryFrom(opts);
  const counts = await changeVault(g, io, (vault) => {
    const existing = entries.map(([n]) => n).filter((n) => vault.has(n));
    if (existing.length > 0 && !opts.overwrite) {
      throw new ConflictError("E_EXISTS", `the vault already has ${existing.join(", ")}`, {
        hint: "pass --overwrite to replace their values, or remove those lines from the file",
      });
    }
    const tally = { created: 0, replaced: 0, unchanged: 0 };
    for (const [name, value] of entries) {
      const before = vault.has(name) ? vault.get(name).value : undefined;
      vault.set(name, value, { type: opts.type, required: opts.required, ...expiry });
      tally[before === undefined ? "created" : before === value ? "unchanged" : "replaced"]++;
    }
    return tally;
  });
  audit(
    io,
    g,
    "import",
    entries.map(([n]) => n),
  );
  note(
    io,
    "note",
    `imported ${countOf(entries.length, "secret")} from ${source}: ${counts.created} new, ${counts.replaced} replaced, ${counts.unchanged} unchanged`,
  );
  if (file !== "-")
    note(io, "hint", `${file} still holds the values in plaintext; delete it once you have checked the import`);
  if (g.json) out(io, JSON.stringify({ names: entries.map(([n]) => n), ...counts }));
  return ExitCode.ok;
}

/** What a dotenv note means for the imported value, by name and line, never the value. */
function dotenvNoteText(n: DotenvNote, source: string): string {
  const where = `${n.name ?? "line"} (${source} line ${n.line})`;
  switch (n.kind) {
    case "comment":
      return `${where}: dotenv reads an unquoted value only up to "#", the rest is a comment; quote the value to keep it whole`;
    case "backslash":
      return `${where}: dotenv keeps backslashes inside quotes as written (only \\n and \\r are expanded, in double quotes); check the imported value`;
    case "repeated":
      return `${where}: set again; the last value is the one imported`;
    case "skipped":
      return `${source} line ${n.line} is not NAME=value and was skipped`;
  }
}

/** The whole file (or stdin) as UTF-8; invalid bytes are refused rather than imported as U+FFFD. */
async function readInput(file: string, io: CliIO): Promise<string> {
  if (file === "-") return decodeSecretText(await readStdinBytes(io), "stdin");
  let bytes: Buffer;
  try {
    bytes = readFileSync(resolve(io.cwd, file));
  } catch (err) {
    throw ioErrorFrom(err, "read", file);
  }
  return decodeSecretText(bytes, file);
}

/** At most a short prefix of a rejected name: it may be a line of key material that lost its quotes. */
function redactedName(name: string): string {
  return name.length <= 6
    ? JSON.stringify(name)
    : `${JSON.stringify(name.slice(0, 4) + "…")} (${name.length} characters)`;
}

/**
 * Refuses, before anything is written: names that cannot be secrets (echoed only as a short prefix), names that
 * change which code a program runs (unless allowed), a PEM block cut at its first line (unquoted in the file: its
 * body lines would be read as names), and values still encrypted by dotenvx.
 */
function checkEntries(entries: [string, string][], source: string, allowName: readonly string[]): [string, string][] {
  if (entries.length === 0)
    throw new InvalidInputError("E_INPUT", `no variables found in ${source}`, { hint: "expected NAME=value lines" });
  const badNames = entries
    .map(([n]) => n)
    .filter((n) => {
      try {
        checkSecretName(n);
        return false;
      } catch {
        return true;
      }
    });
  if (badNames.length > 0) {
    throw new InvalidInputError(
      "E_NAME",
      `cannot import ${badNames.slice(0, 3).map(redactedName).join(", ")}${badNames.length > 3 ? ` and ${badNames.length - 3} more` : ""}: secret names must be environment variable names`,
      {
        hint: 'names match [A-Za-z_][A-Za-z0-9_]* (and "value" is reserved); rename them in the file',
      },
    );
  }
  // The one rule for values (checkSecretValue): an empty one is refused, here before anything is written.
  const empty = entries.filter(([, v]) => v === "").map(([n]) => n);
  if (empty.length > 0) {
    throw new InvalidInputError(
      "E_VALUE",
      `${empty.join(", ")} in ${source} ${empty.length === 1 ? "is" : "are"} empty; vaultfile stores no empty secrets, so nothing was imported`,
      {
        hint: "give each a value, or remove those lines from the file",
      },
    );
  }
  const cutPem = entries.find(([, v]) => /^-----BEGIN [A-Z0-9 ]+-----\s*$/.test(v));
  if (cutPem) {
    throw new InvalidInputError(
      "E_VALUE",
      `${cutPem[0]} in ${source} holds only the first line of a PEM block: a multi-line value must be quoted`,
      {
        hint: `write it as ${cutPem[0]}="-----BEGIN …" with the whole block inside the double quotes, or store it with \`vaultfile set ${cutPem[0]} --type pem --stdin < key.pem\``,
      },
    );
  }
  refuseCodeLoadingNames(
    entries.map(([n]) => n),
    allowName,
    "import",
  );
  const encrypted = entries.filter(([, v]) => v.startsWith("encrypted:")).map(([n]) => n);
  if (encrypted.length > 0) {
    throw new InvalidInputError(
      "E_VALUE",
      `${encrypted.join(", ")} in ${source} ${encrypted.length === 1 ? "is" : "are"} encrypted by dotenvx`,
      {
        hint: `decrypt first: dotenvx decrypt -f FILE --stdout | vaultfile import -`,
      },
    );
  }
  return entries;
}
