/**
 * `vaultfile reseal --vouch REV`: a holder of the old and the new data key vouches for a re-key made outside
 * vaultfile (`sops rotate`): shows what changed since REV (names only), asks (or `--yes`), then appends the custody
 * link and seals the file, so `history --verify` passes (see docs/custody.md).
 */
import { relative } from "node:path";
import { ExitCode, type ExitCodeValue } from "../../errors.js";
import { acquireLock } from "../../io/lock.js";
import { readVaultText, writeVaultText } from "../../io/vault-file.js";
import type { VouchChanges } from "../../git/vouch.js";
import { shown as escaped } from "../../rules/text-safety.js";
import { audit } from "../audit.js";
import { note, out, vaultOptions, vaultToOpen, type CommandContext } from "../context.js";
import { confirmChange, prompter } from "../prompts.js";
import { findKeys } from "../vault-access.js";

export async function vouch(ctx: CommandContext, rev: string, opts: { yes?: boolean }): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  vaultToOpen(g, io);
  const file = relative(io.cwd, g.file) || g.file;
  const { planVouch, versionAt } = await import("../../git/vouch.js");
  const current = readVaultText(g.file);
  const plan = await planVouch(
    current,
    await versionAt(g.file, rev),
    file,
    findKeys(g, io),
    (vaultOptions(g, io).now ?? (() => new Date()))(),
  );
  if (plan.kind !== "vouch") {
    const why =
      plan.kind === "same key"
        ? `has the data key it had at ${rev}: no re-key to vouch for (a stale seal alone: \`vaultfile reseal\`)`
        : `already carries custody from ${rev}`;
    note(io, "note", `${file} ${why}; the file is unchanged`);
    return ExitCode.ok;
  }
  // Without a terminal to ask on (and no --yes), fail before printing a review nobody can answer.
  const ask = opts.yes
    ? undefined
    : prompter(io, `review the changes, then run \`vaultfile reseal --vouch ${rev} --yes\``);
  io.stderr.write(
    `The data key of ${file} was replaced since ${rev} without a custody link (re-keyed outside vaultfile?). Changes since ${rev}:\n\n`,
  );
  for (const line of changeLines(plan.changes)) out(io, line);
  io.stderr.write("\n");
  const question = `Vouch, as a holder of the key at ${rev}, for the new data key and these changes`;
  if (ask && !(await confirmChange(ask, question, "nothing vouched for, the file is unchanged"))) {
    note(io, "note", "nothing vouched for; the file is unchanged");
    return ExitCode.ok;
  }
  const lock = acquireLock(g.file);
  try {
    writeVaultText(g.file, current, plan.text, { warn: vaultOptions(g, io).warn });
  } finally {
    lock.release();
  }
  const c = plan.changes;
  audit(io, g, "reseal --vouch", [...new Set([...c.added, ...c.removed, ...c.changedValues])]);
  io.stderr.write(`vouched for the data key of ${file} (custody link from ${rev}) and resealed it\n`);
  return ExitCode.ok;
}

/** The review: one line per change, names and public keys only. */
function changeLines(c: VouchChanges): string[] {
  const rows: [string, string[]][] = [
    ["secrets added", c.added],
    ["secrets removed", c.removed],
    ["values changed", c.changedValues],
    ["recipients added", c.recipientsAdded],
    ["recipients removed", c.recipientsRemoved],
  ];
  const lines = rows
    .filter(([, names]) => names.length > 0)
    .map(([what, names]) => `  ${what}: ${names.map((n) => escaped(n)).join(", ")}`);
  return lines.length > 0 ? lines : ["  no secret or recipient changed (only the data key)"];
}
