/**
 * The review view of a vault for `git diff` / `git log -p` (a git "textconv"): the file as it is, with each
 * encrypted value replaced by a keyed fingerprint (or, without a key, a tag of its ciphertext) and the sops block
 * reduced to a readable summary. Same value under the same name → same fingerprint in every commit, so a diff
 * shows exactly which values changed and never what they are.
 */
import { isMap, Scalar, YAMLMap, YAMLSeq, type Document } from "yaml";
import { DecryptionError, IntegrityError, NoIdentityError, WrongKeyError } from "../errors.js";
import { hmac } from "../crypto/aead.js";
import { utf8Bytes } from "../format/values.js";
import {
  detectIndentSeq,
  printYaml,
  SOPS_KEY,
  walkTree,
  type SopsMetadata,
  doubleQuoted,
  type TreeScalar,
} from "../format/yaml.js";
import { SopsFile } from "../sops/sops-file.js";
import type { KeySearch } from "../crypto/key-search.js";
import { ciphertextTag, VersionText } from "./vault-view.js";
import { keyedChange, keylessChange, versionBefore, type VersionBefore } from "./key-change.js";
import type { ParentVersion } from "./parent-version.js";
import { SECTION } from "../vault/schema.js";

/** HKDF purpose of the fingerprint key: changing it changes every fingerprint. */
export const FINGERPRINT_PURPOSE = "vaultfile fingerprint v1";

export interface TextconvOptions {
  keys: KeySearch;
  /** Print decrypted values instead of fingerprints (for a local review; never in CI logs). */
  showValues?: boolean;
  /**
   * With `showValues`: called with the names whose values are about to be shown (a vault's secret names, else the
   * `:`-joined paths), before the view is returned, e.g. to write the audit log. What it throws fails the call.
   */
  beforeShowingValues?: (names: string[]) => void;
  /**
   * The version before this one (`parent-version.ts`: `null` none), to mark a changed data key as `data_key:
   * replaced (proof ok)`, `replaced (NO PROOF)`, without a key `changed (…)`, and `unknown (…)` when it cannot be told.
   */
  parent?: () => Promise<ParentVersion>;
}

/**
 * The review view of `source`. Never throws: a file it cannot read at all comes back as it is, because a failing
 * textconv breaks `git diff` for the whole repository. Each version (this one, the one before) is parsed once: the
 * keyless view, when the key does not open the file, is made from the tree the keyed attempt parsed.
 */
export async function textconv(source: string, file: string, opts: TextconvOptions): Promise<string> {
  const found = await opts.parent?.().catch((): ParentVersion => ({ unknown: "the lookup failed" }));
  const self = new VersionText(source, file);
  const parent = versionBefore(found);
  let sf: SopsFile;
  try {
    sf = await SopsFile.open(source, file, opts.keys, { parsed: self.doc() });
  } catch (err) {
    try {
      return keylessView(self, macStatusAfter(err), keylessChange(self, parent));
    } catch {
      return source;
    }
  }
  let keyed: { text: string; shown: string[] };
  try {
    keyed = await keyedView(sf, self, opts, parent);
  } catch {
    return source; // none known; the tree may be half changed, so there is no keyless view to fall back to
  }
  // Outside the fallback above: values that cannot be recorded as shown are not shown.
  if (opts.showValues) opts.beforeShowingValues?.(keyed.shown);
  return keyed.text;
}

