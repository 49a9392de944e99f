/** `vaultfile edit`: change secrets by hand, in a menu or in $EDITOR. The flows live in `cli/edit/`. */
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { globalsOf, type CliIO } from "../context.js";

export function register(program: Command, io: CliIO): void {
  program
    .command("edit")
    .description("edit secrets interactively: a menu on a terminal, or the decrypted YAML in $EDITOR (--editor)")
    .option("--editor", "open the decrypted vault (values in clear) in $VISUAL / $EDITOR (default vi) instead of the menu")
    .option("--force", "with --editor: store values that do not match their type (a warning instead of an error)")
    .addHelpText(
      "after",
      [
        "",
        "Changes are saved once, atomically, when you choose \"save and quit\" (menu) or save and close the editor;",
        "Ctrl-C or quitting without saving leaves the file untouched. Exit code 9 when nothing was written.",
        "The --editor file is created 0600 in a private directory (in /dev/shm when available) and removed afterwards.",
        "A new or changed value must match its type (`vaultfile type list`), as for `set`: the menu asks whether to",
        "store it anyway; --editor reports it as an invalid field unless --force is given.",
        "",
        "Examples:",
        "  vaultfile edit",
        "  EDITOR=nano vaultfile edit --editor",
      ].join("\n"),
    )
    .action(async (opts: { editor?: boolean; force?: boolean }, cmd: Command) => {
      const g = globalsOf(cmd, io);
      if (opts.editor) {
        const { editInEditor } = await import("../edit/editor-flow.js");
        await editInEditor(g, io, { force: opts.force === true });
      } else {
        if (opts.force) throw new UsageError("--force applies only to --editor", { hint: "the menu asks before it stores a value that does not match its type" });
        const { editWithMenu } = await import("../edit/menu-flow.js");
        await editWithMenu(g, io);
      }
    });
}
