/** `vaultfile rm NAME…`: deletes secrets (all or none, under the lock). */
import { ExitCode, type ExitCodeValue } from "../../errors.js";
import { audit } from "../audit.js";
import { note, type CommandContext } from "../context.js";
import { changeVault } from "../vault-access.js";

export async function rm(ctx: CommandContext, names: string[]): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const stillRequired = await changeVault(g, io, (v) => {
    for (const n of names) v.remove(n);
    return v.required.filter((n) => names.includes(n));
  });
  audit(io, g, "rm", names);
  io.stderr.write(`removed ${names.join(", ")}\n`);
  if (stillRequired.length > 0)
    note(
      io,
      "note",
      `${stillRequired.join(", ")} still required (now MISSING); run \`vaultfile unrequire ${stillRequired.join(" ")}\` if it is no longer needed`,
    );
  return ExitCode.ok;
}
