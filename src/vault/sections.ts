/**
 * Editing a vault's list-like sections: the `required` names and the custom `types`. Each section is created on
 * first use (before the `sops` block) and a `types:` mapping is dropped once empty, so a vault without custom
 * types has no `types:` line.
 */
import type { YAMLMap, YAMLSeq } from "yaml";
import { yamlWrite } from "../format/yaml-load.js";
import { isMap, isSeq, scalarText } from "../format/yaml-tree.js";
import { checkSecretName } from "../rules/names.js";
import type { SopsFile } from "../sops/sops-file.js";
import type { CustomTypeEntry } from "../types/custom.js";
import { readRequired, SECTION, typeEntryNode } from "./schema.js";

/** The root mapping, to read it: `yaml`'s, or the light tree's for a vault opened read-only (`editable: false`). */
export const dataOf = (sf: SopsFile): YAMLMap => sf.tree.contents as YAMLMap;

/** The root mapping, to change it (a vault opened read-only or without its key refuses). */
export const rootOf = (sf: SopsFile): YAMLMap => sf.doc.contents as YAMLMap;

/** The section `key` of the root, made with `make` (and placed before the `sops` block) when absent. */
export function sectionOf(sf: SopsFile, key: string, make: () => YAMLMap | YAMLSeq): YAMLMap | YAMLSeq {
  const root = rootOf(sf);
  const m: unknown = root.get(key, true);
  if (isMap(m) || isSeq(m)) return m as YAMLMap | YAMLSeq;
  const fresh = make();
  root.set(key, fresh);
  sf.keepMetadataLast();
  return fresh;
}

/** Adds names to `required:` (a flow list), each once. @throws InvalidInputError for a bad name. */
export function addRequired(sf: SopsFile, names: readonly string[]): void {
  const seq = sectionOf(sf, SECTION.required, () =>
    Object.assign(new (yamlWrite().YAMLSeq)(), { flow: true }),
  ) as YAMLSeq;
  const have = new Set(readRequired(rootOf(sf)));
  for (const n of names) {
    checkSecretName(n);
    if (!have.has(n)) {
      seq.items.push(new (yamlWrite().Scalar)(n));
      have.add(n);
      sf.markDirty();
    }
  }
}

/** Removes names from `required:`. */
export function removeRequired(sf: SopsFile, names: readonly string[]): void {
  const seq = rootOf(sf).get(SECTION.required, true);
  if (!isSeq(seq)) return;
  const drop = new Set(names);
  const before = seq.items.length;
  seq.items = seq.items.filter((i) => !drop.has(scalarText(i)));
  if (seq.items.length !== before) sf.markDirty();
}

/** Adds or replaces a custom type's entry under `types:`. */
export function setTypeEntry(sf: SopsFile, name: string, entry: CustomTypeEntry): void {
  (sectionOf(sf, SECTION.types, () => new (yamlWrite().YAMLMap)()) as YAMLMap).set(name, typeEntryNode(sf.doc, entry));
  sf.markDirty();
}

/** Removes a custom type's entry, and `types:` once empty; false when there was none. */
export function removeTypeEntry(sf: SopsFile, name: string): boolean {
  const root = rootOf(sf);
  const m = root.get(SECTION.types, true) as YAMLMap | undefined;
  if (!isMap(m) || !m.has(name)) return false;
  m.delete(name);
  if (m.items.length === 0) root.delete(SECTION.types);
  sf.markDirty();
  return true;
}
