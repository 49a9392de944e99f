/**
 * Which secrets `export` and `exec` hand out: all of them, or `--only` some, optionally without the expired ones.
 * Expired secrets that are handed out anyway are named in a warning (names only, never values).
 */
import { formatDay } from "../rules/time.js";
import { audit } from "./audit.js";
import { note, type CliIO, type GlobalOptions } from "./context.js";
import type { Vault } from "../vault/vault.js";
import { readVault } from "./vault-access.js";

export interface SelectionOptions {
  excludeExpired?: boolean | undefined;
  /** As commander collects `--only A B --only C,D`. */
  only?: string[] | undefined;
}

/**
 * The names of `--only`, split at commas and whitespace (`--only "A B"` is one argument), without repeats;
 * `undefined` when not given.
 */
export function onlyNames(only: string[] | undefined): string[] | undefined {
  if (only === undefined) return undefined;
  return [...new Set(only.flatMap((s) => s.split(/[\s,]+/)).filter((s) => s !== ""))];
}

const PURPOSE = { export: "exporting", exec: "passing" } as const;

/**
 * Opens the vault and returns `{ NAME: value }` in file order (or `--only` order), after recording the names read
 * in the audit log (when it is on). Expired secrets handed out get a warning. Each of `mustExist` must be a secret of
 * the vault (else SecretNotFoundError), whether selected or not.
 */
export async function selectSecrets(
  g: GlobalOptions,
  io: CliIO,
  opts: SelectionOptions,
  command: keyof typeof PURPOSE,
  mustExist: readonly string[] = [],
): Promise<Record<string, string>> {
  return (await selectSecretsFrom(g, io, opts, command, mustExist)).env;
}

/** {@link selectSecrets}, also returning the opened vault (for its recipients, clock…). */
export async function selectSecretsFrom(
  g: GlobalOptions,
  io: CliIO,
  opts: SelectionOptions,
  command: keyof typeof PURPOSE,
  mustExist: readonly string[] = [],
): Promise<{ env: Record<string, string>; vault: Vault }> {
  const vault = await readVault(g, io);
  for (const name of mustExist) vault.get(name); // an unknown name: SecretNotFoundError, with the closest names
  const only = onlyNames(opts.only);
  const { env, expired } = vault.exportSelection({
    excludeExpired: opts.excludeExpired === true,
    ...(only ? { only } : {}),
  });
  for (const { name, expiresAt } of expired) {
    const when = expiresAt ? formatDay(expiresAt) : "?";
    if (name in env)
      note(
        io,
        "warning",
        `${name} expired on ${when}; ${PURPOSE[command]} it anyway (--exclude-expired leaves it out)`,
      );
    else if (only) note(io, "warning", `${name} expired on ${when} and was left out (--exclude-expired)`);
  }
  audit(io, g, command, Object.keys(env));
  return { env, vault };
}
