/**
 * The types a vault knows: the built-in catalogue plus the custom types declared in its file. Answers the
 * questions the commands ask: does this value fit its type, which part of a credential is this secret, which
 * companions does it need.
 */
import { FormatError, NotFoundError } from "../errors.js";
import { closestNames } from "../rules/suggest.js";
import { BUILTIN_TYPES } from "./builtin.js";
import { customTypeFromEntry } from "./custom.js";
import type { CompanionFinding, FormatFinding, SecretRole, SecretType } from "./definition.js";

/** The part of a multi-part credential a secret is, by its name: `DOCKER_PASSWORD` is docker's `password`. */
export interface RoleMatch {
  role: SecretRole;
  /** The name without the role's ending (`DOCKER`); companions are this prefix with another role's ending. */
  prefix: string;
}

/** A companion a secret needs: any one of `expected` satisfies it. */
export interface CompanionNeed {
  missing: string;
  expected: string[];
}

export class TypeCatalogue {
  private constructor(private readonly byId: ReadonlyMap<string, SecretType>) {}

  /** Only the built-in types. */
  static builtin(): TypeCatalogue {
    return new TypeCatalogue(new Map(BUILTIN_TYPES.map((t) => [t.id, t])));
  }

  /**
   * The built-ins plus custom types given as the file's `types:` entries (name → fields). Throws
   * {@link FormatError} for a malformed entry or one that reuses a built-in name.
   */
  static withCustom(entries: Readonly<Record<string, unknown>>, file: string): TypeCatalogue {
    const byId = new Map(BUILTIN_TYPES.map((t) => [t.id, t]));
    for (const [name, raw] of Object.entries(entries)) {
      if (byId.has(name))
        throw new FormatError(`custom type ${name} in ${file} has the name of a built-in type`, {
          hint: `remove it with \`vaultfile type rm ${name}\` and add it under another name`,
        });
      byId.set(name, customTypeFromEntry(name, raw, file));
    }
    return new TypeCatalogue(byId);
  }

  /** Every type: built-ins first, in catalogue order, then custom types in file order. */
  list(): SecretType[] {
    return [...this.byId.values()];
  }

  get(id: string): SecretType | undefined {
    return this.byId.get(id);
  }

  /** The type, or a {@link NotFoundError} (exit 3) that suggests close names. */
  require(id: string): SecretType {
    const t = this.byId.get(id);
    if (t) return t;
    const close = closestNames(id, this.byId.keys());
    throw new NotFoundError(`no type named ${id}`, {
      hint: `${close.length > 0 ? `did you mean ${close.join(" or ")}? ` : ""}see \`vaultfile type list\`; declare your own with \`vaultfile type add\``,
    });
  }

  /** Which part of a multi-part type the secret is, by the end of its name; `undefined` when the name says none. */
  roleOf(secretName: string, type: SecretType): RoleMatch | undefined {
    let best: RoleMatch | undefined;
    let bestLength = 0;
    for (const role of type.roles) {
      for (const suffix of role.suffixes) {
        const bare = suffix.replace(/^_/, "");
        const hit = secretName.endsWith(suffix) ? suffix : secretName === bare ? bare : undefined;
        // The longest ending wins: AWS_SECRET_ACCESS_KEY is a secret-access-key, not a bare _KEY.
        if (hit !== undefined && hit.length > bestLength) {
          best = { role, prefix: secretName.slice(0, secretName.length - hit.length) };
          bestLength = hit.length;
        }
      }
    }
    return best;
  }

  /**
   * The rotation period a new secret of this type gets and where it is rotated, for this secret by its name: none
   * for the identifier part of a multi-part credential (`DOCKER_USERNAME`, `AWS_ACCESS_KEY_ID`), which is not
   * rotated on its own; both `null` for an unknown type.
   */
  rotationOf(secretName: string, typeId: string): { rotateEvery: string | null; rotateAt: string | null } {
    const type = this.byId.get(typeId);
    if (!type || this.roleOf(secretName, type)?.role.identifier) return { rotateEvery: null, rotateAt: null };
    // `{name}` in a where-to-rotate text stands for the secret, so a command in it can be pasted as printed.
    return { rotateEvery: type.rotateEvery, rotateAt: type.rotateAt?.replaceAll("{name}", secretName) ?? null };
  }

  /**
   * Checks a value against the secret's type (its role's check for a multi-part type). `null` when it fits or
   * the type is unknown; the finding's message never contains the value.
   */
  check(secretName: string, typeId: string, value: string): FormatFinding | null {
    const type = this.byId.get(typeId);
    if (!type) return null;
    const match = this.roleOf(secretName, type);
    const problem = (match ? match.role.check : type.check)(value);
    if (problem === null) return null;
    const what = match ? `${type.id} (${match.role.id})` : type.id;
    return { name: secretName, type: type.id, message: `${secretName} does not match its type ${what}: ${problem}` };
  }

  /** The companions a secret of this type needs (whether present or not); never the secret itself. */
  companionsOf(secretName: string, typeId: string): CompanionNeed[] {
    const type = this.byId.get(typeId);
    if (!type) return [];
    const needs: CompanionNeed[] = type.companions
      .filter((c) => c !== secretName)
      .map((c) => ({ missing: c, expected: [c] }));
    const match = this.roleOf(secretName, type);
    if (match) {
      for (const other of type.roles) {
        if (other === match.role || other.optional) continue;
        const joiner = match.prefix === "" ? (s: string) => s.replace(/^_/, "") : (s: string) => match.prefix + s;
        needs.push({ missing: other.id, expected: other.suffixes.map(joiner) });
      }
    }
    return needs;
  }

  /** The companions of a secret that none of `present` satisfies. */
  missingCompanions(secretName: string, typeId: string, present: ReadonlySet<string>): CompanionFinding[] {
    return this.companionsOf(secretName, typeId)
      .filter((need) => !need.expected.some((n) => present.has(n)))
      .map((need) => ({
        name: secretName,
        type: typeId,
        missing: need.missing,
        expected: need.expected,
        message:
          need.expected.length === 1 && need.expected[0] === need.missing
            ? `${secretName} (${typeId}) goes with ${need.missing}, which is not set`
            : `${secretName} (${typeId}) has no ${need.missing} beside it: expected ${need.expected.join(" or ")}`,
      }));
  }

  /** The secrets among `present` that go with `secretName` (for reminders after a rotation). */
  presentCompanions(secretName: string, typeId: string, present: ReadonlySet<string>): string[] {
    return this.companionsOf(secretName, typeId).flatMap((need) => need.expected.filter((n) => present.has(n)));
  }
}
