/**
 * Random mutations of a vault's text, each a plausible accident or attack: flipped bytes, edited YAML values,
 * swapped or copied ciphertexts, reordered, deleted or duplicated entries, renamed keys, swapped recipients,
 * added or removed sops.age items, truncated armor, edited sops metadata, and harmless reformatting; and the kinds
 * of the second security round (YAML tags, deep nesting, regex fields), which tamper-kinds.test.ts also runs one
 * by one against their documented exit codes.
 */
import { randomBytes } from "node:crypto";
import { parseDocument } from "yaml";
import { testKey } from "../helpers.js";
import type { Rng } from "./support.js";

export interface Mutation {
  text: string;
  what: string;
}
type Mutator = (text: string, rng: Rng) => Mutation;

const CHARS = "abcXYZ019+/=:-_ \"'[]{}#&*!|>\n\t.,ENC";
const carol = testKey("carol").recipient;

function lines(text: string): string[] {
  return text.split("\n");
}

/** Indexes of the lines matching `re`. */
function where(ls: readonly string[], re: RegExp): number[] {
  return ls.flatMap((l, i) => (re.test(l) ? [i] : []));
}

/** [start, end) line ranges of each secret entry (`  NAME:` and its indented fields). */
function entryBlocks(ls: readonly string[]): [number, number][] {
  const out: [number, number][] = [];
  const start = ls.indexOf("secrets:");
  if (start < 0) return out;
  let i = start + 1;
  while (i < ls.length && /^ {2}\S/.test(ls[i]!)) {
    let j = i + 1;
    while (j < ls.length && /^ {4}/.test(ls[j]!)) j++;
    out.push([i, j]);
    i = j;
  }
  return out;
}

/** [start, end) ranges of each sops.age item. */
function ageItems(ls: readonly string[]): [number, number][] {
  const out: [number, number][] = [];
  for (const i of where(ls, /^ {2}- recipient: /)) {
    let j = i + 1;
    while (j < ls.length && /^ {4}/.test(ls[j]!)) j++;
    out.push([i, j]);
  }
  return out;
}

function swap<T>(a: T[], i: number, j: number): void {
  [a[i], a[j]] = [a[j]!, a[i]!];
}

function tweak(s: string, rng: Rng): string {
  if (s.length === 0) return rng.pick(CHARS.split(""));
  const i = rng.int(s.length);
  return s.slice(0, i) + rng.pick(CHARS.split("").filter((c) => c !== s[i])) + s.slice(i + 1);
}

