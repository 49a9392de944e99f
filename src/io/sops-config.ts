/**
 * Reads the age recipients of a sops `.sops.yaml` creation rule, so that `init` in a repository already set up for
 * sops encrypts to the same keys. Like sops: the first rule whose `path_regex` matches the file's path relative to
 * the config's folder wins (a rule without `path_regex` matches every file); `age:` is a comma-separated string or
 * a list, and `key_groups[].age` lists count too.
 */
import { readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { parse } from "yaml";
import { FormatError, ioErrorFrom } from "../errors.js";
import { compileRe2, Re2SyntaxError, type Re2Pattern } from "../rules/re2.js";

export const SOPS_CONFIG = ".sops.yaml";

export interface CreationRuleMatch {
  /** The `.sops.yaml` read. */
  configPath: string;
  /** 1-based index of the matching rule. */
  rule: number;
  /** Its age recipients, in order, without duplicates. */
  recipients: string[];
}

interface RawRule {
  path_regex?: unknown;
  age?: unknown;
  key_groups?: unknown;
}

function ageList(v: unknown): string[] {
  if (typeof v === "string") return v.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (Array.isArray(v)) return v.flatMap(ageList);
  return [];
}

/**
 * The creation rule of `dir/.sops.yaml` that applies to `file`. `undefined` when there is no config; a config
 * without a matching rule gives a match with no recipients (`rule` 0).
 */
export function creationRuleFor(dir: string, file: string): CreationRuleMatch | undefined {
  const configPath = join(dir, SOPS_CONFIG);
  let text: string;
  try {
    text = readFileSync(configPath, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw ioErrorFrom(err, "read", configPath);
  }
  let conf: { creation_rules?: unknown };
  try {
    conf = (parse(text) ?? {}) as { creation_rules?: unknown };
  } catch (cause) {
    throw new FormatError(`${configPath} is not valid YAML`, { cause, hint: "fix it, or move it away while running init" });
  }
  const rules = Array.isArray(conf.creation_rules) ? (conf.creation_rules as RawRule[]) : [];
  const rel = relative(dir, file).split(sep).join("/");
  for (const [i, r] of rules.entries()) {
    if (r === null || typeof r !== "object") continue;
    if (r.path_regex !== undefined && r.path_regex !== null && r.path_regex !== "") {
      let re: Re2Pattern;
      try {
        re = compileRe2(String(r.path_regex));
      } catch (cause) {
        const why = cause instanceof Re2SyntaxError ? `: ${cause.reason}` : "";
        throw new FormatError(`creation rule ${i + 1} in ${configPath} has an invalid path_regex${why}`, { cause, hint: "sops reads path_regex with Go's RE2 syntax" });
      }
      if (!re.test(rel)) continue;
    }
    const groups = Array.isArray(r.key_groups) ? (r.key_groups as { age?: unknown }[]).flatMap((g) => ageList(g?.age)) : [];
    return { configPath, rule: i + 1, recipients: [...new Set([...ageList(r.age), ...groups])] };
  }
  return { configPath, rule: 0, recipients: [] };
}
