/** How commands open the vault (read-only, or read-modify-write under the lock) and find the caller's keys. */
import { isUnattended, recipientId, recipientOf } from "../crypto/identities.js";
import { findIdentities } from "../io/keys.js";
import type { KeySearch } from "../crypto/key-search.js";
import { NoIdentityError, WrongKeyError } from "../errors.js";
import { openVault, readVaultText, updateVault, type VaultOptions } from "../io/vault-file.js";
import { Vault } from "../vault/vault.js";
import { relative } from "node:path";
import { mergeDriverMissing } from "../git/driver-config.js";
import { note, vaultOptions, vaultToOpen, type CliIO, type GlobalOptions } from "./context.js";
import { keepYoungGenerationSmall } from "./heap.js";

/** The caller's age identities from every source (`--identity`, the environment, the default key files). */
export function findKeys(g: GlobalOptions, io: CliIO): KeySearch {
  return findIdentities(vaultOptions(g, io));
}

/**
 * The identities git's drivers may use: git runs textconv and the merge driver unasked (once per file version), so
 * they never ask for a passphrase or run a key command; without such a key they do what they do without a key.
 */
export function findUnattendedKeys(g: GlobalOptions, io: CliIO): KeySearch {
  const found = findIdentities({ ...vaultOptions(g, io), passphrase: undefined });
  return { identities: found.identities.filter(isUnattended), searched: found.searched };
}

/**
 * The public keys of the caller's identities: to mark them `(you)`, and to refuse an edit that locks them out.
 * `has` compares as recipients compare: an SSH key without its comment (a vault keeps the `.pub` line whole).
 */
export async function myPublicKeys(g: GlobalOptions, io: CliIO): Promise<ReadonlySet<string>> {
  return new RecipientSet((await Promise.all(findKeys(g, io).identities.map(recipientOf))).map(recipientId));
}

class RecipientSet extends Set<string> {
  override has(recipient: string): boolean {
    return super.has(recipientId(recipient));
  }
}

/**
 * Whether a read may do without a key: `never` (the default: values are needed, or the answer must be verified),
 * `fallback` (no key, or none that opens the file: read the clear metadata instead, unverified, saying so), or
 * `always` (`--no-decrypt`: never use a key).
 */
export type Keyless = "never" | "fallback" | "always";

/**
 * Opens the vault read-only, without loading `yaml` (`editable: true` in `extra` for a command that saves it after
 * all); with `keyless`, perhaps as an unverified metadata view (`vault.verified` is false).
 */
export async function readVault(
  g: GlobalOptions,
  io: CliIO,
  extra: Partial<VaultOptions> = {},
  keyless: Keyless = "never",
): Promise<Vault> {
  vaultToOpen(g, io);
  keepYoungGenerationSmall();
  await warnAboutClone(g, io);
  const opts = vaultOptions(g, io, { editable: false, ...extra });
  let vault: Vault;
  if (keyless === "always") vault = await metadataOnly(g, io, opts, "--no-decrypt");
  else {
    try {
      vault = await openVault(g.file, opts);
    } catch (err) {
      if (keyless === "never" || !(err instanceof NoIdentityError || err instanceof WrongKeyError)) throw err;
      vault = await metadataOnly(g, io, opts, err instanceof WrongKeyError ? "none of your keys opens it" : "no key");
    }
  }
  warnAboutVault(g, io, vault);
  return vault;
}

/** The clear metadata, unverified, with a warning that says so and why. */
async function metadataOnly(g: GlobalOptions, io: CliIO, opts: VaultOptions, why: string): Promise<Vault> {
  const vault = await Vault.openMetadata(readVaultText(g.file), g.file, opts);
  note(
    io,
    "warning",
    `${why}: ${shownFile(g, io)} read without decrypting, NOT verified (MAC not checked): names, dates and required are as the file says, and anyone could have edited them; values are not checked`,
  );
  return vault;
}

/** Opens under the lock, runs `fn`, saves if anything changed. The file is untouched when `fn` throws. */
export async function changeVault<T>(
  g: GlobalOptions,
  io: CliIO,
  fn: (v: Vault) => T | Promise<T>,
  extra: Partial<VaultOptions> = {},
): Promise<T> {
  vaultToOpen(g, io);
  keepYoungGenerationSmall();
  await warnAboutClone(g, io);
  return updateVault(g.file, vaultOptions(g, io, extra), (vault) => {
    warnAboutVault(g, io, vault);
    return fn(vault);
  });
}

/** Commands may open the vault more than once (check, then change): each warning is said once per run. */
const warned = new WeakMap<CliIO, Set<string>>();
function once(io: CliIO, what: string): boolean {
  const seen = warned.get(io) ?? new Set<string>();
  warned.set(io, seen);
  if (seen.has(what)) return false;
  seen.add(what);
  return true;
}

const shownFile = (g: GlobalOptions, io: CliIO): string => relative(io.cwd, g.file) || g.file;

/** `.gitattributes` names vaultfile's merge driver but this clone never ran `git setup`: the next merge breaks. */
async function warnAboutClone(g: GlobalOptions, io: CliIO): Promise<void> {
  if (!once(io, "driver") || !(await mergeDriverMissing(g.file, io.env))) return;
  note(
    io,
    "warning",
    `.gitattributes sends ${shownFile(g, io)} through vaultfile's merge driver, but this clone's git config does not define it: a merge would leave git conflict markers in the file`,
  );
  note(io, "hint", "run `vaultfile git setup` once in this clone");
}

/** The merge driver's conflict report is still on top of the file: it opens, but some entries are only our side. */
function warnAboutVault(g: GlobalOptions, io: CliIO, vault: Vault): void {
  if (!vault.hasConflictReport || !once(io, "conflict")) return;
  const shown = shownFile(g, io);
  note(
    io,
    "warning",
    `${shown} holds an unfinished merge (the comment block at its top): the entries it names are our side's until resolved`,
  );
  note(io, "hint", `\`vaultfile git resolve ${shown} --ours NAME… / --theirs NAME…\`, then \`git add ${shown}\``);
}
