/** `vaultfile check [FILE…]`: the pre-commit / CI check that vault files hold no plaintext and are intact. */
import { relative, resolve } from "node:path";
import { ExitCode, VaultfileError, type ExitCodeValue } from "../../errors.js";
import { say, vaultFileOf, vaultOptions, type CommandContext } from "../context.js";

/**
 * Checks each file; with several, every one is checked before the first failure decides the exit code. `since`:
 * also the chain of custody of the commits after it (as `validate --since`); that needs a key (exit 4 without).
 */
export async function check(
  ctx: CommandContext,
  files: string[],
  opts: { since?: string } = {},
): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const { checkVaultFile } = await import("../../git/check.js");
  const custodyGate = opts.since === undefined ? undefined : (await import("./history.js")).custodyGate;
  const paths = files.length > 0 ? files.map((f) => resolve(io.cwd, f)) : [vaultFileOf(g, io)];
  const failures: [string, VaultfileError][] = [];
  for (const [i, path] of paths.entries()) {
    const shown = files[i] ?? (relative(io.cwd, path) || path);
    try {
      const r = await checkVaultFile(path, vaultOptions(g, io));
      if (custodyGate && opts.since !== undefined) await custodyGate(ctx, opts.since, path);
      const custody = opts.since === undefined ? "" : `; custody since ${opts.since} verified`;
      say(
        io,
        `ok  ${shown}${r.macVerified ? ` (MAC and seal verified${custody})` : ` (no key for it: MAC not checked${custody})`}`,
      );
    } catch (err) {
      if (!(err instanceof VaultfileError) || paths.length === 1) throw err;
      failures.push([shown, err]);
      io.stderr.write(`vaultfile: error: ${err.message}\n${err.hint ? `vaultfile: hint: ${err.hint}\n` : ""}`);
    }
  }
  const first = failures[0];
  if (first)
    throw new VaultfileError(
      first[1].code,
      first[1].exitCode,
      `${failures.length} of ${paths.length} files failed the check: ${failures.map(([f]) => f).join(", ")}`,
    );
  return ExitCode.ok;
}
