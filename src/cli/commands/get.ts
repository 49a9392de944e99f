/** `vaultfile get NAME`: prints one value (and a newline) on stdout; refuses an expired one unless asked. */
import { ExitCode, ExpiredError, type ExitCodeValue } from "../../errors.js";
import { formatTimestamp } from "../../rules/time.js";
import { audit } from "../audit.js";
import { out, type CommandContext } from "../context.js";
import { secretJson } from "../secret-json.js";
import { readVault } from "../vault-access.js";

export async function get(ctx: CommandContext, name: string, opts: { allowExpired?: boolean }): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const vault = await readVault(g, io);
  const secret = vault.get(name);
  if (secret.isExpired() && !opts.allowExpired) throw new ExpiredError(name, formatTimestamp(secret.expiresAt!));
  // Logged before the value is shown: an access that cannot be recorded does not happen.
  audit(io, g, "get", [name]);
  if (g.json) out(io, JSON.stringify({ ...secretJson(secret), value: secret.value, expired: secret.isExpired() }));
  else out(io, secret.value);
  return ExitCode.ok;
}
