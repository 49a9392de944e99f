/**
 * What every environment-oriented export checks first: names that a shell and `process.env` accept, and values an
 * environment can hold. Names are never renamed: a name that cannot be exported is an error.
 */
import { InvalidInputError } from "../errors.js";
import { NAME_RE } from "../rules/names.js";

/** Names an environment variable may have (design.md §5): the same rule secret names follow. */
export const ENV_NAME_RE = NAME_RE;

/**
 * The entries of `env` in order, after checking each name, and (with `forEnvironment`) that no value contains a
 * NUL character, which no environment variable can hold. Errors name the secret, never the value.
 */
export function checkedEntries(
  env: Readonly<Record<string, string>>,
  format: string,
  forEnvironment = true,
): [string, string][] {
  const entries = Object.entries(env);
  for (const [name, value] of entries) {
    if (!ENV_NAME_RE.test(name)) {
      throw new InvalidInputError(
        "E_NAME",
        `cannot export ${JSON.stringify(name)}: not a valid environment variable name`,
        {
          hint: "names must match [A-Za-z_][A-Za-z0-9_]*; vaultfile never renames a secret on export",
        },
      );
    }
    if (typeof value !== "string")
      throw new InvalidInputError("E_VALUE", `cannot export ${name}: its value is not a string`);
    if (forEnvironment && value.includes("\0")) {
      throw new InvalidInputError(
        "E_VALUE",
        `cannot export ${name} as ${format}: its value contains a NUL character, which no environment variable can hold`,
        {
          hint: "use --format json, or store the value encoded (e.g. base64)",
        },
      );
    }
  }
  return entries;
}
