/** `vaultfile history [NAME]`: additions, rotations and removals of secrets, from the vault file's git log. */
import { shown as escaped } from "../../rules/text-safety.js";
import { existsSync } from "node:fs";
import { relative } from "node:path";
import {
  ExitCode,
  NoIdentityError,
  NotFoundError,
  UsageError,
  VaultfileError,
  WrongKeyError,
  type ExitCodeValue,
} from "../../errors.js";
import { out, say, vaultFileOf, vaultOptions, vaultToOpen, type CommandContext } from "../context.js";
import { painter, table } from "../output.js";

export async function history(
  ctx: CommandContext,
  name: string | undefined,
  opts: { exposure?: boolean; verify?: boolean; since?: string } = {},
): Promise<ExitCodeValue> {
  if (opts.since !== undefined && !opts.verify) throw new UsageError("--since goes with --verify");
  if (opts.verify) return verify(ctx, opts.since);
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
    if (name !== undefined)
      throw new NotFoundError(`no commit of ${shown} changes a secret named ${name}`, {
        hint: "run `vaultfile history` to list every secret's history",
      });
    io.stderr.write(`no secret changes in the git history of ${shown}\n`);
    return ExitCode.ok;
  }
  const p = painter(g.color);
  const rows = events.map((e) =>
    [e.date.slice(0, 10), e.commit.slice(0, 8), e.author, e.name, eventLabel(e), e.expiresAt?.slice(0, 10) ?? "-"].map(
      (c) => escaped(c),
    ),
  );
  for (const line of table([["DATE", "COMMIT", "AUTHOR", "SECRET", "EVENT", "EXPIRES"].map(p.bold), ...rows]))
    say(io, line);
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
    io.stderr.write(
      `no recipient was removed${name === undefined ? "" : ` while ${name} existed`} in the git history of ${shown}\n`,
    );
    return ExitCode.ok;
  }
  const p = painter(g.color);
  removals.forEach((r, i) => {
    if (i > 0) out(io);
    const open = r.secrets.filter((s) => s.rotated === null && !s.deleted).length;
    out(
      io,
      `${r.recipient} removed ${r.date.slice(0, 10)} in ${r.commit.slice(0, 8)} (${r.author}): ${open === 0 ? p.green("every secret rotated since") : p.red(`${open} of ${r.secrets.length} not rotated since`)}`,
    );
    const rows = r.secrets.map((s) => [
      s.name,
      s.rotated
        ? p.green(`rotated ${s.rotated.date.slice(0, 10)} in ${s.rotated.commit.slice(0, 8)}`)
        : s.deleted
          ? `deleted ${s.deleted.date.slice(0, 10)} in ${s.deleted.commit.slice(0, 8)}`
          : p.red("NOT ROTATED"),
    ]);
    for (const line of table(rows)) out(io, `  ${line}`);
  });
  return ExitCode.ok;
}

/**
 * The chain of custody of `file` (the vault by default), oldest first: the one check behind `history --verify`,
 * `validate --since` and `check --since`. Prints the table (`--json`: the report) on stdout. Exit 5 (thrown) at the
 * first break; exit 4 (thrown) when there is no key, or none of the versions walked opens with it: an unverified
 * chain never passes as a verified one.
 */
export async function verify(
  ctx: CommandContext,
  since: string | undefined,
  file = ctx.globals.file,
): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const [{ verifyCustody }, { findIdentities }] = await Promise.all([
    import("../../git/custody-verify.js"),
    import("../../io/keys.js"),
  ]);
  // The key lookup of every command (a passphrase asked on a terminal), not a narrower one.
  const keys = findIdentities(vaultOptions(g, io));
  const shownFile = relative(io.cwd, file) || file;
  if (keys.identities.length === 0) {
    throw new NoIdentityError(`cannot verify the chain of custody of ${shownFile} without a key`, {
      hint: `looked in: ${keys.searched.join("; ")}. Set VAULTFILE_AGE_KEY (in CI: from a secret) or pass --identity`,
    });
  }
  const report = await verifyCustody(file, keys, since);
  if (g.json) out(io, JSON.stringify(report, null, 2));
  else {
    const p = painter(g.color);
    const label = {
      ok: p.green("ok"),
      unchanged: "ok",
      break: p.red("BREAK"),
      unverifiable: p.yellow("not verifiable"),
    } as const;
    const rows = report.versions.map((v) => [
      v.date.slice(0, 10),
      v.commit.slice(0, 8),
      v.author,
      label[v.kind],
      v.detail,
    ]);
    if (rows.length > 0)
      for (const line of table([["DATE", "COMMIT", "AUTHOR", "CUSTODY", "DETAIL"].map(p.bold), ...rows])) out(io, line);
    const unverifiable = report.versions.filter((v) => v.kind === "unverifiable").length;
    if (unverifiable > 0)
      io.stderr.write(
        `vaultfile: warning: ${unverifiable} version(s) not verifiable with your key (before you were a recipient?)\n`,
      );
  }
  const broken = report.versions.find((v) => v.kind === "break");
  if (broken) {
    throw new VaultfileError(
      "E_CUSTODY",
      ExitCode.integrity,
      `custody breaks at ${broken.commit.slice(0, 8)} by ${broken.author}: ${broken.detail}`,
      {
        hint: "that version was not written by a holder of the previous data key; do not merge it (see SECURITY.md, chain of custody)",
      },
    );
  }
  const changed = report.versions.filter((v) => v.kind !== "unchanged");
  if (changed.length > 0 && changed.every((v) => v.kind === "unverifiable")) {
    throw new WrongKeyError(
      `none of your keys opens a version of ${shownFile}${since === undefined ? "" : ` since ${since}`}: the chain of custody is not verified`,
      { hint: "use the key of a recipient of the vault (`vaultfile recipients` lists them)" },
    );
  }
  return ExitCode.ok;
}

/** {@link verify} as a gate before other checks (`validate --since`, `check --since`): its table goes to stderr. */
export async function custodyGate(ctx: CommandContext, since: string, file = ctx.globals.file): Promise<void> {
  await verify(
    { ...ctx, globals: { ...ctx.globals, json: false }, io: { ...ctx.io, stdout: ctx.io.stderr } },
    since,
    file,
  );
}
