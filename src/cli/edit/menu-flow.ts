/** `vaultfile edit` on a terminal: the menu session, saved once at the end under the vault's lock. */
import { ExitCode } from "../../errors.js";
import { audit } from "../audit.js";
import type { CliIO, GlobalOptions } from "../context.js";
import { countOf, painter } from "../output.js";
import { isPromptAbort, prompter } from "../prompts.js";
import { changeVault } from "../vault-access.js";
import { EditMenu } from "./menu.js";
import { notWritten, saved } from "./outcome.js";

/** Thrown out of the locked section so that nothing is saved. */
class Discarded extends Error {}

export const NO_TERMINAL_HINT =
  "without a terminal, use `vaultfile edit --editor` with a scripted EDITOR, or `vaultfile set` / `vaultfile rotate` with --stdin or --generate";

/** Runs the menu over the vault; saves once if the person chose "save and quit" and changed something. */
export async function editWithMenu(g: GlobalOptions, io: CliIO): Promise<number> {
  const ui = prompter(io, NO_TERMINAL_HINT); // before the lock: without a terminal, fail at once
  let menu: EditMenu | undefined;
  try {
    await changeVault(g, io, async (vault) => {
      menu = new EditMenu(vault, ui, io, painter(g.color), (name) => audit(io, g, "edit show", [name]));
      if ((await menu.run()) === "discard") throw new Discarded();
    });
  } catch (err) {
    const unsaved = menu?.changes.length ?? 0;
    if (err instanceof Discarded)
      return notWritten(
        io,
        g.file,
        unsaved > 0 ? `quit without saving: ${countOf(unsaved, "change")} discarded` : "nothing changed",
      );
    if (isPromptAbort(err))
      return notWritten(
        io,
        g.file,
        unsaved > 0 ? `interrupted: ${countOf(unsaved, "unsaved change")} discarded` : "interrupted",
        "SIGINT",
      );
    throw err;
  }
  if (menu!.changes.length === 0) return notWritten(io, g.file, "nothing changed");
  audit(io, g, "edit", [...menu!.touched]);
  saved(io, g.file, menu!.changes);
  return ExitCode.ok;
}
