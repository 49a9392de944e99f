/** `vaultfile history [NAME]`: additions, rotations and removals of secrets, from the vault file's git log. */
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { relative } from "node:path";
import { NotFoundError } from "../../errors.js";
import { globalsOf, out, type CliIO } from "../context.js";
import { painter, table } from "../output.js";

export function register(program: Command, io: CliIO): void {
  program
    .command("history")
    .description("when each secret was added, rotated, updated or removed, by which commit and author, with its new expiry (from git log; no key needed)")
    .argument("[name]", "only this secret")
    .addHelpText("after", "\nExamples:\n  vaultfile history\n  vaultfile history PYPI_TOKEN --json\n\nOldest first. `re-encrypted` marks values that only changed because a removed recipient rolled the data key.")
    .action(async (name: string | undefined, _opts: unknown, cmd: Command) => {
      const g = globalsOf(cmd, io);
      const { secretHistory } = await import("../../git/history.js");
      const all = await secretHistory(g.file).catch((err: unknown) => {
        if (existsSync(g.file)) throw err;
        return []; // no repository or no commits yet: the missing file is the problem to report
      });
      if (all.length === 0 && !existsSync(g.file)) {
        // Neither in the work tree nor in git's history (e.g. run in a subfolder): fail as `status` does (exit 3).
        const { readVaultText } = await import("../../vault/vault.js");
        readVaultText(g.file);
      }
      const events = name === undefined ? all : all.filter((e) => e.name === name);
      const shown = relative(io.cwd, g.file) || g.file;
      if (g.json) {
        out(io, JSON.stringify(events, null, 2));
        return;
      }
      if (events.length === 0) {
        if (name !== undefined) throw new NotFoundError(`no commit of ${shown} changes a secret named ${name}`, { hint: "run `vaultfile history` to list every secret's history" });
        io.stderr.write(`no secret changes in the git history of ${shown}\n`);
        return;
      }
      const p = painter(g.color);
      const rows = events.map((e) => [e.date.slice(0, 10), e.commit.slice(0, 8), e.author, e.name, e.fields ? `${e.event} (${e.fields.join(", ")})` : e.event, e.expiresAt?.slice(0, 10) ?? "-"]);
      for (const line of table([["DATE", "COMMIT", "AUTHOR", "SECRET", "EVENT", "EXPIRES"].map(p.bold), ...rows])) out(io, line);
    });
}
