/**
 * `vaultfile rotate NAME`: a new value, `rotated_at` = now, `expires_at` renewed from `rotate_every` (or from the
 * flags). Only that entry's lines, `lastmodified` and `mac` change in the file.
 */
import type { Command } from "commander";
import { InvalidInputError } from "../../errors.js";
import { checkSecretName } from "../../vault/policy.js";
import { audit } from "../audit.js";
import { globalsOf, note, out, type CliIO } from "../context.js";
import { addExpiryOptions, describeExpiry, expiryFrom, type ExpiryOptions } from "../expiry-options.js";
import { addValueOptions, readSecretValue, type ValueSourceOptions } from "../input.js";
import { secretJson } from "../secret-json.js";
import { changeVault, readVault } from "../vault-access.js";
import { companionNotes, enforceType, FORCE_HELP, valueOptionsForType } from "../type-input.js";

export function register(program: Command, io: CliIO): void {
  const cmd = program
    .command("rotate")
    .description("replace a secret's value: rotated_at = now, expiry renewed from its rotate_every policy")
    .argument("<name>", "an existing secret");
  addValueOptions(addExpiryOptions(cmd)).option("--force", FORCE_HELP).addHelpText(
    "after",
    "\nThe new value comes from a hidden prompt, --stdin or --generate, as for `set`; it must differ from the old one.\n" +
      "Without --expires-at/--expires-in the expiry is renewed from rotate_every when the secret has one, else kept.\n" +
      "The file's diff is that entry's lines plus sops's lastmodified and mac. The new value must match the secret's\n" +
      "type, or --force stores it with a warning; a bare --generate uses the type's generator.\n\n" +
      "Examples:\n  vaultfile rotate PYPI_TOKEN\n  pbpaste | vaultfile rotate DOCKER_PASSWORD --stdin --expires-at 2027-06-01\n  vaultfile rotate SESSION_SECRET --generate=hex:64",
  );
  cmd.action(async (name: string, opts: ValueSourceOptions & ExpiryOptions & { force?: boolean }) => {
    const g = globalsOf(cmd, io);
    checkSecretName(name);
    const expiry = expiryFrom(opts);
    // Check before prompting that the secret exists, so nobody types a value twice for nothing.
    const sources = await valueOptionsForType(g, io, opts, name);
    const value = await readSecretValue(io, sources, name, async () => void (await readVault(g, io)).get(name), `New value for ${name}:`);
    const { secret, notes } = await changeVault(g, io, (v) => {
      if (v.get(name).value === value) throw new InvalidInputError("E_VALUE", `the new value of ${name} is the same as the old one; nothing was changed`, { hint: "create a new credential at its source first, then rotate to it" });
      const secret = v.rotate(name, value, expiry);
      // After the library's own checks (size, dates), before saving: a refusal leaves the file unchanged.
      enforceType(io, v, name, secret.type, value, opts.force === true);
      return { secret, notes: companionNotes(v, name, "rotate") };
    });
    audit(io, g, "rotate", [name]);
    io.stderr.write(`rotated ${name} (${describeExpiry(secret)})\n`);
    if (secret.isExpired()) note(io, "warning", `${name} still counts as expired: it has no rotate_every to renew its expiry from; pass --expires-in or --expires-at`);
    for (const n of notes) note(io, "note", n);
    if (g.json) out(io, JSON.stringify(secretJson(secret)));
  });
}
