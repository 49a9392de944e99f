/** `vaultfile edit`: change secrets by hand, in a menu or in $EDITOR. The flows live in `cli/edit/`. */
import type { Command } from "commander";
import { globalsOf, type CliIO } from "../context.js";

export function register(program: Command, io: CliIO): void {
  program
    .command("edit")
    .description("edit secrets interactively: a menu on a terminal, or the decrypted YAML in $EDITOR (--editor)")
    .option("--editor", "open the decrypted vault (values in clear) in $VISUAL / $EDITOR (default vi) instead of the menu")
    .addHelpText(
      "after",
      [
        "",
        "Changes are saved once, atomically, when you choose \"save and quit\" (menu) or save and close the editor;",
        "Ctrl-C or quitting without saving leaves the file untouched. Exit code 9 when nothing was written.",
        "The --editor file is created 0600 in a private directory (in /dev/shm when available) and removed afterwards.",
        "",
        "Examples:",
        "  vaultfile edit",
        "  EDITOR=nano vaultfile edit --editor",
      ].join("\n"),
    )
    .action(async (opts: { editor?: boolean }, cmd: Command) => {
      const g = globalsOf(cmd, io);
      if (opts.editor) {
        const { editInEditor } = await import("../edit/editor-flow.js");
        await editInEditor(g, io);
      } else {
        const { editWithMenu } = await import("../edit/menu-flow.js");
        await editWithMenu(g, io);
      }
    });
}
