/**
 * `vaultfile edit --editor`: the decrypted view in $VISUAL/$EDITOR, the differences applied through the library
 * (so only changed values get new ciphertext), saved once under the vault's lock.
 */
import { basename } from "node:path";
import { ExitCode, FormatError, VaultfileError } from "../../errors.js";
import { refuseCodeLoadingNames } from "../../rules/env-danger.js";
import { audit } from "../audit.js";
import type { Vault } from "../../vault/vault.js";
import { note, type CliIO, type GlobalOptions } from "../context.js";
import { canPrompt, isPromptAbort, prompter } from "../prompts.js";
import { changeVault, myPublicKeys } from "../vault-access.js";
import { parseView, renderView, viewOf, type EditView } from "./editable-view.js";
import { EditInterrupted, SignalGuard } from "./launch-editor.js";
import { applyChanges, describeChange, planChanges, typeMismatches, type TypeMismatch } from "./plan.js";
import { notWritten, saved } from "./outcome.js";
import { createPrivateTemp } from "./private-temp.js";

type Result =
  | { kind: "saved"; changes: string[]; names: string[]; exposed: string[]; forced: TypeMismatch[] }
  | { kind: "unchanged" }
  | { kind: "aborted"; why: string };

/** `force`: store values that do not match their type, with a warning each (`edit --editor --force`). */
export async function editInEditor(
  g: GlobalOptions,
  io: CliIO,
  opts: { force?: boolean; allowName?: string[] | undefined } = {},
): Promise<number> {
  let result: Result;
  const mine = await myPublicKeys(g, io);
  try {
    result = await changeVault(g, io, (vault) =>
      editSession(g, io, vault, mine, opts.force === true, opts.allowName ?? []),
    );
  } catch (err) {
    if (err instanceof EditInterrupted) return notWritten(io, g.file, `interrupted (${err.signal})`, err.signal);
    if (isPromptAbort(err)) return notWritten(io, g.file, "interrupted", "SIGINT");
    throw err;
  }
  if (result.kind === "unchanged") return notWritten(io, g.file, "nothing changed");
  if (result.kind === "aborted") return notWritten(io, g.file, result.why);
  audit(io, g, "edit --editor", result.names);
  for (const m of result.forced)
    note(io, "warning", `${m.message} (${m.line === undefined ? "" : `line ${m.line}; `}stored anyway: --force)`);
  saved(io, g.file, result.changes);
  if (result.exposed.length > 0)
    note(io, "hint", `the removed recipient could read ${result.exposed.join(", ")}; rotate them at their source`);
  return ExitCode.ok;
}

/** Inside the lock: the editor loop. The vault is changed only once the edited text is valid. */
async function editSession(
  g: GlobalOptions,
  io: CliIO,
  vault: Vault,
  mine: ReadonlySet<string>,
  force: boolean,
  allowName: readonly string[],
): Promise<Result> {
  const before = viewOf(vault);
  audit(io, g, "edit --editor show", vault.list()); // every value is about to be shown in clear
  const text = renderView(before, g.file);
  const temp = createPrivateTemp(
    basename(g.file)
      .replace(/^\.+/, "")
      .replace(/(\.ya?ml)?$/, ".yaml"),
    text,
  );
  const guard = new SignalGuard(() => temp.remove(), io.stdin.isTTY === true);
  try {
    for (;;) {
      await guard.runEditor(temp.file, io.env);
      const edited = temp.read();
      if (edited === text) return { kind: "unchanged" };
      let changes: ReturnType<typeof planChanges>;
      let forced: TypeMismatch[];
      try {
        const after = parseView(edited);
        keepsMyKey(before, after, mine);
        refuseNewCodeLoadingNames(before, after, allowName);
        changes = planChanges(before, after, vault);
        forced = typeMismatches(before, after, vault.typeCatalogue());
        const first = forced[0];
        if (first && !force) throw mismatchError(first, forced.length);
      } catch (err) {
        if (!(err instanceof FormatError) || !canPrompt(io)) throw err;
        io.stderr.write(`vaultfile: error: ${err.message}\n`);
        if (err.hint) note(io, "hint", err.hint);
        const next = await prompter(io, "").select("The edited file has an error. What now?", [
          { name: "reopen the editor to fix it", value: "reopen" },
          { name: "abort (the vault stays as it was)", value: "abort" },
        ]);
        if (next === "abort") return { kind: "aborted", why: "aborted" };
        continue;
      }
      if (changes.length === 0) return { kind: "unchanged" };
      const exposed = await applyChanges(vault, changes);
      const names = [...new Set(changes.flatMap((c) => ("names" in c ? c.names : [c.name])))];
      return { kind: "saved", changes: changes.map(describeChange), names, exposed, forced };
    }
  } finally {
    guard.dispose();
    temp.remove();
  }
}

/** A value that does not fit its type, reported like any other invalid field (as `set` refuses it without --force). */
function mismatchError(first: TypeMismatch, count: number): FormatError {
  const more = count > 1 ? ` (${count - 1} more ${count === 2 ? "value does" : "values do"} not match either)` : "";
  return new FormatError(first.message, {
    line: first.line,
    hint: `check that you copied the whole value${more}, or run \`vaultfile edit --editor --force\` to store such values anyway`,
  });
}

/** New secrets named like PATH or NODE_OPTIONS are refused (as by `set`) unless `--allow-name`; the editor can reopen. */
function refuseNewCodeLoadingNames(before: EditView, after: EditView, allowName: readonly string[]): void {
  try {
    refuseCodeLoadingNames(
      [...after.secrets.keys()].filter((n) => !before.secrets.has(n)),
      allowName,
      "store",
      (n) => `run \`vaultfile edit --editor --allow-name ${n}\` if that is what you mean`,
    );
  } catch (err) {
    if (!(err instanceof VaultfileError)) throw err;
    throw new FormatError(err.message, { hint: err.hint });
  }
}

/**
 * Refuses an edit that removes every key the caller has (they could not open the vault again), as
 * `recipients remove` does without --force. Skipped when the caller's keys were not among the recipients anyway.
 */
function keepsMyKey(before: EditView, after: EditView, mine: ReadonlySet<string>): void {
  const had = [...before.recipients.values()].some((k) => mine.has(k));
  const keeps = [...after.recipients.values()].some((k) => mine.has(k));
  if (had && !keeps) {
    throw new FormatError("none of the remaining recipients is your key: you could no longer open the vault", {
      line: after.lines.get("recipients"),
      hint: "keep your own entry under recipients; ask another recipient to remove you (`vaultfile recipients remove --force` if you mean it)",
    });
  }
}
