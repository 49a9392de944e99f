/**
 * `vaultfile git setup`: the `.gitattributes` lines that route vault files through vaultfile's diff and merge
 * drivers, and the git config that defines those drivers. Idempotent: what is already in place is left alone.
 */
import { existsSync, realpathSync } from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import { shellQuote } from "../export/shell.js";
import { readTextFile } from "../io/text-file.js";
import { repoRoot, runGit, tryGit } from "./run.js";

export const DRIVER = "vaultfile";
const ATTRIBUTES = `diff=${DRIVER} merge=${DRIVER}`;

export interface SetupOptions {
  /** Where the command runs (inside the repository). */
  cwd: string;
  /** The vault file (absolute). */
  file: string;
  /** Write the driver config to `~/.gitconfig` instead of the repository's `.git/config`. */
  global: boolean;
  /** The command git runs for vaultfile, e.g. `'/usr/bin/node' '/…/bin/vaultfile.cjs'` or `vaultfile`. */
  command: string;
}

/** One line per thing looked at: what was written, or that it was already there. */
export async function setupGit(opts: SetupOptions): Promise<string[]> {
  const root = await repoRoot(opts.cwd);
  const done: string[] = [];
  const attrFile = join(root, ".gitattributes");
  const patterns = attributePatterns(relative(realpathSync(root), realpathOr(opts.file)));
  const existing = existsSync(attrFile) ? readTextFile(attrFile) : "";
  const missing = patterns.filter((p) => !hasAttributes(existing, p));
  for (const p of patterns)
    if (!missing.includes(p)) done.push(`.gitattributes: ${p} already uses the vaultfile drivers`);
  if (missing.length > 0) {
    const sepLine = existing === "" || existing.endsWith("\n") ? "" : "\n";
    writeFileAtomic(attrFile, existing + sepLine + missing.map((p) => `${p} ${ATTRIBUTES}\n`).join(""));
    for (const p of missing) done.push(`.gitattributes: added "${p} ${ATTRIBUTES}"`);
  }
  const scope = opts.global ? "--global" : "--local";
  const config: [string, string][] = [
    [`diff.${DRIVER}.textconv`, `${opts.command} git textconv`],
    [`merge.${DRIVER}.name`, "vaultfile entry-level merge"],
    [`merge.${DRIVER}.driver`, `${opts.command} git merge %O %A %B %P`],
  ];
  for (const [key, value] of config) {
    const current = (await tryGit(["config", scope, "--get", key], { cwd: root }))?.replace(/\n$/, "");
    if (current === value) {
      done.push(`git config ${scope} ${key}: already set`);
      continue;
    }
    await runGit(["config", scope, key, value], { cwd: root });
    done.push(`git config ${scope} ${key} = ${value}`);
  }
  return done;
}

/** The file's own pattern and its per-environment siblings: `.secrets.yaml` → also `.secrets.*.yaml`. */
export function attributePatterns(relPath: string): string[] {
  const rel = relPath.split(sep).join("/");
  const dir = dirname(rel) === "." ? "" : `${dirname(rel)}/`;
  const m = /^(.*)\.(ya?ml)$/.exec(basename(rel));
  return m ? [rel, `${dir}${m[1]}.*.${m[2]}`] : [rel];
}

function hasAttributes(gitattributes: string, pattern: string): boolean {
  return gitattributes.split("\n").some((line) => {
    const [first, ...attrs] = line.trim().split(/\s+/);
    return first === pattern && attrs.includes(`diff=${DRIVER}`) && attrs.includes(`merge=${DRIVER}`);
  });
}

/** The command that runs this very vaultfile: the running node and script, absolute, quoted for git's shell. */
export function currentCommand(script: string | undefined = process.argv[1]): string {
  if (!script) return DRIVER;
  return `${quoteIfNeeded(process.execPath)} ${quoteIfNeeded(realpathOr(script))}`;
}

function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** POSIX single-quoting, only when needed (git runs driver commands through `sh -c`). */
function quoteIfNeeded(s: string): string {
  return /^[A-Za-z0-9_./@%+=:,-]+$/.test(s) ? s : shellQuote(s);
}
