/** `vaultfile check [FILE…]`: the pre-commit / CI check that vault files hold no plaintext and are intact. */
import type { Command } from "commander";
import { relative, resolve } from "node:path";
import { VaultfileError } from "../../errors.js";
import { globalsOf, out, vaultOptions, type CliIO } from "../context.js";

export function register(program: Command, io: CliIO): void {
  program
    .command("check")
    .description("check vault files for a commit: they parse, every value is encrypted, recipients match; with a key also MAC and seal")
    .argument("[files...]", "vault files (default: -f or .secrets.yaml)")
    .addHelpText(
      "after",
      "\nExamples:\n  vaultfile check\n  vaultfile check .secrets.yaml .secrets.prod.yaml\n\nA plaintext value fails with exit 6, a bad MAC or recipient list with 5, a leftover merge conflict with 8.\nWithout a key (or with one that does not open the file) the MAC is not checked, and the output says so.",
    )
    .action(async (files: string[], _opts: unknown, cmd: Command) => {
      const g = globalsOf(cmd, io);
      const { checkVaultFile } = await import("../../git/check.js");
      const paths = files.length > 0 ? files.map((f) => resolve(io.cwd, f)) : [g.file];
      const failures: [string, VaultfileError][] = [];
      for (const [i, path] of paths.entries()) {
        const shown = files[i] ?? (relative(io.cwd, path) || path);
        try {
          const r = await checkVaultFile(path, vaultOptions(g, io));
          out(io, `ok  ${shown}${r.macVerified ? " (MAC and seal verified)" : " (no key for it: MAC not checked)"}`);
        } catch (err) {
          if (!(err instanceof VaultfileError) || paths.length === 1) throw err;
          failures.push([shown, err]);
          io.stderr.write(`vaultfile: error: ${err.message}\n${err.hint ? `vaultfile: hint: ${err.hint}\n` : ""}`);
        }
      }
      const first = failures[0];
      if (first) throw new VaultfileError(first[1].code, first[1].exitCode, `${failures.length} of ${paths.length} files failed the check: ${failures.map(([f]) => f).join(", ")}`);
    });
}
