/** `vaultfile history [NAME]`: additions, rotations and removals of secrets, from the vault file's git log. */
import { existsSync } from "node:fs";
import { relative } from "node:path";
import { ExitCode, NotFoundError, type ExitCodeValue } from "../../errors.js";
import { out, vaultFileOf, vaultToOpen, type CommandContext } from "../context.js";
import { painter, table } from "../output.js";

export async function history(ctx: CommandContext, name: string | undefined, opts: { exposure?: boolean } = {}): Promise<ExitCodeValue> {
  if (opts.exposure) return exposure(ctx, name);
  const { io, globals: g } = ctx;
  vaultFileOf(g, io);
  const { eventLabel, secretHistory } = await import("../../git/history.js");
  const all = await secretHistory(g.file).catch((err: unknown) => {
    if (existsSync(g.file)) throw err;
    return []; // no repository or no commits yet: the missing file is the problem to report
  });
  if (all.length === 0 && !existsSync(g.file)) {
    // Neither in the work tree nor in git's history (e.g. run in a subfolder): fail as `status` does (exit 3).
    vaultToOpen(g, io);
    const { readVaultText } = await import("../../io/vault-file.js");
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
  const rows = events.map((e) => [e.date.slice(0, 10), e.commit.slice(0, 8), e.author, e.name, eventLabel(e), e.expiresAt?.slice(0, 10) ?? "-"]);
  for (const line of table([["DATE", "COMMIT", "AUTHOR", "SECRET", "EVENT", "EXPIRES"].map(p.bold), ...rows])) out(io, line);
  return ExitCode.ok;
}

/** `history --exposure`: per removed recipient, what they could read and whether it was rotated since. */
async function exposure(ctx: CommandContext, name: string | undefined): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const { exposureHistory } = await import("../../git/exposure-history.js");
  const removals = await exposureHistory(g.file, name);
  if (g.json) {
    out(io, JSON.stringify(removals, null, 2));
    return ExitCode.ok;
  }
  const shown = relative(io.cwd, g.file) || g.file;
  if (removals.length === 0) {
    io.stderr.write(`no recipient was removed${name === undefined ? "" : ` while ${name} existed`} in the git history of ${shown}\n`);
    return ExitCode.ok;
  }
  const p = painter(g.color);
  removals.forEach((r, i) => {
    if (i > 0) out(io);
    const open = r.secrets.filter((s) => s.rotated === null && !s.deleted).length;
    out(io, `${r.recipient} removed ${r.date.slice(0, 10)} in ${r.commit.slice(0, 8)} (${r.author}): ${open === 0 ? p.green("every secret rotated since") : p.red(`${open} of ${r.secrets.length} not rotated since`)}`);
    const rows = r.secrets.map((s) => [s.name, s.rotated ? p.green(`rotated ${s.rotated.date.slice(0, 10)} in ${s.rotated.commit.slice(0, 8)}`) : s.deleted ? `deleted ${s.deleted.date.slice(0, 10)} in ${s.deleted.commit.slice(0, 8)}` : p.red("NOT ROTATED")]);
    for (const line of table(rows)) out(io, `  ${line}`);
  });
  return ExitCode.ok;
}
