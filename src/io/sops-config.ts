/**
 * `.sops.yaml`, found and read as sops's `config/config.go` does, so that `init` in a repository already set up for
 * sops encrypts to the same age keys:
 * - the file: `--config FILE`, else `$SOPS_CONFIG`, else the first `.sops.yaml` in the working folder or a parent,
 *   at most 100 levels up (a `.sops.yml` on the way is named in a warning, never read);
 * - the rule: the first creation rule whose `path_regex` (RE2, matched anywhere, as Go's `MatchString`) matches the
 *   vault's path relative to the config's folder (the absolute path when the vault is outside it); a rule without
 *   `path_regex` matches every file; a file without `creation_rules` counts as no config;
 * - its age keys: `key_groups` when the rule has any, else `age`, a comma-separated string or a list of strings
 *   (each item comma-split too). sops's Shamir key groups (more than one group) have no vaultfile equivalent and
 *   are refused, since flattening them would let any single group open the vault.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve, sep } from "node:path";
import { parse } from "yaml";
import { FormatError, ioErrorFrom, NotFoundError } from "../errors.js";
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

/** sops searches this many folders, from the working folder up (`maxDepth`). */
export const MAX_CONFIG_DEPTH = 100;
const ALTERNATE_NAME = ".sops.yml";

export interface ConfigLookup {
  /** The config to read, absolute; `undefined` when none was found. */
  path: string | undefined;
  /** How it was chosen. */
  source: "flag" | "env" | "search" | "none";
  /** sops's warning about a `.sops.yml` seen on the way (the name must be `.sops.yaml`). */
  warning?: string;
}

/** The `.sops.yaml` for a command run in `cwd`: `flag` (`--config`), else `$SOPS_CONFIG`, else the nearest one. */
export function findSopsConfig(cwd: string, env: NodeJS.ProcessEnv, flag?: string): ConfigLookup {
  if (flag !== undefined && flag !== "") return { path: resolve(cwd, flag), source: "flag" };
  if (env.SOPS_CONFIG) return { path: resolve(cwd, env.SOPS_CONFIG), source: "env" };
  let alternate: string | undefined;
  let dir = resolve(cwd);
  for (let i = 0; i < MAX_CONFIG_DEPTH; i++) {
    const candidate = join(dir, SOPS_CONFIG);
    if (existsSync(candidate)) {
      return {
        path: candidate,
        source: "search",
        ...(alternate
          ? { warning: `ignoring ${alternate}: the config file must be called ${SOPS_CONFIG}; using ${candidate}` }
          : {}),
      };
    }
    if (alternate === undefined && existsSync(join(dir, ALTERNATE_NAME))) alternate = join(dir, ALTERNATE_NAME);
    dir = dirname(dir); // at the root, the root again (as path.Join(dir, "..") in sops)
  }
  return {
    path: undefined,
    source: "none",
    ...(alternate ? { warning: `ignoring ${alternate}: the config file must be called ${SOPS_CONFIG}` } : {}),
  };
}

/** A key field as sops's `parseKeyField`: a comma-separated string (blanks dropped) or a list of strings. */
function keyField(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === "string") return splitKeys(v);
  if (Array.isArray(v)) {
    return v.flatMap((item) => {
      if (typeof item !== "string")
        throw new FormatError(
          `invalid age key configuration in ${where}: expected a string in the list, not ${item === null ? "null" : typeof item}`,
        );
      return splitKeys(item);
    });
  }
  throw new FormatError(`invalid age key configuration in ${where}: expected a string or a list of strings`);
}

/** age's `MasterKeysFromRecipients`: comma-separated, each trimmed. */
const splitKeys = (text: string): string[] =>
  text
    .split(",")
    .map((k) => k.trim())
    .filter((k) => k !== "");

/** The age keys of one key group, its `merge`d groups first, as sops's `extractMasterKeys`. */
function groupKeys(group: unknown, where: string, depth = 0): string[] {
  if (group === null || typeof group !== "object" || Array.isArray(group))
    throw new FormatError(`invalid key group in ${where}: expected a mapping`);
  if (depth > 10) throw new FormatError(`key groups in ${where} are merged more than 10 levels deep`);
  const g = group as { merge?: unknown; age?: unknown };
  if (g.age !== undefined && g.age !== null && !Array.isArray(g.age))
    throw new FormatError(`invalid age key configuration in ${where}: a key group's age must be a list`);
  const merged = Array.isArray(g.merge) ? g.merge.flatMap((m) => groupKeys(m, where, depth + 1)) : [];
  return [...merged, ...keyField(g.age, where)];
}

/**
 * The creation rule of the config at `configPath` that applies to `file` (absolute). `undefined` when the config
 * has no `creation_rules`; a config without a matching rule gives a match with no recipients (`rule` 0).
 */
export function creationRuleFor(configPath: string, file: string): CreationRuleMatch | undefined {
  let text: string;
  try {
    text = readFileSync(configPath, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT")
      throw new NotFoundError(`sops config ${configPath} does not exist`, { hint: "check --config or SOPS_CONFIG" });
    throw ioErrorFrom(err, "read", configPath);
  }
  let conf: { creation_rules?: unknown };
  try {
    conf = (parse(text, { maxAliasCount: 100 }) ?? {}) as { creation_rules?: unknown };
  } catch (cause) {
    throw new FormatError(`${configPath} is not valid YAML`, {
      cause,
      hint: "fix it, or move it away while running init",
    });
  }
  if (conf === null || typeof conf !== "object" || conf.creation_rules === undefined || conf.creation_rules === null)
    return undefined;
  if (!Array.isArray(conf.creation_rules)) throw new FormatError(`creation_rules in ${configPath} is not a list`);
  // As sops: the path with the config's folder and a separator cut off the front (else the absolute path).
  const prefix = dirname(configPath) + sep;
  const rel = file.startsWith(prefix) ? file.slice(prefix.length) : file;
  for (const [i, r] of (conf.creation_rules as unknown[]).entries()) {
    if (r === null || typeof r !== "object" || Array.isArray(r))
      throw new FormatError(`creation rule ${i + 1} in ${configPath} is not a mapping`);
    const rule = r as { path_regex?: unknown; age?: unknown; key_groups?: unknown };
    const where = `creation rule ${i + 1} in ${configPath}`;
    if (rule.path_regex !== undefined && rule.path_regex !== null && rule.path_regex !== "") {
      let re: Re2Pattern;
      try {
        re = compileRe2(String(rule.path_regex));
      } catch (cause) {
        const why = cause instanceof Re2SyntaxError ? `: ${cause.reason}` : "";
        throw new FormatError(`${where} has an invalid path_regex${why}`, {
          cause,
          hint: "sops reads path_regex with Go's RE2 syntax",
        });
      }
      if (!re.test(rel)) continue;
    }
    const groups = Array.isArray(rule.key_groups) ? rule.key_groups : [];
    if (groups.length > 1) {
      throw new FormatError(`${where} has ${groups.length} key groups; vaultfile encrypts to one set of recipients`, {
        hint: "sops's Shamir key groups have no vaultfile equivalent: give the rule one key group (or plain age keys), or pass --recipient",
      });
    }
    const keys = groups.length === 1 ? groupKeys(groups[0], where) : keyField(rule.age, where);
    return { configPath, rule: i + 1, recipients: [...new Set(keys)] };
  }
  return { configPath, rule: 0, recipients: [] };
}
