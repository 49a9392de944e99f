/**
 * `vaultfile type list | add NAME --pattern RE … | rm NAME`: the catalogue of secret types. Built-in types come
 * with the tool; custom ones live in the vault file under `types:`, covered by its MAC like everything else.
 */
import { shown } from "../../rules/text-safety.js";
import { ConflictError, ExitCode, NotFoundError, UsageError, type ExitCodeValue } from "../../errors.js";
import { TypeCatalogue } from "../../types/catalogue.js";
import { customTypeEntry } from "../../types/custom.js";
import type { SecretType } from "../../types/definition.js";
import { audit } from "../audit.js";
import { note, out, say, type CliIO, type GlobalOptions, type CommandContext } from "../context.js";
import { painter } from "../output.js";
import { changeVault, readVault } from "../vault-access.js";

export interface AddTypeOptions {
  pattern: string;
  rotateEvery?: string;
  rotateAt?: string;
  description?: string;
  companions?: string;
}

/** The catalogue of the vault, or the built-ins alone when there is no vault file yet. */
async function catalogueFor(g: GlobalOptions, io: CliIO): Promise<TypeCatalogue> {
  try {
    return (await readVault(g, io)).typeCatalogue();
  } catch (err) {
    if (err instanceof NotFoundError && err.message.endsWith("does not exist")) return TypeCatalogue.builtin();
    throw err;
  }
}

/** A type as `type list --json` prints it. */
function typeJson(t: SecretType): Record<string, unknown> {
  return {
    name: t.id,
    source: t.source,
    description: t.description,
    rotateEvery: t.rotateEvery,
    rotateAt: t.rotateAt,
    generate: t.generate,
    pattern: t.pattern ?? null,
    roles: t.roles.map((r) => ({ role: r.id, suffixes: r.suffixes, optional: r.optional === true })),
    companions: t.companions,
  };
}

/** Two lines a type: its name and description, then its policy, where to rotate and what goes with it. */
function typeLines(types: readonly SecretType[], color: boolean): string[] {
  const p = painter(color);
  const width = Math.max(...types.map((t) => t.id.length + (t.source === "file" ? 7 : 0))) + 2;
  return types.flatMap((t) => {
    const name = shown(t.source === "file" ? `${t.id} (file)` : t.id);
    const details = [
      t.rotateEvery ? `every ${t.rotateEvery}` : "no default period",
      t.rotateAt ? `rotate: ${t.rotateAt}` : undefined,
      t.generate ? `--generate makes ${t.generate}` : undefined,
      t.companions.length > 0 ? `goes with ${t.companions.join(", ")}` : undefined,
    ].filter(Boolean);
    // Text from the file (a custom type's description, link, companions) is shown escaped.
    return [
      p.bold(name) + " ".repeat(Math.max(1, width - name.length)) + shown(t.description),
      " ".repeat(width) + p.dim(shown(details.join("; "))),
    ];
  });
}

export async function listTypes(ctx: CommandContext): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const types = (await catalogueFor(g, io)).list();
  if (g.json) {
    out(io, JSON.stringify(types.map(typeJson), null, 2));
    return ExitCode.ok;
  }
  for (const line of typeLines(types, g.color)) say(io, line);
  return ExitCode.ok;
}

export async function addType(ctx: CommandContext, name: string, opts: AddTypeOptions): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const companions = opts.companions
    ?.split(",")
    .map((c) => c.trim())
    .filter((c) => c !== "");
  const entry = customTypeEntry(name, {
    pattern: opts.pattern,
    rotateEvery: opts.rotateEvery,
    rotateAt: opts.rotateAt,
    description: opts.description,
    companions,
  });
  const mismatched = await changeVault(g, io, (v) => {
    const existing = v.typeCatalogue().get(name);
    if (existing?.source === "builtin")
      throw new ConflictError("E_EXISTS", `${name} is a built-in type`, { hint: "choose another name for your type" });
    if (existing)
      throw new ConflictError("E_EXISTS", `the vault already has a type named ${name}`, {
        hint: `remove it first with \`vaultfile type rm ${name}\`, then add it again`,
      });
    v.setTypeEntry(name, entry);
    return v
      .validate()
      .invalidFormat.filter((f) => f.type === name)
      .map((f) => f.name);
  });
  audit(io, g, "type add", [name]);
  io.stderr.write(`added type ${name}\n`);
  if (mismatched.length > 0)
    note(io, "warning", `existing secrets of type ${name} do not match its pattern: ${mismatched.join(", ")}`);
  return ExitCode.ok;
}

export async function removeType(ctx: CommandContext, name: string): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const users = await changeVault(g, io, (v) => {
    if (!v.removeTypeEntry(name)) {
      if (TypeCatalogue.builtin().get(name)) throw new UsageError(`${name} is a built-in type and cannot be removed`);
      throw new NotFoundError(`no custom type named ${name}`, { hint: "see `vaultfile type list`" });
    }
    return v
      .secrets()
      .filter((s) => s.type === name)
      .map((s) => s.name);
  });
  audit(io, g, "type rm", [name]);
  io.stderr.write(`removed type ${name}\n`);
  if (users.length > 0)
    note(io, "note", `these secrets still have type ${name} and are no longer checked: ${users.join(", ")}`);
  return ExitCode.ok;
}
