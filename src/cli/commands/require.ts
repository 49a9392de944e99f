/** `vaultfile require NAME…` / `vaultfile unrequire NAME…`: the list of names `validate` insists on. */
import type { Command } from "commander";
import { audit } from "../audit.js";
import { globalsOf, note, type CliIO } from "../context.js";
import { changeVault } from "../vault-access.js";

export function register(program: Command, io: CliIO): void {
  const req = program
    .command("require")
    .description("add names to the required list: validate fails while one of them is missing")
    .argument("<names...>", "secret names (they need not exist yet)")
    .addHelpText("after", "\nExamples:\n  vaultfile require PYPI_TOKEN DOCKER_USERNAME DOCKER_PASSWORD")
    .action(async (names: string[]) => {
      const g = globalsOf(req, io);
      const absent = await changeVault(g, io, (v) => {
        v.require(names);
        return names.filter((n) => !v.has(n));
      });
      audit(io, g, "require", names);
      io.stderr.write(`required: ${names.join(", ")}\n`);
      if (absent.length > 0) note(io, "note", `not set yet (MISSING until you \`vaultfile set\` them): ${absent.join(", ")}`);
    });

  const unreq = program
    .command("unrequire")
    .description("remove names from the required list (the secrets themselves stay)")
    .argument("<names...>", "secret names")
    .addHelpText("after", "\nExamples:\n  vaultfile unrequire OLD_TOKEN")
    .action(async (names: string[]) => {
      const g = globalsOf(unreq, io);
      const notListed = await changeVault(g, io, (v) => {
        const listed = new Set(v.required);
        v.unrequire(names);
        return names.filter((n) => !listed.has(n));
      });
      audit(io, g, "unrequire", names);
      io.stderr.write(`no longer required: ${names.filter((n) => !notListed.includes(n)).join(", ") || "(nothing)"}\n`);
      if (notListed.length > 0) note(io, "warning", `not in the required list: ${notListed.join(", ")}`);
    });
}
