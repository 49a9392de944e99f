/**
 * `vaultfile rotate NAME`: a new value, `rotated_at` = now, `expires_at` renewed from `rotate_every` (or from the
 * flags). Only that entry's lines, `lastmodified` and `mac` change in the file.
 */
import { ExitCode, type ExitCodeValue } from "../../errors.js";
import { checkSecretName } from "../../rules/names.js";
import { audit } from "../audit.js";
import { note, out, type CommandContext } from "../context.js";
import { describeExpiry, expiryFrom, type ExpiryOptions } from "../expiry-options.js";
import { readSecretValue, type ValueSourceOptions } from "../input.js";
import { secretJson } from "../secret-json.js";
import { changeVault, readVault } from "../vault-access.js";
import { companionNotes, enforceType, valueOptionsForType } from "../type-input.js";

export type RotateOptions = ValueSourceOptions & ExpiryOptions & { force?: boolean };

export async function rotate(ctx: CommandContext, name: string, opts: RotateOptions): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  checkSecretName(name);
  const expiry = expiryFrom(opts);
  // Check before prompting that the secret exists, so nobody types a value twice for nothing.
  const sources = await valueOptionsForType(g, io, opts, name);
  const value = await readSecretValue(io, sources, name, {
    command: "rotate",
    question: `New value for ${name}:`,
    before: async () => {
      const v = await readVault(g, io);
      return v.typeCatalogue().get(v.get(name).type);
    },
  });
  const { secret, notes } = await changeVault(g, io, (v) => {
    // The library refuses the same value (E_VALUE), as the menu's rotate does.
    const secret = v.rotate(name, value, expiry);
    // After the library's own checks (size, dates), before saving: a refusal leaves the file unchanged.
    enforceType(io, v, name, secret.type, value, opts.force === true);
    return { secret, notes: companionNotes(v, name, "rotate") };
  });
  audit(io, g, "rotate", [name]);
  io.stderr.write(`rotated ${name} (${describeExpiry(secret)})\n`);
  if (secret.isExpired())
    note(
      io,
      "warning",
      `${name} still counts as expired: it has no rotate_every to renew its expiry from; pass --expires-in or --expires-at`,
    );
  for (const n of notes) note(io, "note", n);
  if (g.json) out(io, JSON.stringify(secretJson(secret)));
  return ExitCode.ok;
}
