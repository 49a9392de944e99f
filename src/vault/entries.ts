/**
 * The `secrets:` mapping as an index by name. `YAMLMap.get` is a linear scan, which made big vaults quadratic, so
 * the name → entry map is built once and kept in step with additions; a removal drops it.
 */
import type { Scalar, YAMLMap } from "yaml";
import { SecretNotFoundError } from "../errors.js";
import { yamlWrite } from "../format/yaml-load.js";
import { getNode, isMap, scalarText } from "../format/yaml-tree.js";
import { closestNames } from "../rules/suggest.js";
import type { SopsFile } from "../sops/sops-file.js";
import { SECTION, VALUE_FIELD } from "./schema.js";
import { dataOf, sectionOf } from "./sections.js";

export class SecretEntries {
  private index: Map<string, YAMLMap> | undefined;

  constructor(private readonly sf: SopsFile) {}

  /** The `secrets:` mapping as read: `yaml`'s, or the light tree's for a vault opened read-only. */
  private map(): YAMLMap | undefined {
    const m: unknown = dataOf(this.sf).get(SECTION.secrets, true);
    return isMap(m) ? (m as YAMLMap) : undefined;
  }

  /** Secret names in file order. */
  names(): string[] {
    return (this.map()?.items ?? []).map((p) => scalarText(p.key));
  }

  /** The entry of `name`, or `undefined`. */
  find(name: string): YAMLMap | undefined {
    if (!this.index) {
      this.index = new Map();
      for (const p of this.map()?.items ?? []) {
        if (isMap(p.value)) this.index.set(scalarText(p.key), p.value as YAMLMap);
      }
    }
    return this.index.get(name);
  }

  /** The entry of `name`. @throws SecretNotFoundError (with close names) when absent. */
  get(name: string): YAMLMap {
    const e = this.find(name);
    if (!e) throw new SecretNotFoundError(name, closestNames(name, this.names()));
    return e;
  }

  /** Adds a new entry at the end of `secrets:` (made when absent). */
  add(name: string, entry: YAMLMap): void {
    const secrets = sectionOf(this.sf, SECTION.secrets, () => new (yamlWrite().YAMLMap)()) as YAMLMap;
    // A new vault's empty map is written `secrets: {}` and parses back as a flow map; entries go in block style,
    // one line each, so that diffs stay per entry.
    secrets.flow = false;
    secrets.set(name, entry);
    this.index?.set(name, entry);
  }

  /** The decrypted value of an entry: `""` for an empty one, `undefined` when it was not decrypted. */
  valueOf(entry: YAMLMap): string | undefined {
    const node = getNode(entry, VALUE_FIELD) as Scalar | undefined;
    if (!node) return "";
    return (this.sf.plaintextOf(node)?.value as string | undefined) ?? (node.value === "" ? "" : undefined);
  }

  /** Deletes the entry of `name` (which must exist). */
  delete(name: string): void {
    this.map()!.delete(name);
    this.index = undefined;
  }
}
