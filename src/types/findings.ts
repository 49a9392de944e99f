/** The type findings of a whole vault, as `Vault.validate()` reports them. */
import type { TypeCatalogue } from "./catalogue.js";
import type { CompanionFinding, FormatFinding, UnknownTypeFinding } from "./definition.js";

export interface TypeFindings {
  /** Values that do not match their type. */
  invalidFormat: FormatFinding[];
  /** Secrets whose companion (a docker password's username, a custom type's companion) is absent. */
  companionsMissing: CompanionFinding[];
  /** Secrets whose type is not in the catalogue nor declared in the file: they are not checked. */
  unknownType: UnknownTypeFinding[];
}

/** What the findings need of a secret: its name, type label and plaintext value. */
export interface TypedValue {
  readonly name: string;
  readonly type: string;
  readonly value: string;
  /** False when the value is unknown (a vault opened without a key): its format is not checked. */
  readonly hasValue?: boolean;
}

/** Checks every secret against its type and its companions, in the order given. */
export function typeFindings(secrets: readonly TypedValue[], catalogue: TypeCatalogue): TypeFindings {
  const present = new Set(secrets.map((s) => s.name));
  const found: TypeFindings = { invalidFormat: [], companionsMissing: [], unknownType: [] };
  for (const s of secrets) {
    if (!catalogue.get(s.type)) {
      found.unknownType.push({
        name: s.name,
        type: s.type,
        message: `${s.name} has type ${s.type}, which is neither built in nor declared in the file, so its value is not checked`,
      });
      continue;
    }
    const bad = s.hasValue === false ? null : catalogue.check(s.name, s.type, s.value);
    if (bad) found.invalidFormat.push(bad);
    found.companionsMissing.push(...catalogue.missingCompanions(s.name, s.type, present));
  }
  return found;
}
