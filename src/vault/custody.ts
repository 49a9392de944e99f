/**
 * The `custody` section: the links that prove each replacement of the data key was made by a holder of the key it
 * replaced (see `crypto/custody.ts`). Clear text in the tree, so the MAC and the seal cover it and the file stays a
 * plain sops file; a save that keeps the data key leaves it byte for byte. Pure: works on the parsed document.
 */
import type { YAMLMap, YAMLSeq } from "yaml";
import type { CustodyLink } from "../crypto/custody.js";
import { yamlWrite } from "../format/yaml-load.js";
import { getNode, isMap, isSeq, scalarText } from "../format/yaml-tree.js";

/** The top-level section holding custody links, oldest first. */
export const CUSTODY_SECTION = "custody";
/** Links kept: enough to verify across many re-keys between two commits, without growing forever. */
const MAX_LINKS = 16;

/** The custody links of a vault's root, oldest first; malformed items are skipped (they verify nothing). */
export function readCustody(root: unknown): CustodyLink[] {
  const seq = getNode(root, CUSTODY_SECTION);
  if (!isSeq(seq)) return [];
  const links: CustodyLink[] = [];
  for (const item of seq.items) {
    if (!isMap(item)) continue;
    const [to, key, sig] = ["to", "key", "sig"].map((k) => (item.has(k) ? scalarText(item.get(k, true)) : ""));
    if (to && key && sig) links.push({ to, key, sig });
  }
  return links;
}

/** Appends a link for a new data key (one flow map a line), dropping the oldest beyond {@link MAX_LINKS}. */
export function appendCustodyLink(root: YAMLMap, link: CustodyLink): void {
  let seq = root.get(CUSTODY_SECTION, true) as unknown;
  if (!isSeq(seq)) {
    seq = new (yamlWrite().YAMLSeq)();
    // Before the sops block, which stays last.
    root.set(CUSTODY_SECTION, seq);
  }
  const list = seq as YAMLSeq;
  const item = new (yamlWrite().YAMLMap)();
  item.flow = true;
  for (const [k, v] of Object.entries(link)) item.set(k, new (yamlWrite().Scalar)(v));
  list.items.push(item);
  if (list.items.length > MAX_LINKS) list.items.splice(0, list.items.length - MAX_LINKS);
}
