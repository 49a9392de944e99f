/** `vaultfile set NAME`: adds or updates a secret; the value never comes from argv unless `--value` says so. */
import type { Command } from "commander";
import { checkSecretName } from "../../vault/policy.js";
import { audit } from "../audit.js";
import { globalsOf, out, type CliIO } from "../context.js";
import { addExpiryOptions, describeExpiry, expiryFrom, type ExpiryOptions } from "../expiry-options.js";
import { addValueOptions, readSecretValue, type ValueSourceOptions } from "../input.js";
import { changeVault, readVault } from "../vault-access.js";

interface SetFlags extends ValueSourceOptions, ExpiryOptions {
  type?: string;
  description?: string;
  rotateEvery?: string;
  required?: boolean;
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
    .option("--required", "add the name to the required list (validate fails while it is missing)");
  addValueOptions(cmd)
    .addHelpText(
      "after",
      "\nThe value comes from a hidden prompt (typed twice) on a terminal, or from --stdin or --generate; --value is\n" +
        "accepted with a warning. Without a terminal one of them is required. The value is never printed.\n\n" +
        "Examples:\n  vaultfile set PYPI_TOKEN --type pypi --expires-in 365d --rotate-every 365d --required\n" +
        "  printf '%s' \"$TOKEN\" | vaultfile set NPM_TOKEN --stdin --type npm\n  vaultfile set SESSION_SECRET --generate=base64:48",
    )
    .action(async (name: string, opts: SetFlags) => {
      const g = globalsOf(cmd, io);
      checkSecretName(name);
      const expiry = expiryFrom(opts);
      const value = await readSecretValue(io, opts, name, async () => void (await readVault(g, io)));
      const { secret, existed, changed } = await changeVault(g, io, (v) => {
        const existed = v.has(name);
        const changed = !existed || v.get(name).value !== value;
        const secret = v.set(name, value, { type: opts.type, description: opts.description, rotateEvery: opts.rotateEvery, required: opts.required, ...expiry });
        return { secret, existed, changed };
      });
      audit(io, g, "set", [name]);
      const what = !existed ? "new" : changed ? "new value" : "value unchanged";
      io.stderr.write(`set ${name} (${what}, ${describeExpiry(secret)}${opts.required ? ", required" : ""})\n`);
      if (g.json) out(io, JSON.stringify({ ...secret.toJSON(), created: !existed, valueChanged: changed }));
    });
}
