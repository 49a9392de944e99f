/** `vaultfile rm NAME…`: deletes secrets (all or none, under the lock). */
import type { Command } from "commander";
import { audit } from "../audit.js";
import { globalsOf, note, type CliIO } from "../context.js";
import { changeVault } from "../vault-access.js";

export function register(program: Command, io: CliIO): void {
  const cmd = program
    .command("rm")
    .description("delete secrets from the vault")
    .argument("<names...>", "the secrets to delete")
    .addHelpText(
      "after",
      "\nA deleted secret that is in the required list stays there and shows as MISSING; drop it with `unrequire`.\n" +
        "Deleting does not revoke anything: revoke the credential at its source too.\n\nExamples:\n  vaultfile rm OLD_TOKEN\n  vaultfile rm OLD_TOKEN && vaultfile unrequire OLD_TOKEN",
    )
    .action(async (names: string[]) => {
      const g = globalsOf(cmd, io);
      const stillRequired = await changeVault(g, io, (v) => {
        for (const n of names) v.remove(n);
        return v.required.filter((n) => names.includes(n));
      });
      audit(io, g, "rm", names);
      io.stderr.write(`removed ${names.join(", ")}\n`);
      if (stillRequired.length > 0) note(io, "note", `${stillRequired.join(", ")} still required (now MISSING); run \`vaultfile unrequire ${stillRequired.join(" ")}\` if it is no longer needed`);
    });
}