/** The keyed view of `sf` (opened from `self`), and the names whose values it shows in clear (with `showValues`). */
async function keyedView(
  sf: SopsFile,
  self: VersionText,
  opts: TextconvOptions,
  parent: VersionBefore,
): Promise<{ text: string; shown: string[] }> {
  // Before the tree changes below: the keyless verdict reads this version's sops block from it.
  const dataKey = await keyedChange(sf, self, parent, opts.keys).catch(() => undefined);
  const key = sf.deriveKey(FINGERPRINT_PURPOSE);
  const shown = new Set<string>();
  walkTree(sf.doc, sf.meta.rules, {
    leaf: (leaf) => {
      const p = sf.plaintextOf(leaf.node);
      if (!p) return;
      if (opts.showValues) {
        leaf.node.value = p.value;
        leaf.node.type = undefined;
        shown.add(leaf.path[0] === SECTION.secrets && leaf.path.length > 1 ? leaf.path[1]! : leaf.path.join(":"));
      } else {
        replace(leaf.node, `<fp:${fingerprint(key, leaf.path, p.bytes)}>`);
      }
    },
  });
  const m = sf.mislabelled;
  // No MAC covers sops.age, and the view hides the enc of each item: a moved one must show in review.
  const moved =
    m && `item ${m.item} is labelled for ${m.label} but opens with your key ${m.opener}: its enc was swapped or copied`;
  summariseSops(
    sf.doc,
    sf.meta,
    sf.sealState === "valid" ? "verified" : "verified (seal stale: last saved by plain sops)",
    dataKey,
    moved,
  );
  return { text: printYaml(sf.doc, detectIndentSeq(self.text)), shown: [...shown] };
}

function keylessView(self: VersionText, macStatus: string, dataKey: string | undefined): string {
  const view = self.view();
  walkTree(view.doc, view.meta.rules, {
    leaf: (leaf) => {
      const v: unknown = leaf.node.value;
      if (!leaf.encrypted || v === null || v === undefined || v === "") return;
      // A clear value on an encrypted path is flagged, not shown: `vaultfile check` names it.
      replace(
        leaf.node,
        typeof v === "string" && v.startsWith("ENC[") ? `<encrypted:${ciphertextTag(v)}>` : "<NOT ENCRYPTED>",
      );
    },
  });
  summariseSops(view.doc, view.meta, macStatus, dataKey);
  return printYaml(view.doc, detectIndentSeq(self.text));
}

/** What the summary says about the MAC when the keyed view failed with `err`. */
function macStatusAfter(err: unknown): string {
  if (err instanceof NoIdentityError || err instanceof WrongKeyError) return "not checked (no key)";
  if (err instanceof IntegrityError || err instanceof DecryptionError) return `DOES NOT VERIFY (${err.message})`;
  return "not checked";
}

/**
 * The first 8 bytes of HMAC-SHA-256(key, path ‖ 0 ‖ plaintext), as 16 hex digits. 64 bits: a recipient grinding a
 * different value with the same fingerprint (to hide a change in review) needs ~2^64 HMACs; 32 bits took hours.
 */
export function fingerprint(key: Uint8Array, path: readonly string[], plaintext: Uint8Array): string {
  const h = hmac(key);
  h.update(utf8Bytes(path.map((p) => `${p}:`).join("")));
  h.update(new Uint8Array([0]));
  h.update(plaintext);
  return Buffer.from(h.digest().subarray(0, 8)).toString("hex");
}

function replace(node: TreeScalar, shown: string): void {
  node.value = shown;
  node.type = Scalar.PLAIN;
}

/**
 * Swaps the sops block for what a reviewer can read: the recipients the data key is wrapped for (one a line, so
 * an added one is one added line), an age item whose enc opened with another key than its label, `lastmodified`,
 * whether the MAC verified and, when it changed against the version before, the data key. The wrapped keys and the MAC itself say nothing to a person.
 */
function summariseSops(
  doc: Document,
  meta: SopsMetadata,
  macStatus: string,
  dataKey: string | undefined,
  movedEnc?: string,
): void {
  const root = doc.contents;
  if (!isMap(root)) return;
  const summary = new YAMLMap();
  const recipients = new YAMLSeq();
  for (const a of meta.age) recipients.items.push(new Scalar(a.recipient));
  summary.set("age_recipients", recipients);
  if (movedEnc !== undefined) summary.set("age_items", movedEnc);
  if (meta.otherKeySources.length > 0) summary.set("other_key_sources", meta.otherKeySources.join(", "));
  summary.set("lastmodified", doubleQuoted(meta.lastModified));
  summary.set("mac", macStatus);
  if (dataKey !== undefined) summary.set("data_key", dataKey);
  root.set(SOPS_KEY, summary);
}
