/**
 * `vaultfile type list | add NAME --pattern RE … | rm NAME`: the catalogue of secret types. Built-in types come
 * with the tool; custom ones live in the vault file under `types:`, covered by its MAC like everything else.
 */
import type { Command } from "commander";
import { ConflictError, NotFoundError, UsageError } from "../../errors.js";
import { TypeCatalogue } from "../../types/catalogue.js";
import { customTypeEntry } from "../../types/custom.js";
import type { SecretType } from "../../types/definition.js";
import { audit } from "../audit.js";
import { globalsOf, note, out, type CliIO, type GlobalOptions } from "../context.js";
import { painter } from "../output.js";
import { changeVault, readVault } from "../vault-access.js";

interface AddFlags {
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
    const name = t.source === "file" ? `${t.id} (file)` : t.id;
    const details = [
      t.rotateEvery ? `every ${t.rotateEvery}` : "no default period",
      t.rotateAt ? `rotate: ${t.rotateAt}` : undefined,
      t.generate ? `--generate makes ${t.generate}` : undefined,
      t.companions.length > 0 ? `goes with ${t.companions.join(", ")}` : undefined,
    ].filter(Boolean);
    return [p.bold(name) + " ".repeat(width - name.length) + t.description, " ".repeat(width) + p.dim(details.join("; "))];
  });
}

export function register(program: Command, io: CliIO): void {
  const group = program
    .command("type")
    .description("list the secret types, or add and remove the vault's own (custom) types")
    .addHelpText(
      "after",
      "\nA secret's type checks its value when you `set` or `rotate` it and in `validate`, gives its default rotation\n" +
        "policy and says where to rotate it. Custom types are stored in the vault file, under `types:`.\n\n" +
        'Examples:\n  vaultfile type list\n  vaultfile type add internal-api --pattern "^ia_[a-z0-9]{32}$" --rotate-every 30d --rotate-at https://internal.example/tokens\n  vaultfile type rm internal-api',
    );

  const list = group
    .command("list", { isDefault: true })
    .description("show every type: description, default rotation, where to rotate; the vault's custom types last")
    .addHelpText("after", "\nWithout a vault file, only the built-in types are listed.\n\nExamples:\n  vaultfile type list\n  vaultfile type list --json")
    .action(async () => {
      const g = globalsOf(list, io);
      const types = (await catalogueFor(g, io)).list();
      if (g.json) return out(io, JSON.stringify(types.map(typeJson), null, 2));
      for (const line of typeLines(types, g.color)) out(io, line);
    });

  const add = group
    .command("add")
    .description("declare a custom type in the vault file")
    .argument("<name>", "a lower-case word: letters, digits, _, . or - (e.g. internal-api)")
    .requiredOption("--pattern <regex>", "a JavaScript regular expression the whole value must match (anchored for you)")
    .option("--rotate-every <duration>", "default rotation policy of new secrets of this type (30d, 12w, 6mo, 1y)")
    .option("--rotate-at <where>", "where the credential is rotated: a URL or an instruction")
    .option("--description <text>", "one line for people")
    .option("--companions <names>", "comma-separated secret names that must exist beside any secret of this type")
    .addHelpText(
      "after",
      "\nThe type is stored under `types:` in the vault file (readable, covered by the MAC). Secrets of this type are\n" +
        "then checked by `set`, `rotate` and `validate`; `validate` also reports a missing companion.\n\n" +
        'Examples:\n  vaultfile type add internal-api --pattern "ia_[a-z0-9]{32}" --rotate-every 30d \\\n    --rotate-at https://internal.example/tokens --description "Internal API token" --companions INTERNAL_API_URL',
    )
    .action(async (name: string, opts: AddFlags) => {
      const g = globalsOf(add, io);
      const companions = opts.companions?.split(",").map((c) => c.trim()).filter((c) => c !== "");
      const entry = customTypeEntry(name, { pattern: opts.pattern, rotateEvery: opts.rotateEvery, rotateAt: opts.rotateAt, description: opts.description, companions });
      const mismatched = await changeVault(g, io, (v) => {
        const existing = v.typeCatalogue().get(name);
        if (existing?.source === "builtin") throw new ConflictError("E_EXISTS", `${name} is a built-in type`, { hint: "choose another name for your type" });
        if (existing) throw new ConflictError("E_EXISTS", `the vault already has a type named ${name}`, { hint: `remove it first with \`vaultfile type rm ${name}\`, then add it again` });
        v.setTypeEntry(name, entry);
        return v.validate().invalidFormat.filter((f) => f.type === name).map((f) => f.name);
      });
      audit(io, g, "type add", [name]);
      io.stderr.write(`added type ${name}\n`);
      if (mismatched.length > 0) note(io, "warning", `existing secrets of type ${name} do not match its pattern: ${mismatched.join(", ")}`);
    });

  const rm = group
    .command("rm")
    .description("remove a custom type from the vault file (secrets keep their type label, unchecked)")
    .argument("<name>", "a custom type (see `vaultfile type list`)")
    .addHelpText("after", "\nExamples:\n  vaultfile type rm internal-api")
    .action(async (name: string) => {
      const g = globalsOf(rm, io);
      const users = await changeVault(g, io, (v) => {
        if (!v.removeTypeEntry(name)) {
          if (TypeCatalogue.builtin().get(name)) throw new UsageError(`${name} is a built-in type and cannot be removed`);
          throw new NotFoundError(`no custom type named ${name}`, { hint: "see `vaultfile type list`" });
        }
        return v.secrets().filter((s) => s.type === name).map((s) => s.name);
      });
      audit(io, g, "type rm", [name]);
      io.stderr.write(`removed type ${name}\n`);
      if (users.length > 0) note(io, "note", `these secrets still have type ${name} and are no longer checked: ${users.join(", ")}`);
    });
}
