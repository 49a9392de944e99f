/**
 * What `set` and `rotate` do with a secret's type: check the new value against it (an error, or a warning with
 * `--force`), pick the type's generator for a bare `--generate`, apply its default rotation policy to a new secret,
 * and remind about companions. No message here contains a value.
 */
import { InvalidInputError, UsageError } from "../errors.js";
import type { SecretType } from "../types/definition.js";
import { closestNames } from "../rules/suggest.js";
import type { Vault } from "../vault/vault.js";
import { note, type CliIO, type GlobalOptions } from "./context.js";
import type { ValueSourceOptions } from "./input.js";
import { readVault } from "./vault-access.js";

/** Where a new value comes from (`; to get a new one: https://…`), or nothing when the type says nowhere. */
export function rotateAtText(rotateAt: string | null): string {
  return rotateAt ? `; to get a new one: ${rotateAt}` : "";
}

/**
 * Refuses a value that does not fit the type `typeId` (exit 6), or with `force` warns and lets it through. An
 * unknown type is only a warning: the value cannot be checked. Runs inside the vault update, so a refusal leaves
 * the file unchanged.
 */
export function enforceType(
  io: CliIO,
  vault: Vault,
  name: string,
  typeId: string,
  value: string,
  force: boolean,
): void {
  const catalogue = vault.typeCatalogue();
  const type = catalogue.get(typeId);
  if (!type) {
    const close = closestNames(
      typeId,
      catalogue.list().map((t) => t.id),
    );
    note(
      io,
      "warning",
      `type ${typeId} is neither built in nor declared in the file, so the value of ${name} is not checked${close.length > 0 ? ` (did you mean ${close.join(" or ")}?)` : ""}; see \`vaultfile type list\``,
    );
    return;
  }
  const finding = catalogue.check(name, typeId, value);
  if (!finding) return;
  if (!force) {
    throw new InvalidInputError("E_VALUE", `${finding.message}; nothing was changed`, {
      hint: `check that you copied the whole value, or pass --force to store it anyway${rotateAtText(catalogue.rotationOf(name, type.id).rotateAt)}`,
    });
  }
  note(io, "warning", `${finding.message} (stored anyway: --force)`);
}

/**
 * The value options with a bare `--generate` turned into the type's generator. A type whose values come from a
 * provider (pypi, github, …) has none: generating one would only make a value the provider rejects. Nor has a
 * custom type: the default alphabet would not match its pattern, so it is refused before anything is generated.
 */
export function generateForType(opts: ValueSourceOptions, type: SecretType | undefined): ValueSourceOptions {
  if (opts.generate !== true || !type || type.id === "generic") return opts;
  if (type.generate !== null) return { ...opts, generate: type.generate };
  if (type.source === "file") {
    throw new UsageError(`type ${type.id} has no generator; pass a SPEC, e.g. --generate=alnum:32`, {
      hint: `choose a SPEC whose values match the type's pattern ${type.pattern ?? ""}`.trimEnd(),
    });
  }
  throw new UsageError(`--generate cannot make a ${type.id} value: they come from the provider`, {
    hint: `create one at ${type.rotateAt ?? "the provider"}, then pass it with --stdin`,
  });
}

/**
 * For a bare `--generate`: the value options with the type's generator. Opens the vault (read-only) to learn the
 * type of an existing secret and the file's custom types; other sources are returned as they are.
 */
export async function valueOptionsForType<T extends ValueSourceOptions>(
  g: GlobalOptions,
  io: CliIO,
  opts: T,
  name: string,
  typeFlag?: string,
): Promise<T> {
  if (opts.generate !== true) return opts;
  const vault = await readVault(g, io);
  const typeId = typeFlag ?? (vault.has(name) ? vault.get(name).type : undefined);
  return { ...opts, ...generateForType(opts, typeId === undefined ? undefined : vault.typeCatalogue().get(typeId)) };
}

/** The default rotation policy of a new secret's type, when the command gave none. */
export function defaultRotation(
  vault: Vault,
  name: string,
  typeId: string | undefined,
  given: string | undefined,
  isNew: boolean,
): string | undefined {
  if (given !== undefined || !isNew || typeId === undefined) return given;
  return vault.typeCatalogue().rotationOf(name, typeId).rotateEvery ?? undefined;
}

/** After `set`: the companions of `name` that are missing. After `rotate`: those present, which may need it too. */
export function companionNotes(vault: Vault, name: string, after: "set" | "rotate"): string[] {
  const catalogue = vault.typeCatalogue();
  const typeId = vault.get(name).type;
  const present = new Set(vault.list());
  if (after === "set") return catalogue.missingCompanions(name, typeId, present).map((f) => f.message);
  return catalogue
    .presentCompanions(name, typeId, present)
    .map((other) => `${other} goes with ${name} (${typeId}): if it changed too, run \`vaultfile rotate ${other}\``);
}
