/** `vaultfile history [NAME]`: additions, rotations and removals of secrets, from the vault file's git log. */
import { shown as escaped } from "../../rules/text-safety.js";
import { existsSync } from "node:fs";
import { relative } from "node:path";
import { ExitCode, NotFoundError, type ExitCodeValue } from "../../errors.js";
import { out, say, type CommandContext } from "../context.js";
import { painter, table } from "../output.js";

export async function history(ctx: CommandContext, name: string | undefined): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const { eventLabel, secretHistory } = await import("../../git/history.js");
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
    return ExitCode.ok;
  }
  if (events.length === 0) {
    if (name !== undefined) throw new NotFoundError(`no commit of ${shown} changes a secret named ${name}`, { hint: "run `vaultfile history` to list every secret's history" });
    io.stderr.write(`no secret changes in the git history of ${shown}\n`);
    return ExitCode.ok;
  }
  const p = painter(g.color);
  const rows = events.map((e) => [e.date.slice(0, 10), e.commit.slice(0, 8), e.author, e.name, eventLabel(e), e.expiresAt?.slice(0, 10) ?? "-"].map((c) => escaped(c)));
  for (const line of table([["DATE", "COMMIT", "AUTHOR", "SECRET", "EVENT", "EXPIRES"].map(p.bold), ...rows])) say(io, line);
  return ExitCode.ok;
}
