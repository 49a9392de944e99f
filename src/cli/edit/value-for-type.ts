/**
 * A new value in the edit menu, held to its secret's type as `set` and `rotate` hold theirs: a value that does
 * not fit is refused with the type's message (never the value), and the person gives another, stores it anyway
 * (what `--force` does for `set`) or cancels. The generator offered is the type's own, as for a bare `--generate`.
 */
import { UsageError } from "../../errors.js";
import type { TypeCatalogue } from "../../types/catalogue.js";
import type { SecretType } from "../../types/definition.js";
import { note, type CliIO } from "../context.js";
import { DEFAULT_GENERATE_SPEC, generateValue } from "../input.js";
import type { Prompter } from "../prompts.js";
import { generateForType } from "../type-input.js";
import { askNewValue, ValueNotConfirmed } from "./answers.js";

/** The `--generate` SPEC for values of `type`, or `null` when they come from a provider (pypi, npm, github, …). */
export function generatorFor(type: SecretType | undefined): string | null {
  try {
    const spec = generateForType({ generate: true }, type).generate;
    return typeof spec === "string" ? spec : DEFAULT_GENERATE_SPEC;
  } catch (err) {
    if (err instanceof UsageError) return null;
    throw err;
  }
}

/**
 * Asks for a new value of secret `name` (typed twice, or generated when the type has a generator) until it fits
 * the type `typeId` or the person chooses to store it anyway. Throws {@link ValueNotConfirmed} on cancel. An
 * unknown type is not checked (`validate` reports it).
 */
export async function askValueForType(
  ui: Prompter,
  io: CliIO,
  catalogue: TypeCatalogue,
  name: string,
  typeId: string,
): Promise<string> {
  const spec = generatorFor(catalogue.get(typeId));
  for (;;) {
    const value = await typedOrGenerated(ui, io, name, spec);
    const finding = catalogue.check(name, typeId, value);
    if (!finding) return value;
    const next = await ui.select(`${finding.message}. What now?`, [
      { name: "enter another value", value: "again" },
      { name: "store it anyway (as `vaultfile set --force` does)", value: "force" },
      { name: "cancel (no change)", value: "cancel" },
    ]);
    if (next === "cancel") throw new ValueNotConfirmed();
    if (next === "force") {
      note(io, "warning", `${finding.message} (stored anyway)`);
      return value;
    }
  }
}

/** Typed twice with masked input, or generated with `spec`; only typed when the type has no generator. */
async function typedOrGenerated(ui: Prompter, io: CliIO, name: string, spec: string | null): Promise<string> {
  if (spec === null) return askNewValue(ui, name);
  const how = await ui.select(`New value for ${name}:`, [
    { name: "type it (hidden)", value: "type" },
    {
      name: `generate a random one (${spec === DEFAULT_GENERATE_SPEC ? "32 letters and digits" : spec})`,
      value: "generate",
    },
  ]);
  if (how === "type") return askNewValue(ui, name);
  const value = generateValue(spec);
  note(io, "note", `generated a new value for ${name}; pick "show value" to see it`);
  return value;
}
