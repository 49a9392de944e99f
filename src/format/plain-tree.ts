/**
 * A decrypted sops document as sops itself models it (`sops.TreeBranch`): mappings and lists whose items keep their
 * order and interleave comments, and scalars that carry the Go type sops gives them (that type decides how `sops -d`
 * prints them in YAML and JSON). Built by the sops engine, printed by `sops-yaml-print.ts` / `sops-json-print.ts`.
 */

/** A scalar with the type sops decrypts it to: `int` → Go int (exact, 64-bit), `float` → float64, `time` → time.Time. */
export type PlainScalar =
  | { kind: "str"; value: string }
  | { kind: "int"; value: bigint }
  | { kind: "float"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "null" }
  /** `type:time` (sops ≥ 3.10): the RFC 3339 text sops encrypted. */
  | { kind: "time"; value: string }
  /** `type:bytes`: raw bytes (sops's binary store; YAML files do not normally hold them). */
  | { kind: "bytes"; value: Uint8Array };

/** A comment line (the text after `#`). */
export interface PlainComment {
  kind: "comment";
  text: string;
}

export interface PlainMap {
  kind: "map";
  items: (PlainComment | { kind: "pair"; key: string; value: PlainNode })[];
}

export interface PlainList {
  kind: "list";
  items: (PlainComment | PlainNode)[];
}

export type PlainNode = PlainScalar | PlainMap | PlainList;

/** The tree as plain JavaScript values, comments dropped (integers beyond 2^53 stay `bigint`). */
export function plainToJs(node: PlainNode): unknown {
  switch (node.kind) {
    case "map": {
      const o: Record<string, unknown> = {};
      for (const it of node.items) if (it.kind === "pair") o[it.key] = plainToJs(it.value);
      return o;
    }
    case "list":
      return node.items.filter((i) => i.kind !== "comment").map((i) => plainToJs(i as PlainNode));
    case "null":
      return null;
    case "int":
      return Number.isSafeInteger(Number(node.value)) ? Number(node.value) : node.value;
    case "bytes":
      return Buffer.from(node.value).toString("utf8");
    default:
      return node.value;
  }
}