const MUTATORS: Record<string, Mutator> = {
  flipByte(text, rng) {
    const i = rng.int(text.length);
    return { text: text.slice(0, i) + tweak(text[i]!, rng) + text.slice(i + 1), what: `flip byte ${i}` };
  },
  deleteBytes(text, rng) {
    const i = rng.int(text.length);
    const n = 1 + rng.int(20);
    return { text: text.slice(0, i) + text.slice(i + n), what: `delete ${n} bytes at ${i}` };
  },
  insertBytes(text, rng) {
    const i = rng.int(text.length);
    const junk = Array.from({ length: 1 + rng.int(6) }, () => rng.pick(CHARS.split(""))).join("");
    return { text: text.slice(0, i) + junk + text.slice(i), what: `insert ${JSON.stringify(junk)} at ${i}` };
  },
  editValue(text, rng) {
    const ls = lines(text);
    const candidates = where(ls, /^\s+(?:- )?[A-Za-z_]+: (?!ENC\[|\|)\S/).concat(where(ls, /^required: /));
    const i = rng.pick(candidates);
    const m = /^(\s*(?:- )?[A-Za-z_]+: )(.*)$/.exec(ls[i]!)!;
    const old = m[2]!;
    const unquoted = old.replace(/^"(.*)"$/, "$1");
    const choices = [
      tweak(old, rng),
      `${old}x`,
      '""',
      "null",
      "~",
      "[]",
      "{}",
      "1",
      "1.5",
      "true",
      "2027-01-01T00:00:00Z",
      "2027-02-30",
      `"${unquoted}"`,
      `'${unquoted}'`,
      unquoted,
      `${old} # comment`,
      "[PYPI_TOKEN]",
      "[]",
    ];
    const next = rng.pick(choices);
    ls[i] = m[1] + next;
    return { text: ls.join("\n"), what: `line ${i + 1}: ${JSON.stringify(old)} → ${JSON.stringify(next)}` };
  },
  swapCiphertexts(text, rng) {
    const ls = lines(text);
    const at = where(ls, /^ {4}value: ENC\[/);
    const a = rng.int(at.length);
    const b = (a + 1 + rng.int(at.length - 1)) % at.length;
    const va = ls[at[a]!]!.slice(11);
    ls[at[a]!] = ls[at[a]!]!.slice(0, 11) + ls[at[b]!]!.slice(11);
    ls[at[b]!] = ls[at[b]!]!.slice(0, 11) + va;
    return { text: ls.join("\n"), what: `swap ciphertexts of entries ${a} and ${b}` };
  },
  copyCiphertext(text, rng) {
    const ls = lines(text);
    const at = where(ls, /^ {4}value: ENC\[/);
    const a = rng.int(at.length);
    const b = (a + 1 + rng.int(at.length - 1)) % at.length;
    ls[at[a]!] = ls[at[b]!]!;
    return { text: ls.join("\n"), what: `copy ciphertext of entry ${b} over entry ${a}` };
  },
  macAsValue(text, rng) {
    const ls = lines(text);
    const at = where(ls, /^ {4}value: ENC\[/);
    const mac = ls.find((l) => l.startsWith("  mac: "))!.slice(7);
    const a = rng.pick(at);
    ls[a] = `    value: ${mac}`;
    return { text: ls.join("\n"), what: `put the MAC ciphertext into line ${a + 1}` };
  },
  reorderEntries(text, rng) {
    const ls = lines(text);
    const blocks = entryBlocks(ls);
    const a = rng.int(blocks.length);
    const b = (a + 1 + rng.int(blocks.length - 1)) % blocks.length;
    const parts = blocks.map(([s, e]) => ls.slice(s, e));
    swap(parts, a, b);
    const [first] = blocks[0]!;
    const last = blocks.at(-1)![1];
    return {
      text: [...ls.slice(0, first), ...parts.flat(), ...ls.slice(last)].join("\n"),
      what: `swap entries ${a} and ${b}`,
    };
  },
  deleteEntry(text, rng) {
    const ls = lines(text);
    const [s, e] = rng.pick(entryBlocks(ls));
    return { text: [...ls.slice(0, s), ...ls.slice(e)].join("\n"), what: `delete entry at line ${s + 1}` };
  },
  duplicateEntry(text, rng) {
    const ls = lines(text);
    const [s, e] = rng.pick(entryBlocks(ls));
    const copy = ls.slice(s, e);
    copy[0] = `  COPY_${rng.int(100)}:`;
    return {
      text: [...ls.slice(0, e), ...copy, ...ls.slice(e)].join("\n"),
      what: `duplicate entry at line ${s + 1} under a new name`,
    };
  },
  deleteField(text, rng) {
    const ls = lines(text);
    const i = rng.pick(where(ls, /^ {4}[a-z_]+: /));
    const gone = ls[i];
    ls.splice(i, 1);
    return { text: ls.join("\n"), what: `delete ${JSON.stringify(gone)}` };
  },
  renameKeys(text, rng) {
    const ls = lines(text);
    const [s, e] = rng.pick(entryBlocks(ls));
    const fields = where(ls.slice(s, e), /^ {4}[a-z_]+: /).map((i) => i + s);
    const a = rng.pick(fields);
    const b = rng.pick(fields.filter((f) => f !== a));
    const name = (l: string): string => /^ {4}([a-z_]+):/.exec(l)![1]!;
    const [na, nb] = [name(ls[a]!), name(ls[b]!)];
    ls[a] = ls[a]!.replace(`    ${na}:`, `    ${nb}:`);
    ls[b] = ls[b]!.replace(`    ${nb}:`, `    ${na}:`);
    return { text: ls.join("\n"), what: `swap key names ${na} ↔ ${nb} at lines ${a + 1}, ${b + 1}` };
  },
  renameOneKey(text, rng) {
    const ls = lines(text);
    const i = rng.pick(where(ls, /^ {4}(?:type|description|created_at|rotated_at|expires_at|rotate_every):/));
    const to = rng.pick(["type", "description", "created_at", "rotated_at", "expires_at", "rotate_every", "notes"]);
    ls[i] = ls[i]!.replace(/^( {4})[a-z_]+:/, `$1${to}:`);
    return { text: ls.join("\n"), what: `rename the key at line ${i + 1} to ${to}` };
  },
  swapRecipientNames(text) {
    return {
      text: text
        .replace(/^ {2}alice: /m, "  @@: ")
        .replace(/^ {2}bob: /m, "  alice: ")
        .replace(/^ {2}@@: /m, "  bob: "),
      what: "swap the names alice ↔ bob",
    };
  },
  renameRecipient(text, rng) {
    const to = rng.pick(["mallory", "carol", "ci"]);
    return { text: text.replace(/^ {2}bob: /m, `  ${to}: `), what: `rename recipient bob to ${to}` };
  },
  removeAgeItem(text, rng) {
    const ls = lines(text);
    const [s, e] = rng.pick(ageItems(ls));
    return { text: [...ls.slice(0, s), ...ls.slice(e)].join("\n"), what: `remove the sops.age item at line ${s + 1}` };
  },
  addAgeItem(text, rng) {
    const ls = lines(text);
    const items = ageItems(ls);
    const [s, e] = rng.pick(items);
    const copy = ls.slice(s, e);
    const how = rng.pick(["duplicate", "carol"]);
    if (how === "carol") copy[0] = `  - recipient: ${carol}`;
    const at = items.at(-1)![1];
    return {
      text: [...ls.slice(0, at), ...copy, ...ls.slice(at)].join("\n"),
      what: `add a sops.age item (${how} of line ${s + 1})`,
    };
  },
  retargetAgeItem(text, rng) {
    const ls = lines(text);
    const i = rng.pick(where(ls, /^ {2}- recipient: /));
    ls[i] = `  - recipient: ${carol}`;
    return { text: ls.join("\n"), what: `point the sops.age item at line ${i + 1} to carol` };
  },
  swapRecipientKeys(text) {
    const ls = lines(text);
    const [a, b] = where(ls, /^ {2}(?:alice|bob): age1/);
    const ka = ls[a!]!.split(": ")[1]!;
    const kb = ls[b!]!.split(": ")[1]!;
    ls[a!] = ls[a!]!.replace(ka, kb);
    ls[b!] = ls[b!]!.replace(kb, ka);
    return { text: ls.join("\n"), what: "swap the keys of alice and bob" };
  },
  truncateArmor(text, rng) {
    const ls = lines(text);
    const body = where(ls, /^ {6}[A-Za-z0-9+/=]+$/);
    const i = rng.pick(body);
    const how = rng.int(3);
    if (how === 0) ls.splice(i, 1);
    else if (how === 1) ls[i] = ls[i]!.slice(0, 6 + rng.int(ls[i]!.length - 6));
    else ls.splice(i, ls.findIndex((l, j) => j > i && l.includes("-----END")) - i);
    return { text: ls.join("\n"), what: `truncate the armor at line ${i + 1} (way ${how})` };
  },
  editArmorMarker(text, rng) {
    const ls = lines(text);
    const i = rng.pick(where(ls, /-----(BEGIN|END) AGE ENCRYPTED FILE-----/));
    ls[i] = rng.next() < 0.5 ? ls[i]!.replace("AGE", "AGX") : "";
    return { text: ls.join("\n"), what: `damage the armor marker at line ${i + 1}` };
  },
  editSopsField(text, rng) {
    const ls = lines(text);
    const i = rng.pick(where(ls, /^ {2}(?:lastmodified|mac|encrypted_regex|version): /));
    const m = /^( {2}[a-z_]+: )(.*)$/.exec(ls[i]!)!;
    const next = rng.pick([
      tweak(m[2]!, rng),
      '"2026-11-24T10:00:01Z"',
      "2026-11-24T10:00:00Z",
      "'2026-11-24T10:00:00Z'",
      "^val",
      "4.0.0",
      "3.7.0",
      '""',
      "null",
      m[2]!.replace("type:str", "type:int"),
    ]);
    ls[i] = m[1] + next;
    return { text: ls.join("\n"), what: `line ${i + 1}: ${m[2]!.slice(0, 40)} → ${next.slice(0, 40)}` };
  },
  deleteSopsField(text, rng) {
    const ls = lines(text);
    const i = rng.pick(where(ls, /^ {2}(?:lastmodified|mac|encrypted_regex|version|age):/));
    ls.splice(i, 1);
    return { text: ls.join("\n"), what: `delete sops line ${i + 1}` };
  },
  changeValueType(text, rng) {
    const ls = lines(text);
    const i = rng.pick(where(ls, /type:str\]$/));
    const to = rng.pick(["int", "float", "bool", "bytes", "comment", "time", "xyz"]);
    ls[i] = ls[i]!.replace(/type:str\]$/, `type:${to}]`);
    return { text: ls.join("\n"), what: `type:str → type:${to} at line ${i + 1}` };
  },
  editRequired(text, rng) {
    const next = rng.pick([
      "[GITHUB_TOKEN, PYPI_TOKEN]",
      "[PYPI_TOKEN]",
      "[PYPI_TOKEN, GITHUB_TOKEN, API_KEY]",
      "[]",
      "PYPI_TOKEN",
      "[PYPI_TOKEN, GITHUB_TOKE]",
    ]);
    return { text: text.replace(/^required: .*$/m, `required: ${next}`), what: `required → ${next}` };
  },
  addField(text, rng) {
    const ls = lines(text);
    const [s] = rng.pick(entryBlocks(ls));
    const field = rng.pick(["notes: hi", "extra:", "extra: {}", "extra: []", "value2: x", 'owner: ""']);
    ls.splice(s + 1 + rng.int(3), 0, `    ${field}`);
    return { text: ls.join("\n"), what: `add ${JSON.stringify(field)} to the entry at line ${s + 1}` };
  },
  addTopLevel(text, rng) {
    const field = rng.pick(["extra: x", "extra:", "extra: {}", "extra: []", "secrets2: {}"]);
    return {
      text: text.replace(/^required: /m, `${field}\nrequired: `),
      what: `add top-level ${JSON.stringify(field)}`,
    };
  },
  whitespace(text, rng) {
    const ls = lines(text);
    const i = rng.int(ls.length);
    const how = rng.pick(["trailing space", "blank line", "comment", "crlf"]);
    if (how === "trailing space" && !/^ {6}/.test(ls[i]!)) ls[i] += "  ";
    else if (how === "blank line") ls.splice(i, 0, "");
    else if (how === "comment") ls.splice(i, 0, `${" ".repeat(/^ */.exec(ls[i]!)![0].length)}# a comment`);
    else if (how === "crlf") return { text: text.replace(/\n/g, "\r\n"), what: "CRLF line ends" };
    return { text: ls.join("\n"), what: `${how} at line ${i + 1}` };
  },
  reformat(text, rng) {
    const doc = parseDocument(text);
    const how = rng.pick(["indent 4", "flow style", "sops first"]);
    if (how === "sops first") {
      const root = doc.contents as { items: unknown[] };
      root.items.unshift(root.items.pop());
      return { text: doc.toString({ lineWidth: 0 }), what: how };
    }
    return {
      text: how === "indent 4" ? doc.toString({ indent: 4, lineWidth: 0 }) : JSON.stringify(doc.toJSON()),
      what: how,
    };
  },
};

/**
 * The kinds added by the second security round, each refused with one documented exit code (README "Exit
 * codes"), which tamper-kinds.test.ts asserts kind by kind: YAML tags, nesting beyond the limit, regular
 * expressions in the sops rules and in a custom type (RE2 only, run in linear time: none of them may hang a reader).
 */
const KIND_MUTATORS: Record<string, Mutator> = {
  yamlTag(text, rng) {
    const ls = lines(text);
    const tag = rng.pick([
      "!!binary",
      "!!str",
      "!!int",
      "!!timestamp",
      "!custom",
      "!<tag:yaml.org,2002:str>",
      "!",
      "!!map",
      "!!seq",
    ]);
    const how = rng.pick(["value", "key", "section"]);
    if (how === "section") {
      const i = rng.pick(where(ls, /^(?:secrets|recipients|sops|required):/));
      ls[i] = ls[i]!.replace(/^([a-z]+):/, `$1: ${tag}`);
    } else {
      const i = rng.pick(where(ls, /^\s+(?:- )?[A-Za-z_]+: (?!\|)\S/));
      ls[i] =
        how === "key"
          ? ls[i]!.replace(/^(\s+(?:- )?)/, `$1${tag} `)
          : ls[i]!.replace(/^(\s*(?:- )?[A-Za-z_]+: )/, `$1${tag} `);
    }
    return { text: ls.join("\n"), what: `tag ${tag} on a ${how}` };
  },
  deepNesting(text, rng) {
    const flow = rng.next() < 0.5;
    // Block nesting costs its square in indentation: a few hundred levels say as much as thousands.
    const depth = 101 + rng.int(rng.next() < 0.5 ? 50 : flow ? 5000 : 400);
    const at = rng.pick(["top", "entry", "sops"] as const);
    const indent = { top: "", entry: "    ", sops: "  " }[at];
    // `deep: [[[…]]]` on one line, or `deep:` followed by `k:` (or `- k:`) one level deeper on each line.
    const field = flow
      ? `${indent}deep: ${rng.pick(["", "{a: "])}${"[".repeat(depth)}${"]".repeat(depth)}`.replace(/(\{a: .*)$/, "$1}")
      : [`${indent}deep:`, ...blockLevels(depth, rng).map((l) => indent + l)].join("\n") + " x";
    const anchor = { top: /^(required: .*)$/m, entry: /^( {4}type: .*)$/m, sops: /^( {2}version: .*)$/m }[at];
    const out = at === "top" ? text.replace(anchor, `${field}\n$1`) : text.replace(anchor, `$1\n${field}`);
    return { text: out, what: `${depth} levels (${flow ? "flow" : "block"}) in the ${at}` };
  },
  regexRule(text, rng) {
    const field = rng.pick([
      "unencrypted_regex",
      "unencrypted_suffix",
      "encrypted_suffix",
      "unencrypted_comment_regex",
      "encrypted_comment_regex",
    ]);
    const pattern = rng.pick(PATHOLOGICAL);
    return {
      text: text.replace(/^( {2}encrypted_regex: .*)$/m, (line) => `${line}\n  ${field}: '${pattern}'`),
      what: `a second rule ${field}: ${pattern}`,
    };
  },
  regexNotRe2(text, rng) {
    const pattern = rng.pick(["(?=v)value", "^(v)\\1alue$", "^valu(?!x)e$", "(?<=x)value", "^value++$", "^(?>value)$"]);
    return {
      text: text.replace(/^ {2}encrypted_regex: .*$/m, () => `  encrypted_regex: '${pattern}'`),
      what: `encrypted_regex: ${pattern}`,
    };
  },
  regexRedos(text, rng) {
    const pattern = rng.pick(PATHOLOGICAL);
    const key = `${"a".repeat(20 + rng.int(40))}!`;
    return {
      text: text
        .replace(/^ {2}encrypted_regex: .*$/m, () => `  encrypted_regex: '${pattern}'`)
        .replace(/^secrets:\n/m, `secrets:\n  ${key}: x\n`),
      what: `encrypted_regex: ${pattern} with a key ${key}`,
    };
  },
  ageStanzas(text, rng) {
    // Past the limit of 16 stanzas per enc: a few more, or the 20,000 (2.9 MB) that took 50 s.
    const extra = rng.next() < 0.8 ? 16 + rng.int(50) : 20_000;
    return { text: withStanzas(text, extra), what: `${extra} extra stanzas in each sops.age enc` };
  },
  manyNodes(text, rng) {
    // Past the limit of 200,000 nodes: a flat flow list, a block list or a flow map, at the top or in an entry.
    const n = 200_001 + rng.int(100_000);
    const how = rng.pick(["flow", "block", "map"] as const);
    const field =
      how === "flow"
        ? `x: [${Array(n).fill("0").join(",")}]`
        : how === "map"
          ? `x: {${Array.from({ length: n / 2 }, (_, i) => `k${i}: 0`).join(", ")}}`
          : `x:\n${Array(n).fill("- 0").join("\n")}`;
    return { text: text.replace(/^required: /m, () => `${field}\nrequired: `), what: `${n} nodes (${how})` };
  },
  typePattern(text, rng) {
    const pattern = rng.pick(PATHOLOGICAL);
    return {
      text: text
        .replace(/^required: /m, () => `types:\n  slow:\n    pattern: '${pattern}'\nrequired: `)
        .replace(/^( {4}type: )generic$/m, "$1slow"),
      what: `a custom type with pattern ${pattern}`,
    };
  },
};

/** `text` with `extra` random X25519 stanzas put before the real one in every sops.age item's enc. */
export function withStanzas(text: string, extra: number): string {
  return text.replace(/^( {4}enc: \|\n)((?: {6}.*\n)+)/gm, (_all, head: string, block: string) => {
    const armored = block
      .split("\n")
      .map((l) => l.slice(6))
      .filter((l) => l && !l.startsWith("-----"))
      .join("");
    const file = Buffer.from(armored, "base64");
    const cut = file.indexOf("\n") + 1;
    const b64 = (n: number) => randomBytes(n).toString("base64").replace(/=+$/, "");
    const stanzas = Array.from({ length: extra }, () => `-> X25519 ${b64(32)}\n${b64(32)}\n`).join("");
    const body = Buffer.concat([file.subarray(0, cut), Buffer.from(stanzas, "latin1"), file.subarray(cut)]).toString(
      "base64",
    );
    const lines = [
      "-----BEGIN AGE ENCRYPTED FILE-----",
      ...body.match(/.{1,64}/g)!,
      "-----END AGE ENCRYPTED FILE-----",
    ];
    return head + lines.map((l) => `      ${l}\n`).join("");
  });
}

/** `depth` lines `k:`, each one level below the one before; some as list items (`- k:`, two levels). */
function blockLevels(depth: number, rng: Rng): string[] {
  let col = 2;
  return Array.from({ length: depth }, () => {
    const dash = rng.next() < 0.2;
    const line = `${" ".repeat(col)}${dash ? "- " : ""}k:`;
    col += dash ? 4 : 2;
    return line;
  });
}

/** Patterns that take exponential time in a backtracking engine, anchored so that no key of a vault matches. */
const PATHOLOGICAL = ["^(a+)+$", "^(a|aa)+$", "^(a|a?)+$", "^(a*)*$", "^(a+){10}$", "^((a+)+)+$"];

/** The exit code each added kind is refused with. */
export const KIND_EXIT: Record<string, number> = {
  yamlTag: 6,
  deepNesting: 6,
  regexRule: 6,
  regexNotRe2: 6,
  regexRedos: 5,
  typePattern: 5,
  ageStanzas: 6,
  manyNodes: 6,
};

/** One mutation of the named added kind. */
export function mutateKind(kind: string, text: string, rng: Rng): Mutation {
  return KIND_MUTATORS[kind]!(text, rng);
}
Object.assign(MUTATORS, KIND_MUTATORS);

/** Applies 1 to 3 random mutations. */
export function mutate(text: string, rng: Rng): Mutation {
  const names = Object.keys(MUTATORS);
  const n = 1 + (rng.next() < 0.7 ? 0 : rng.int(3));
  let out: Mutation = { text, what: "" };
  const whats: string[] = [];
  for (let k = 0; k < n; k++) {
    const name = rng.pick(names);
    try {
      out = MUTATORS[name]!(out.text, rng);
      whats.push(`${name}: ${out.what}`);
    } catch {
      whats.push(`${name}: not applicable`); // an earlier mutation removed what this one needs
    }
  }
  return { text: out.text, what: whats.join("; ") };
}

export const MUTATOR_NAMES = Object.keys(MUTATORS);
