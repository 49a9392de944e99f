/** `vaultfile edit`: change secrets by hand, in a menu or in $EDITOR. The flows live in `cli/edit/`. */
import { UsageError } from "../../errors.js";
import type { CommandContext } from "../context.js";

export interface EditOptions {
  editor?: boolean;
  force?: boolean;
  /** With --editor: new secrets named like PATH or NODE_OPTIONS that the user means to store. */
  allowName?: string[];
}

/** Exit 9 (nothingChanged) when the session ended without writing the file. */
export async function edit(ctx: CommandContext, opts: EditOptions): Promise<number> {
  const { io, globals: g } = ctx;
  if (opts.editor) {
    const { editInEditor } = await import("../edit/editor-flow.js");
    return editInEditor(g, io, { force: opts.force === true, allowName: opts.allowName });
  }
  if (opts.force)
    throw new UsageError("--force applies only to --editor", {
      hint: "the menu asks before it stores a value that does not match its type",
    });
  const { editWithMenu } = await import("../edit/menu-flow.js");
  return editWithMenu(g, io);
}
