/**
 * Shell completion from the program's own declaration. `vaultfile completion SHELL` prints a small script; on each
 * TAB it runs `vaultfile __complete -- WORDS…` (the words typed so far, the last one being completed), which walks
 * commander's commands, options, arguments and choices to the candidates. Names of secrets, recipients and types
 * come from the vault file's clear text (no key is read, nothing is decrypted), found as every command finds it.
 */
import { readFileSync, statSync } from "node:fs";
import type { Argument, Command, Option } from "commander";
import { parse } from "yaml";
import { locateVault } from "../io/vault-discovery.js";
import { estimateYamlNodes, MAX_FILE_BYTES, MAX_NODES } from "../rules/limits.js";
import { BUILTIN_TYPES } from "../types/builtin.js";
import type { CliIO } from "./context.js";
import { valueKindOf } from "./declare/parts.js";
import type { ValueKind } from "./option-table.js";
import type { Shell } from "./program.js";

/** The script for `shell`; `bin` is the command name the shell runs (and completes). */
export function completionScript(shell: Shell, bin = "vaultfile"): string {
  const fn = `_${bin.replace(/[^A-Za-z0-9_]/g, "_")}_complete`;
  switch (shell) {
    case "bash":
      return `# bash completion for ${bin}: eval "$(${bin} completion bash)" in ~/.bashrc
${fn}() {
  local IFS=$'\\n'
  COMPREPLY=($(command ${bin} __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F ${fn} ${bin}
`;
    case "zsh":
      return `#compdef ${bin}
# zsh completion for ${bin}: eval "$(${bin} completion zsh)" in ~/.zshrc (after compinit)
${fn}() {
  local -a candidates
  candidates=("\${(@f)$(command ${bin} __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if [[ -n "\${candidates[1]}" ]]; then compadd -Q -a candidates; else _files; fi
}
compdef ${fn} ${bin}
`;
    case "fish":
      return `# fish completion for ${bin}: ${bin} completion fish > ~/.config/fish/completions/${bin}.fish
function ${fn}
    set -l words (commandline -opc)
    set -e words[1]
    set -l current (commandline -ct)
    set -l found (command ${bin} __complete -- $words "$current" 2>/dev/null)
    if test (count $found) -gt 0
        printf '%s\\n' $found
    else
        __fish_complete_path (commandline -ct)
    end
end
complete -c ${bin} -f -a '(${fn})'
`;
  }
}

/** What the vault file says about names, read as plain YAML (values stay encrypted and unread). */
interface Names {
  secret: string[];
  recipient: string[];
  type: string[];
}

/** Only words a shell can take as they are: names never carry quotes, spaces or control characters. */
const SAFE = /^[A-Za-z0-9_.@+-]+$/;

function namesIn(file: string): Names {
  const names: Names = { secret: [], recipient: [], type: [] };
  let doc: unknown;
  try {
    // A hostile checkout must not make TAB slow: over the readers' size or node limit, no names.
    const size = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
    const text = size > 0 && size <= MAX_FILE_BYTES ? readFileSync(file, "utf8") : undefined;
    doc =
      text !== undefined && estimateYamlNodes(text) <= MAX_NODES
        ? parse(text, { maxAliasCount: 0, uniqueKeys: false })
        : undefined;
  } catch {
    doc = undefined; // not readable, or not YAML: complete without names
  }
  const keysOf = (v: unknown): string[] =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? Object.keys(v).filter((k) => SAFE.test(k)) : [];
  const root = doc !== null && typeof doc === "object" ? (doc as Record<string, unknown>) : {};
  names.secret = keysOf(root.secrets);
  names.recipient = keysOf(root.recipients);
  names.type = [...new Set([...BUILTIN_TYPES.map((t) => t.id), ...keysOf(root.types)])];
  return names;
}

const visibleCommands = (cmd: Command): Command[] =>
  cmd
    .createHelp()
    .visibleCommands(cmd)
    .filter((c) => c.name() !== "help");
const optionsOf = (cmd: Command): readonly Option[] => cmd.options.filter((o) => !o.hidden);

/** The option `word` names on `cmd` or the program's globals (`--name`, `-n`, `--name=value`). */
function findOption(word: string, cmds: readonly Command[]): Option | undefined {
  const flag = word.includes("=")
    ? word.slice(0, word.indexOf("="))
    : !word.startsWith("--") && word.length > 2
      ? word.slice(0, 2)
      : word;
  for (const c of cmds) {
    const o = c.options.find((x) => x.long === flag || x.short === flag);
    if (o) return o;
  }
  return undefined;
}

/** The candidates for the last of `words` (the word under the cursor, "" for a new one), one per line. */
export async function candidates(
  program: Command,
  words: readonly string[],
  io: Pick<CliIO, "cwd" | "env">,
): Promise<string[]> {
  const done = words.slice(0, -1);
  const current = words[words.length - 1] ?? "";
  const chain: Command[] = [program];
  let cmd = program;
  let positional = 0;
  let fileFlag: string | undefined;
  let pending: Option | undefined; // an option whose value comes next
  let afterDashes = false;
  for (const w of done) {
    if (pending && !(pending.variadic && w.startsWith("-"))) {
      if (pending.long === "--file") fileFlag = w;
      // A variadic option (`--only A B`) takes words until the next option, as commander reads it.
      if (!pending.variadic) pending = undefined;
      continue;
    }
    pending = undefined;
    if (!afterDashes && w === "--") {
      afterDashes = true;
      continue;
    }
    if (!afterDashes && w.startsWith("-") && w !== "-") {
      const o = findOption(w, chain);
      const attached = w.includes("=") || (!w.startsWith("--") && w.length > 2); // --file=F, -fF
      if (o?.required && !attached) pending = o;
      if (o?.long === "--file" && attached) fileFlag = w.includes("=") ? w.slice(w.indexOf("=") + 1) : w.slice(2);
      continue;
    }
    const sub = positional === 0 ? cmd.commands.find((c) => c.name() === w || c.aliases().includes(w)) : undefined;
    if (sub) {
      cmd = sub;
      chain.unshift(sub);
      continue;
    }
    positional++;
  }
  const names = async (kind: ValueKind | undefined): Promise<string[]> => {
    if (kind === undefined) return [];
    return namesIn(locateVault(io.cwd, io.env, fileFlag).file)[kind];
  };
  let found: string[];
  if (pending && !(pending.variadic && current.startsWith("-"))) {
    found = pending.argChoices ? [...pending.argChoices] : await names(valueKindOf(pending));
  } else if (current.startsWith("-") && !afterDashes) {
    pending = undefined;
    found = chain.flatMap((c) =>
      optionsOf(c).flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined)),
    );
    found.push("--help", "-h"); // commander's own help option, on every command
  } else if (visibleCommands(cmd).length > 0 && positional === 0) {
    found = visibleCommands(cmd).map((c) => c.name());
  } else {
    const args = cmd.registeredArguments;
    const arg: Argument | undefined = args[Math.min(positional, args.length - 1)];
    const usable = arg && (positional < args.length || arg.variadic);
    found = !usable ? [] : arg.argChoices ? [...arg.argChoices] : await names(valueKindOf(arg));
  }
  return [...new Set(found)].filter((c) => c.startsWith(current)).sort();
}
