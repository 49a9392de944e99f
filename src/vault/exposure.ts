/**
 * Offboarding exposure: which removed recipients could read a secret's current value. `recipients remove NAME`
 * marks every secret present then as exposed to NAME (`exposed_to: {NAME: "<removal time>"}`, clear text, covered by
 * the MAC and the seal); a new value clears the mark, a metadata-only change keeps it. Pure: works on entry nodes.
 */
import { yamlWrite } from "../format/yaml-load.js";
import type { Scalar, YAMLMap } from "yaml";
import { FormatError } from "../errors.js";
import { isMap, isScalar, lineOf, scalarText } from "../format/yaml-tree.js";
import { formatTimestamp, parseDate } from "../rules/time.js";

/** The entry field that lists who could read the current value after being removed. */
export const EXPOSED_FIELD = "exposed_to";

/** One removed recipient who could read a secret's current value. */
export interface Exposure {
  /** The recipient's name as it was in the vault. */
  recipient: string;
  /** When they were removed. */
  removedAt: Date;
}

/**
 * The exposures of an entry, in file order.
 * @throws FormatError when the field is not a mapping of names to dates.
 */
export function readExposure(e: YAMLMap, secret: string, file: string): Exposure[] {
  const node = e.get(EXPOSED_FIELD, true);
  if (node === undefined || node === null) return [];
  if (!isMap(node))
    throw new FormatError(`secrets.${secret}.${EXPOSED_FIELD} in ${file} must map recipient names to removal dates`, {
      ...lineOf(node as Scalar, ""),
    });
  return node.items.map((p) => {
    const recipient = scalarText(p.key);
    const text = isScalar(p.value) ? scalarText(p.value) : "";
    try {
      return { recipient, removedAt: parseDate(text, `${EXPOSED_FIELD}.${recipient} of ${secret}`) };
    } catch (err) {
      throw new FormatError(`secrets.${secret}.${EXPOSED_FIELD}.${recipient} in ${file} is not a valid date`, {
        ...lineOf(p.value as Scalar, ""),
        cause: err,
      });
    }
  });
}

/** Marks an entry as exposed to a removed recipient; an earlier mark for the same name is kept (it is older). */
export function markExposed(e: YAMLMap, recipient: string, removedAt: Date): void {
  const found: unknown = e.get(EXPOSED_FIELD, true);
  let map: YAMLMap;
  if (isMap(found)) map = found as YAMLMap;
  else {
    map = new (yamlWrite().YAMLMap)();
    e.set(EXPOSED_FIELD, map);
  }
  if (map.has(recipient)) return;
  const stamp = new (yamlWrite().Scalar)(formatTimestamp(removedAt));
  stamp.type = "QUOTE_DOUBLE";
  map.set(recipient, stamp);
}

/** Clears the exposure of an entry (its value changed). Returns whether there was one. */
export function clearExposure(e: YAMLMap): boolean {
  return e.delete(EXPOSED_FIELD);
}
