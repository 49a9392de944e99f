/** `vaultfile require NAME…` / `vaultfile unrequire NAME…`: the list of names `validate` insists on. */
import { ExitCode, type ExitCodeValue } from "../../errors.js";
import { audit } from "../audit.js";
import { note, type CommandContext } from "../context.js";
import { changeVault } from "../vault-access.js";

export async function require(ctx: CommandContext, names: string[]): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const absent = await changeVault(g, io, (v) => {
    v.require(names);
    return names.filter((n) => !v.has(n));
  });
  audit(io, g, "require", names);
  io.stderr.write(`required: ${names.join(", ")}\n`);
  if (absent.length > 0)
    note(io, "note", `not set yet (MISSING until you \`vaultfile set\` them): ${absent.join(", ")}`);
  return ExitCode.ok;
}

export async function unrequire(ctx: CommandContext, names: string[]): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const notListed = await changeVault(g, io, (v) => {
    const listed = new Set(v.required);
    v.unrequire(names);
    return names.filter((n) => !listed.has(n));
  });
  audit(io, g, "unrequire", names);
  io.stderr.write(`no longer required: ${names.filter((n) => !notListed.includes(n)).join(", ") || "(nothing)"}\n`);
  if (notListed.length > 0) note(io, "warning", `not in the required list: ${notListed.join(", ")}`);
  return ExitCode.ok;
}
