/**
 * The tree a sops file is read into, without loading `yaml`: light nodes for what the fast reader (yaml-fast.ts)
 * accepts ({@link readSopsYamlLight}), and the predicates and look-ups the read path uses on either tree.
 *
 * Light nodes carry `yaml`'s own node-type mark (`Symbol.for("yaml.node.type")`), so `yaml`'s `isMap`/`isScalar`/…
 * accept them and the predicates here accept `yaml`'s nodes: code that reads a tree (walk, MAC and seal, metadata,
 * structure check, the vault's getters) works on both, and `yaml` is loaded only for writing or for files outside
 * the subset. They implement the part of `yaml`'s node API the readers use (`items`, `value`, `range`, `type`,
 * `get(key, keepScalar)`, `has`, `toJSON`) with `yaml`'s meaning for that subset (string keys and values only).
 */

import { readSopsYaml, type TreeBuilder } from "./yaml-fast.js";

const NODE_TYPE = Symbol.for("yaml.node.type");
const MAP = Symbol.for("yaml.map");
const SEQ = Symbol.for("yaml.seq");
const SCALAR = Symbol.for("yaml.scalar");
const PAIR = Symbol.for("yaml.pair");
const ALIAS = Symbol.for("yaml.alias");

export type Range = [number, number, number];
export type ScalarStyle = "PLAIN" | "QUOTE_DOUBLE" | "QUOTE_SINGLE" | "BLOCK_LITERAL" | "BLOCK_FOLDED";

/** What the read path needs of a scalar node (`yaml`'s `Scalar` and {@link LightScalar} both have it). */
export interface TreeScalar {
  value: unknown;
  range?: Range | null;
  type?: string;
  source?: string;
  commentBefore?: string | null;
  comment?: string | null;
  toJSON(): unknown;
}
export interface TreePair {
  key: unknown;
  value: unknown;
}
export interface TreeMap {
  items: TreePair[];
  range?: Range | null;
  commentBefore?: string | null;
  comment?: string | null;
  get(key: unknown, keepScalar?: boolean): unknown;
  has(key: unknown): boolean;
  toJSON(): unknown;
}
export interface TreeSeq {
  items: unknown[];
  range?: Range | null;
  flow?: boolean;
  commentBefore?: string | null;
  comment?: string | null;
  toJSON(): unknown;
}
/** A parsed document of either kind: its root and range. */
export interface TreeDocument {
  contents: unknown;
  range?: Range | null;
}

const typeOf = (node: unknown): unknown =>
  node !== null && typeof node === "object" ? (node as { [NODE_TYPE]?: symbol })[NODE_TYPE] : undefined;
export const isMap = (node: unknown): node is TreeMap => typeOf(node) === MAP;
export const isSeq = (node: unknown): node is TreeSeq => typeOf(node) === SEQ;
export const isScalar = (node: unknown): node is TreeScalar => typeOf(node) === SCALAR;
/** An alias (`*name`): only `yaml` makes them; every reader refuses them. */
export const isAlias = (node: unknown): node is { source: string; range?: Range | null } => typeOf(node) === ALIAS;
export const isPair = (node: unknown): node is TreePair => typeOf(node) === PAIR;
export const isCollection = (node: unknown): node is TreeMap | TreeSeq => isMap(node) || isSeq(node);

/**
 * A string scalar as the fast reader reads it. Its range is kept as three numbers and made into an array only when
 * asked for (for an error's position): a vault of 10,000 secrets has 140,000 of them.
 */
export class LightScalar implements TreeScalar {
  commentBefore?: string;
  constructor(
    /** A string from the reader; null (`key:`) or a plain value set without a node when made by a walk. */
    public value: unknown,
    public type: ScalarStyle | undefined,
    public source: string | undefined,
    private readonly start: number,
    private readonly end: number,
    private readonly after: number,
  ) {}
  get range(): Range | undefined {
    return rangeOf(this.start, this.end, this.after);
  }
  toJSON(): unknown {
    return this.value;
  }
}

export class LightPair implements TreePair {
  constructor(
    public key: LightScalar,
    public value: LightNode,
  ) {}
}

/** A light node's range from its three numbers (`start` < 0: none). */
function rangeOf(start: number, end: number, after: number): Range | undefined {
  return start < 0 ? undefined : [start, end, after];
}

export class LightMap implements TreeMap {
  items: LightPair[] = [];
  start = -1;
  end = -1;
  after = -1;
  get range(): Range | undefined {
    return rangeOf(this.start, this.end, this.after);
  }

  /** `yaml`'s `YAMLMap.get`: the value of the pair whose key is `key`; its node when `keepScalar`. */
  get(key: unknown, keepScalar = false): unknown {
    for (const p of this.items) {
      if (p.key.value === key) return keepScalar || !(p.value instanceof LightScalar) ? p.value : p.value.value;
    }
    return undefined;
  }

  has(key: unknown): boolean {
    return this.items.some((p) => p.key.value === key);
  }

  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    for (const p of this.items) o[p.key.value as string] = p.value.toJSON();
    return o;
  }
}

export class LightSeq implements TreeSeq {
  items: LightNode[] = [];
  start = -1;
  end = -1;
  after = -1;
  flow?: boolean;
  get range(): Range | undefined {
    return rangeOf(this.start, this.end, this.after);
  }

  toJSON(): unknown[] {
    return this.items.map((i) => i.toJSON());
  }
}

export type LightNode = LightScalar | LightMap | LightSeq;

/** A document the fast reader accepted. */
export interface LightDocument extends TreeDocument {
  contents: LightMap;
  range: Range;
}

for (const [cls, mark] of [
  [LightScalar, SCALAR],
  [LightPair, PAIR],
  [LightMap, MAP],
  [LightSeq, SEQ],
] as const) {
  Object.defineProperty(cls.prototype, NODE_TYPE, { value: mark });
}

/** The text of a key or scalar item, whether it is a scalar node or a plain value set without a node. */
export function scalarText(node: unknown): string {
  return String(isScalar(node) ? node.value : node);
}

/** A child node of a mapping (`get(key, true)`), or undefined when `map` is not a mapping. */
export function getNode(map: unknown, key: string): unknown {
  return isMap(map) ? map.get(key, true) : undefined;
}

/** The fast reader's tree of light nodes: what read-only commands use, without loading `yaml`. */
const LIGHT: TreeBuilder<LightNode, LightDocument> = {
  scalar: (value, start, end, after, style) => new LightScalar(value, style, value, start, end, after),
  map: (keys, values, start, end) => {
    const m = new LightMap();
    for (let i = 0; i < keys.length; i++) m.items.push(new LightPair(keys[i] as LightScalar, values[i]!));
    m.start = start;
    m.end = end;
    m.after = end;
    return m;
  },
  seq: (items, start, end, after, flow) => {
    const q = new LightSeq();
    q.items = items;
    q.start = start;
    q.end = end;
    q.after = after;
    if (flow) q.flow = true;
    return q;
  },
  document: (root, start, end, comment) => {
    const contents = root as LightMap;
    if (comment !== undefined) contents.items[0]!.key.commentBefore = comment;
    return { contents, range: [start, end, end] };
  },
};

/** Reads `text` into light nodes if it lies in the fast reader's subset, else `undefined`. */
export function readSopsYamlLight(text: string): LightDocument | undefined {
  return readSopsYaml(text, LIGHT);
}
