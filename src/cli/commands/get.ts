/** `vaultfile get NAME`: prints one value (and a newline) on stdout; refuses an expired one unless asked. */
import type { Command } from "commander";
import { ExpiredError } from "../../errors.js";
import { formatTimestamp } from "../../vault/policy.js";
import { audit } from "../audit.js";
import { globalsOf, out, type CliIO } from "../context.js";
import { secretJson } from "../secret-json.js";
import { readVault } from "../vault-access.js";

export function register(program: Command, io: CliIO): void {
  program
    .command("get")
    .description("print a secret's value on stdout")
    .argument("<name>", "the secret's name")
    .option("--allow-expired", "print the value even when the secret has expired")
    .addHelpText(
      "after",
      "\nPrints the value and a newline, nothing else (--json: {name, value, type, expiresAt, …}). An expired secret\n" +
        "is refused (exit 1) unless --allow-expired; an unknown name exits 3 with the closest names.\n\n" +
        "Examples:\n  vaultfile get PYPI_TOKEN\n  TWINE_PASSWORD=\"$(vaultfile get PYPI_TOKEN)\" twine upload dist/*",
    )
    .action(async (name: string, opts: { allowExpired?: boolean }, cmd: Command) => {
      const g = globalsOf(cmd, io);
      const vault = await readVault(g, io);
      const secret = vault.get(name);
      if (secret.isExpired() && !opts.allowExpired) throw new ExpiredError(name, formatTimestamp(secret.expiresAt!));
      // Logged before the value is shown: an access that cannot be recorded does not happen.
      audit(io, g, "get", [name]);
      if (g.json) out(io, JSON.stringify({ ...secretJson(secret), value: secret.value, expired: secret.isExpired() }));
      else out(io, secret.value);
    });
}
