/** `vaultfile check [FILE…]`: the pre-commit / CI check that vault files hold no plaintext and are intact. */
import { relative, resolve } from "node:path";
import { ExitCode, VaultfileError, type ExitCodeValue } from "../../errors.js";
import { say, vaultFileOf, vaultOptions, type CommandContext } from "../context.js";

/** Checks each file; with several, every one is checked before the first failure decides the exit code. */
export async function check(ctx: CommandContext, files: string[]): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const { checkVaultFile } = await import("../../git/check.js");
  const paths = files.length > 0 ? files.map((f) => resolve(io.cwd, f)) : [vaultFileOf(g, io)];
  const failures: [string, VaultfileError][] = [];
  for (const [i, path] of paths.entries()) {
    const shown = files[i] ?? (relative(io.cwd, path) || path);
    try {
      const r = await checkVaultFile(path, vaultOptions(g, io));
      say(io, `ok  ${shown}${r.macVerified ? " (MAC and seal verified)" : " (no key for it: MAC not checked)"}`);
    } catch (err) {
      if (!(err instanceof VaultfileError) || paths.length === 1) throw err;
      failures.push([shown, err]);
      io.stderr.write(`vaultfile: error: ${err.message}\n${err.hint ? `vaultfile: hint: ${err.hint}\n` : ""}`);
    }
  }
  const first = failures[0];
  if (first) throw new VaultfileError(first[1].code, first[1].exitCode, `${failures.length} of ${paths.length} files failed the check: ${failures.map(([f]) => f).join(", ")}`);
  return ExitCode.ok;
}
