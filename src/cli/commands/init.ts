/**
 * `vaultfile init`: a new, empty vault. The caller's key is the first named recipient (a key is offered on a
 * terminal when there is none), then `--recipient` ones, then the age keys of a matching `.sops.yaml` creation rule.
 */
import { existsSync } from "node:fs";
import { basename, dirname } from "node:path";
import { userInfo } from "node:os";
import {
  ConflictError,
  ExitCode,
  InterruptedError,
  InvalidInputError,
  NoIdentityError,
  UsageError,
  type ExitCodeValue,
} from "../../errors.js";
import { recipientOf, shortKey } from "../../crypto/identities.js";
import { defaultKeyFile } from "../../io/keys.js";
import { creationRuleFor, findSopsConfig } from "../../io/sops-config.js";
import { RECIPIENT_NAME_RE } from "../../rules/names.js";
import { audit } from "../audit.js";
import { note, out, vaultOptions, type CliIO, type GlobalOptions, type CommandContext } from "../context.js";
import { canPrompt, isPromptAbort, prompter } from "../prompts.js";
import { findKeys } from "../vault-access.js";
import { asExistsConflict, createKeyFile, warnFolderRisks } from "./keygen.js";
import { createVault } from "../../io/vault-file.js";
import { locateVault } from "../../io/vault-discovery.js";

export interface InitOptions {
  recipient: string[];
  name?: string;
  config?: string;
}

/** Parses repeated `--recipient NAME=age1…` into name → key, in order. */
export function parseRecipientFlags(flags: readonly string[]): [string, string][] {
  return flags.map((f) => {
    const i = f.indexOf("=");
    if (i <= 0 || i === f.length - 1)
      throw new UsageError(`--recipient expects NAME=KEY (age1…, ssh-ed25519 …), not ${shortKey(f)}`, {
        hint: "e.g. --recipient ci=age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq",
      });
    return [f.slice(0, i).trim(), f.slice(i + 1).trim()];
  });
}

/** Where a name for you as a recipient can come from, in the order they are tried. */
export interface NameSources {
  envUser: string | undefined;
  osUser: () => string | undefined;
  gitUser: () => Promise<string | undefined>;
}

/**
 * Your name as the vault's first recipient when `--name` is not given: `$USER`, else the operating system's user
 * name, else git's `user.name` (`Alice Example` becomes `alice-example`), else `me`. Each must make a valid
 * recipient name; git is asked only when the others give none.
 */
export async function defaultRecipientName(src: NameSources): Promise<string> {
  for (const candidate of [src.envUser, src.osUser()])
    if (candidate && RECIPIENT_NAME_RE.test(candidate)) return candidate;
  const git = (await src.gitUser())
    ?.trim()
    .toLowerCase()
    .replace(/[^a-z0-9_.@-]+/g, "-")
    .replace(/^[^a-z0-9_]+|-+$/g, "");
  return git && RECIPIENT_NAME_RE.test(git) ? git : "me";
}

function osUserName(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined; // a uid with no passwd entry (some containers)
  }
}

async function gitUserName(cwd: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  try {
    const { tryGit } = await import("../../git/run.js");
    return (
      (await tryGit(["config", "--get", "user.name"], { cwd: existsSync(cwd) ? cwd : process.cwd(), env })) ?? undefined
    );
  } catch {
    return undefined; // no git
  }
}

/** The caller's public key: the first identity found, or a new one (offered on a terminal only). */
async function ownRecipient(g: GlobalOptions, io: CliIO): Promise<string> {
  const found = findKeys(g, io);
  const first = found.identities[0];
  if (first) return recipientOf(first);
  const path = defaultKeyFile(io.env);
  const noKey = new NoIdentityError("no age key found to make you the vault's first recipient", {
    hint: `create one with \`vaultfile keygen\` (or set VAULTFILE_AGE_KEY), then run init again; looked in: ${found.searched.join("; ")}`,
  });
  if (!canPrompt(io)) throw noKey;
  let create: boolean;
  try {
    create = await prompter(io, "run `vaultfile keygen` first").confirm(`No age key found. Create one in ${path}?`, {
      default: true,
    });
  } catch (err) {
    if (isPromptAbort(err)) throw new InterruptedError("interrupted; no key and no vault were created");
    throw err;
  }
  if (!create) throw noKey;
  const key = await createKeyFile(path, vaultOptions(g, io).now ? { now: vaultOptions(g, io).now!() } : {});
  warnFolderRisks(io, key);
  io.stderr.write(`wrote a new age identity to ${key.path} (keep it secret; back it up)\n`);
  return key.recipient;
}

