/** Records a command in the opt-in audit log (`VAULTFILE_AUDIT_LOG`), with the CLI's clock (`VAULTFILE_NOW`). */
import { appendAudit } from "../io/audit.js";
import { vaultOptions, type CliIO, type GlobalOptions } from "./context.js";

/**
 * Appends `{time, user, command, file, names}` when auditing is on. Read commands call it before revealing
 * anything, so an access that cannot be logged does not happen; write commands call it after saving.
 */
export function audit(
  io: CliIO,
  g: GlobalOptions,
  command: string,
  names: readonly string[],
  file: string = g.file,
): void {
  const now = vaultOptions(g, io).now?.() ?? new Date();
  appendAudit(io.env, { command, file, names }, now);
}
