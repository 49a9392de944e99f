/**
 * Encrypts plaintext documents into a sops YAML file the way `sops -e` does (sops's `Tree.Encrypt` and YAML store):
 * each leaf sops would encrypt becomes `ENC[…]` with its type, comments under encrypted paths are encrypted too (a
 * comment between list items becomes a list item `ENC[…,type:comment]`, as sops writes it), one MAC covers every
 * document, each document gets the `sops` block, and the layout is go-yaml's with an indent of 4. Empty key lists
 * are left out, as sops ≥ 3.10 does. This is what a future `vaultfile encrypt` writes; the tests use it to put
 * every kind of tree in front of the real sops.
 */
import { generateDataKey, encryptAead } from "../crypto/aead.js";
import { wrapDataKey } from "../crypto/age.js";
import { checkRecipient } from "../crypto/identities.js";
import { formatEncryptedValue, type SopsValueType } from "../format/enc.js";
import { MacBuilder } from "../format/mac.js";
import type { PlainComment, PlainList, PlainMap, PlainNode, PlainScalar } from "../format/plain-tree.js";
import { additionalData, DEFAULT_UNENCRYPTED_SUFFIX, type EncryptionRules } from "../format/rules.js";
import { printSopsYaml } from "../format/sops-yaml-print.js";
import { formatGoFloat, utf8Bytes } from "../format/values.js";
import { macAdditionalData } from "../format/yaml.js";
import { selector, type ShouldEncrypt } from "./select.js";

/** The sops version written into files this writes (a format it matches, read by sops 3.9 and later). */
export const ENCRYPT_SOPS_VERSION = "3.9.4";

export interface EncryptOptions {
  /** age recipients (`age1…`), each getting the data key wrapped. */
  recipients: readonly string[];
  /** Which leaves to encrypt; sops's default (`unencrypted_suffix: _unencrypted`) when absent. */
  rules?: EncryptionRules;
  macOnlyEncrypted?: boolean;
  /** `lastmodified`. */
  now: Date;
}

/** The encrypted file text. */
export async function encryptSops(docs: readonly PlainMap[], opts: EncryptOptions): Promise<string> {
  const rules = opts.rules ?? { unencryptedSuffix: DEFAULT_UNENCRYPTED_SUFFIX };
  const dataKey = generateDataKey();
  const mac = new MacBuilder(opts.macOnlyEncrypted === true);
  const walker = new EncryptWalker(selector(rules), dataKey, mac);
  const encrypted = docs.map((d) => walker.branch(d, [], [[]]));
  const lastModified = opts.now.toISOString().replace(/\.\d{3}Z$/, "Z");
  const macValue = formatEncryptedValue(
    encryptAead(dataKey, utf8Bytes(mac.digest()), macAdditionalData(lastModified), "str"),
  );
  const age: PlainMap[] = [];
  for (const r of opts.recipients) {
    checkRecipient(r, r);
    age.push({ kind: "map", items: [pair("recipient", str(r)), pair("enc", str(await wrapDataKey(dataKey, r)))] });
  }
  const meta: PlainMap = {
    kind: "map",
    items: [
      pair("age", { kind: "list", items: age }),
      pair("lastmodified", str(lastModified)),
      pair("mac", str(macValue)),
      ...ruleItems(rules),
      ...(opts.macOnlyEncrypted ? [pair("mac_only_encrypted", { kind: "bool", value: true })] : []),
      pair("version", str(ENCRYPT_SOPS_VERSION)),
    ],
  };
  return printSopsYaml(encrypted.map((d) => ({ kind: "map", items: [...d.items, pair("sops", meta)] })));
}

function ruleItems(rules: EncryptionRules): PlainMap["items"] {
  const names: [keyof EncryptionRules, string][] = [
    ["unencryptedSuffix", "unencrypted_suffix"],
    ["encryptedSuffix", "encrypted_suffix"],
    ["unencryptedRegex", "unencrypted_regex"],
    ["encryptedRegex", "encrypted_regex"],
    ["unencryptedCommentRegex", "unencrypted_comment_regex"],
    ["encryptedCommentRegex", "encrypted_comment_regex"],
  ];
  return names
    .filter(([k]) => rules[k] !== undefined && rules[k] !== "")
    .map(([k, name]) => pair(name, str(rules[k]!)));
}

const str = (value: string): PlainScalar => ({ kind: "str", value });
const pair = (key: string, value: PlainNode): PlainMap["items"][number] => ({ kind: "pair", key, value });

class EncryptWalker {
  constructor(
    private readonly shouldEncrypt: ShouldEncrypt,
    private readonly dataKey: Uint8Array,
    private readonly mac: MacBuilder,
  ) {}

  /** `stack` holds this branch's level of comments already (sops's walkBranch appends it). */
  branch(map: PlainMap, path: readonly string[], stack: string[][]): PlainMap {
    const items: PlainMap["items"] = [];
    for (const it of map.items) {
      if (it.kind === "comment") {
        stack[stack.length - 1]!.push(it.text);
        items.push(this.commentItem(it, path, stack) ?? it);
        continue;
      }
      const p = [...path, it.key];
      items.push(pair(it.key, this.value(it.value, p, stack)));
      stack[stack.length - 1] = [];
    }
    return { kind: "map", items };
  }

  private list(list: PlainList, path: readonly string[], stack: string[][]): PlainList {
    const items: PlainList["items"] = [];
    for (const it of list.items) {
      if (it.kind === "comment") {
        stack[stack.length - 1]!.push(it.text);
        const enc = this.commentItem(it, path, stack);
        // sops's walk turns an encrypted list comment into a string item.
        items.push(enc ? str(enc.text) : it);
        continue;
      }
      items.push(this.value(it, path, stack));
      stack[stack.length - 1] = [];
    }
    return { kind: "list", items };
  }

  private value(v: PlainNode, path: readonly string[], stack: string[][]): PlainNode {
    if (v.kind === "map") return this.branch(v, path, [...stack, []]);
    if (v.kind === "list") return this.list(v, path, [...stack, []]);
    if (v.kind === "null") return v;
    const encrypted = this.shouldEncrypt(path, stack, false);
    const [type, bytes] = typed(v);
    this.mac.add(bytes, encrypted);
    if (!encrypted || (v.kind === "str" && v.value === "")) return v;
    return str(formatEncryptedValue(encryptAead(this.dataKey, bytes, additionalData(path), type)));
  }

  /** The comment encrypted, when sops would encrypt it (never an empty one); else `undefined`. */
  private commentItem(c: PlainComment, path: readonly string[], stack: string[][]): PlainComment | undefined {
    if (c.text === "" || !this.shouldEncrypt(path, stack, true)) return undefined;
    return {
      kind: "comment",
      text: formatEncryptedValue(encryptAead(this.dataKey, utf8Bytes(c.text), additionalData(path), "comment")),
    };
  }
}

/** sops's encrypted type and plaintext bytes of a scalar (`aes.Cipher.Encrypt`, `ToBytes`). */
function typed(v: Exclude<PlainScalar, { kind: "null" }>): [SopsValueType, Uint8Array] {
  switch (v.kind) {
    case "str":
      return ["str", utf8Bytes(v.value)];
    case "int":
      return ["int", utf8Bytes(v.value.toString())];
    case "float":
      return ["float", utf8Bytes(formatGoFloat(v.value))];
    case "bool":
      return ["bool", utf8Bytes(v.value ? "True" : "False")];
    case "time":
      return ["time", utf8Bytes(v.value)];
    case "bytes":
      return ["bytes", v.value];
  }
}
