/**
 * `vaultfile reseal`: accepts a file whose sops MAC is valid but whose name seal is missing or stale (last saved by
 * plain sops, or key names edited), after a person reviewed its names and metadata. Values are not shown.
 */
import { isMap, parseDocument, type YAMLMap } from "yaml";
import { ExitCode, type ExitCodeValue } from "../../errors.js";
import { SOPS_KEY } from "../../format/yaml.js";
import { audit } from "../audit.js";
import { note, out, type CommandContext } from "../context.js";
import { confirmChange, prompter } from "../prompts.js";
import { readVault } from "../vault-access.js";
import { readVaultText } from "../../io/vault-file.js";

/** The file as it is on disk, without the sops block and with each secret's value replaced by a marker. */
export function reviewText(fileText: string): string {
  const doc = parseDocument(fileText);
  const root = doc.contents;
  if (!isMap(root)) return "";
  root.delete(SOPS_KEY);
  const secrets = root.get("secrets", true);
  if (isMap(secrets)) {
    for (const p of (secrets as YAMLMap).items)
      if (isMap(p.value) && p.value.has("value")) p.value.set("value", "<encrypted>");
  }
  return doc.toString();
}

export async function reseal(ctx: CommandContext, opts: { yes?: boolean; vouch?: string }): Promise<ExitCodeValue> {
  if (opts.vouch !== undefined) return (await import("./vouch.js")).vouch(ctx, opts.vouch, opts);
  const { io, globals: g } = ctx;
  const vault = await readVault(g, io, { acceptStaleSeal: true, editable: true });
  if (vault.sealState === "valid") {
    io.stderr.write(`${g.file} is already sealed; nothing to do\n`);
    return ExitCode.ok;
  }
  // Without a terminal to ask on (and no --yes), fail before printing a review nobody can answer.
  const ask = opts.yes
    ? undefined
    : prompter(io, "review the file (`vaultfile decrypt`), then run `vaultfile reseal --yes`");
  io.stderr.write(`${g.file} has a valid sops MAC but no valid vaultfile seal. Review its names and metadata:\n\n`);
  out(io, reviewText(readVaultText(g.file)).trimEnd());
  io.stderr.write("\n");
  const question = "Are these names and metadata as intended? Reseal the file";
  if (ask && !(await confirmChange(ask, question, "not resealed, the file is unchanged"))) {
    note(io, "note", "not resealed; the file is unchanged");
    return ExitCode.ok;
  }
  vault.touch();
  await vault.save();
  audit(io, g, "reseal", vault.list());
  io.stderr.write(`resealed ${g.file}\n`);
  return ExitCode.ok;
}
