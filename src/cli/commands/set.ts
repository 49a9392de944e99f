/** `vaultfile set NAME`: adds or updates a secret; the value never comes from argv unless `--value` says so. */
import { ExitCode, UsageError, type ExitCodeValue } from "../../errors.js";
import { refuseCodeLoadingNames } from "../../rules/env-danger.js";
import { checkPrintable } from "../../rules/text-safety.js";
import { checkSecretName } from "../../rules/names.js";
import { audit } from "../audit.js";
import { note, out, type CliIO, type GlobalOptions, type CommandContext } from "../context.js";
import { describeExpiry, expiryFrom, type ExpiryOptions } from "../expiry-options.js";
import { readSecretValue, stdinBringsData, valueSourcesOf, type ValueSourceOptions } from "../input.js";
import { secretJson } from "../secret-json.js";
import { changeVault, readVault } from "../vault-access.js";
import { companionNotes, defaultRotation, enforceType, valueOptionsForType } from "../type-input.js";

export interface SetOptions extends ValueSourceOptions, ExpiryOptions {
  type?: string;
  description?: string;
  rotateEvery?: string;
  required?: boolean;
  force?: boolean;
  allowName?: string[];
}

/** True when a metadata flag is given: with no value source, `set` on an existing secret then changes only those. */
function hasMetadataFlags(opts: SetOptions): boolean {
  return [opts.type, opts.description, opts.expiresAt, opts.expiresIn, opts.rotateEvery, opts.required].some(
    (v) => v !== undefined,
  );
}

export async function set(ctx: CommandContext, name: string, opts: SetOptions): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  checkSecretName(name);
  refuseCodeLoadingNames([name], opts.allowName ?? [], "store");
  if (opts.description !== undefined) checkPrintable(opts.description, "description");
  const expiry = expiryFrom(opts);
  if (valueSourcesOf(opts).length === 0 && hasMetadataFlags(opts) && (await readVault(g, io)).has(name)) {
    // Piped data without --stdin was meant as the new value: refuse rather than keep the old one silently.
    if (await stdinBringsData(io)) {
      throw new UsageError(`stdin holds data, but --stdin was not given; nothing was changed`, {
        hint: `to store it as the new value of ${name}, add --stdin; to change only the metadata, give no input (e.g. </dev/null)`,
      });
    }
    await updateMetadata(g, io, name, opts, expiry);
    return ExitCode.ok;
  }
  const sources = await valueOptionsForType(g, io, opts, name, opts.type);
  const value = await readSecretValue(io, sources, name, {
    command: "set",
    before: async () => {
      const v = await readVault(g, io);
      const typeId = opts.type ?? (v.has(name) ? v.get(name).type : undefined);
      return typeId === undefined ? undefined : v.typeCatalogue().get(typeId);
    },
  });
  const { secret, existed, changed, rotateEvery, notes } = await changeVault(g, io, (v) => {
    const existed = v.has(name);
    const changed = !existed || v.get(name).value !== value;
    const rotateEvery = defaultRotation(v, name, opts.type ?? "generic", opts.rotateEvery, !existed);
    const secret = v.set(name, value, {
      type: opts.type,
      description: opts.description,
      rotateEvery,
      required: opts.required,
      ...expiry,
    });
    // After the library's own checks (size, dates), before saving: a refusal leaves the file unchanged. An
    // unchanged value of an unchanged type was checked when it was stored; `validate` reports it if not.
    if (changed || opts.type !== undefined) enforceType(io, v, name, secret.type, value, opts.force === true);
    return { secret, existed, changed, rotateEvery, notes: existed ? [] : companionNotes(v, name, "set") };
  });
  audit(io, g, "set", [name]);
  const what = !existed ? "new" : changed ? "new value" : "value unchanged";
  io.stderr.write(`set ${name} (${what}, ${describeExpiry(secret)}${opts.required ? ", required" : ""})\n`);
  if (rotateEvery !== opts.rotateEvery)
    note(
      io,
      "note",
      `${name} rotates every ${rotateEvery}, the default of type ${secret.type} (change it with --rotate-every)`,
    );
  for (const n of notes) note(io, "note", n);
  if (g.json) out(io, JSON.stringify({ ...secretJson(secret), created: !existed, valueChanged: changed }));
  return ExitCode.ok;
}

/** `set NAME --expires-in 30d` on an existing secret: the metadata flags through `vault.update()`, the value kept. */
async function updateMetadata(
  g: GlobalOptions,
  io: CliIO,
  name: string,
  opts: SetOptions,
  expiry: ExpiryOptions,
): Promise<void> {
  const secret = await changeVault(g, io, (v) => {
    const secret = v.update(name, {
      type: opts.type,
      description: opts.description,
      rotateEvery: opts.rotateEvery,
      required: opts.required,
      ...expiry,
    });
    // A new type must fit the stored value, as for a new value (the value itself is never printed).
    if (opts.type !== undefined) enforceType(io, v, name, secret.type, secret.value, opts.force === true);
    return secret;
  });
  audit(io, g, "set", [name]);
  io.stderr.write(`updated ${name} (value unchanged, ${describeExpiry(secret)}${opts.required ? ", required" : ""})\n`);
  if (g.json) out(io, JSON.stringify({ ...secretJson(secret), created: false, valueChanged: false }));
}