/** The recipients of the new vault: you first, then `--recipient`s, then `.sops.yaml`'s keys named `sops-N`. */
async function chooseRecipients(
  g: GlobalOptions,
  io: CliIO,
  opts: InitOptions,
): Promise<{ recipients: Record<string, string>; you: string }> {
  const given = parseRecipientFlags(opts.recipient);
  const mine = await ownRecipient(g, io);
  const you =
    given.find(([, k]) => k === mine)?.[0] ??
    opts.name ??
    (await defaultRecipientName({
      envUser: io.env.USER,
      osUser: osUserName,
      gitUser: () => gitUserName(dirname(g.file), io.env),
    }));
  const recipients: Record<string, string> = { [you]: mine };
  const add = (name: string, key: string): void => {
    if (Object.values(recipients).includes(key)) return;
    if (name in recipients)
      throw new InvalidInputError("E_RECIPIENT", `two different keys are named ${name}`, {
        hint: name === you ? `that is your name here; choose yours with --name` : "give each recipient its own name",
      });
    recipients[name] = key;
  };
  for (const [name, key] of given) add(name, key);
  const config = findSopsConfig(io.cwd, io.env, opts.config);
  if (config.warning) note(io, "warning", config.warning);
  const rule = config.path === undefined ? undefined : creationRuleFor(config.path, g.file);
  if (rule && rule.recipients.length === 0)
    note(
      io,
      "warning",
      `no creation rule with age keys in ${rule.configPath} matches ${basename(g.file)}; using only you and the --recipient keys`,
    );
  let n = 0;
  for (const key of rule?.recipients ?? []) {
    if (Object.values(recipients).includes(key)) continue;
    do n++;
    while (`sops-${n}` in recipients);
    add(`sops-${n}`, key);
  }
  if (rule && rule.recipients.length > 0)
    note(io, "note", `added the age keys of creation rule ${rule.rule} in ${rule.configPath}`);
  return { recipients, you };
}

export async function init(ctx: CommandContext, opts: InitOptions): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const exists = (): ConflictError =>
    new ConflictError("E_EXISTS", `${g.file} already exists`, {
      hint: "init never overwrites a vault; use it as it is, or choose another file with -f",
    });
  if (existsSync(g.file)) throw exists();
  // The vault in a parent folder that commands run here used until now; from now on they use the new one.
  const above = g.fileSource === "cwd" ? locateVault(io.cwd, io.env, undefined) : undefined;
  const shadowed = above?.source === "parent" ? above.file : undefined;
  const { recipients, you } = await chooseRecipients(g, io, opts);
  const vault = await createVault(g.file, recipients, vaultOptions(g, io));
  try {
    await vault.save({ exclusive: true });
  } catch (err) {
    throw asExistsConflict(err, g.file, exists().hint!);
  }
  if (shadowed)
    note(
      io,
      "note",
      `${shadowed} exists too: commands run in ${dirname(g.file)} now use the new vault, not that one (pass -f to choose)`,
    );
  audit(io, g, "init", []);
  const list = Object.keys(recipients).map((n) => (n === you ? `${n} (you)` : n));
  io.stderr.write(`created ${g.file}, encrypted to: ${list.join(", ")}\n`);
  note(io, "hint", "add a secret with `vaultfile set NAME`, then commit the file");
  if (g.json) out(io, JSON.stringify({ file: g.file, recipients, you }));
  return ExitCode.ok;
}
