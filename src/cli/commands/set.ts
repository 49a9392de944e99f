/** `vaultfile set NAME`: adds or updates a secret; the value never comes from argv unless `--value` says so. */
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { checkSecretName } from "../../vault/policy.js";
import { audit } from "../audit.js";
import { globalsOf, note, out, type CliIO, type GlobalOptions } from "../context.js";
import { addExpiryOptions, describeExpiry, expiryFrom, type ExpiryOptions } from "../expiry-options.js";
import { addValueOptions, readSecretValue, stdinBringsData, valueSourcesOf, type ValueSourceOptions } from "../input.js";
import { secretJson } from "../secret-json.js";
import { changeVault, readVault } from "../vault-access.js";
import { companionNotes, defaultRotation, enforceType, FORCE_HELP, valueOptionsForType } from "../type-input.js";

interface SetFlags extends ValueSourceOptions, ExpiryOptions {
  type?: string;
  description?: string;
  rotateEvery?: string;
  required?: boolean;
  force?: boolean;
}

/** True when a metadata flag is given: with no value source, `set` on an existing secret then changes only those. */
function hasMetadataFlags(opts: SetFlags): boolean {
  return [opts.type, opts.description, opts.expiresAt, opts.expiresIn, opts.rotateEvery, opts.required].some((v) => v !== undefined);
}

export function register(program: Command, io: CliIO): void {
  const cmd = program
    .command("set")
    .description("add a secret or change its value and metadata")
    .argument("<name>", "the secret's name (an environment variable name: [A-Za-z_][A-Za-z0-9_]*)")
    .option("--type <type>", "what it is: pypi, docker, npm, github, url, generic, …")
    .option("--description <text>", "a note for the team (stored in clear text)");
  addExpiryOptions(cmd)
    .option("--rotate-every <duration>", "rotation policy (90d): `rotate` renews the expiry from it; `status` shows it as DUE")
    .option("--required", "add the name to the required list (validate fails while it is missing)")
    .option("--force", FORCE_HELP);
  addValueOptions(cmd)
    .addHelpText(
      "after",
      "\nThe value comes from a hidden prompt (typed twice) on a terminal, or from --stdin or --generate; --value is\n" +
        "accepted with a warning. Without a terminal one of them is required. The value is never printed.\n" +
        "The value must match its type (`vaultfile type list`), or --force stores it with a warning. A bare --generate\n" +
        "uses the type's generator (password: 32 letters and digits; a custom type needs a SPEC, e.g. --generate=hex:40).\n" +
        "A new secret gets its type's rotate_every. On an existing secret, metadata flags without --stdin, --generate or\n" +
        "--value change only the metadata: the value is kept, and nothing is asked (data piped in without --stdin is\n" +
        "refused, not ignored).\n\n" +
        "Examples:\n  vaultfile set PYPI_TOKEN --type pypi --expires-in 365d --rotate-every 365d --required\n" +
        "  printf '%s' \"$TOKEN\" | vaultfile set NPM_TOKEN --stdin --type npm\n  vaultfile set SESSION_SECRET --generate=base64:48\n" +
        "  vaultfile set PYPI_TOKEN --expires-in 30d      # an existing secret: new expiry, same value",
    )
    .action(async (name: string, opts: SetFlags) => {
      const g = globalsOf(cmd, io);
      checkSecretName(name);
      const expiry = expiryFrom(opts);
      if (valueSourcesOf(opts).length === 0 && hasMetadataFlags(opts) && (await readVault(g, io)).has(name)) {
        // Piped data without --stdin was meant as the new value: refuse rather than keep the old one silently.
        if (await stdinBringsData(io)) {
          throw new UsageError(`stdin holds data, but --stdin was not given; nothing was changed`, {
            hint: `to store it as the new value of ${name}, add --stdin; to change only the metadata, give no input (e.g. </dev/null)`,
          });
        }
        await updateMetadata(g, io, name, opts, expiry);
        return;
      }
      const sources = await valueOptionsForType(g, io, opts, name, opts.type);
      const value = await readSecretValue(io, sources, name, async () => void (await readVault(g, io)));
      const { secret, existed, changed, rotateEvery, notes } = await changeVault(g, io, (v) => {
        const existed = v.has(name);
        const changed = !existed || v.get(name).value !== value;
        const rotateEvery = defaultRotation(v, opts.type ?? "generic", opts.rotateEvery, !existed);
        const secret = v.set(name, value, { type: opts.type, description: opts.description, rotateEvery, required: opts.required, ...expiry });
        // After the library's own checks (size, dates), before saving: a refusal leaves the file unchanged. An
        // unchanged value of an unchanged type was checked when it was stored; `validate` reports it if not.
        if (changed || opts.type !== undefined) enforceType(io, v, name, secret.type, value, opts.force === true);
        return { secret, existed, changed, rotateEvery, notes: existed ? [] : companionNotes(v, name, "set") };
      });
      audit(io, g, "set", [name]);
      const what = !existed ? "new" : changed ? "new value" : "value unchanged";
      io.stderr.write(`set ${name} (${what}, ${describeExpiry(secret)}${opts.required ? ", required" : ""})\n`);
      if (rotateEvery !== opts.rotateEvery) note(io, "note", `${name} rotates every ${rotateEvery}, the default of type ${secret.type} (change it with --rotate-every)`);
      for (const n of notes) note(io, "note", n);
      if (g.json) out(io, JSON.stringify({ ...secretJson(secret), created: !existed, valueChanged: changed }));
    });
}

/** `set NAME --expires-in 30d` on an existing secret: the metadata flags through `vault.update()`, the value kept. */
async function updateMetadata(g: GlobalOptions, io: CliIO, name: string, opts: SetFlags, expiry: ExpiryOptions): Promise<void> {
  const secret = await changeVault(g, io, (v) => {
    const secret = v.update(name, { type: opts.type, description: opts.description, rotateEvery: opts.rotateEvery, required: opts.required, ...expiry });
    // A new type must fit the stored value, as for a new value (the value itself is never printed).
    if (opts.type !== undefined) enforceType(io, v, name, secret.type, secret.value, opts.force === true);
    return secret;
  });
  audit(io, g, "set", [name]);
  io.stderr.write(`updated ${name} (value unchanged, ${describeExpiry(secret)}${opts.required ? ", required" : ""})\n`);
  if (g.json) out(io, JSON.stringify({ ...secretJson(secret), created: false, valueChanged: false }));
}
