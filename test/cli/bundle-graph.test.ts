/**
 * The commands that only read (`export`, `get`, `exec`, `status`) start without loading `yaml` (130 KB of CommonJS,
 * the largest part of their start-up) or commander (their plain forms are pre-dispatched): nothing the entry or their
 * chunk imports statically, transitively, contains either. Both are imported dynamically, when needed. Nor do they
 * load `node:child_process` (which brings net and dgram) unless they run something.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers.js";

const BUNDLE = join(ROOT, "dist", "bundle");
/** A string of yaml's core schema, in no other module. */
const YAML_MARK = "tag:yaml.org,2002:";
/** One of commander's error codes. */
const COMMANDER_MARK = "commander.unknownOption";

/** The files a bundle file loads before it runs: its static imports, transitively. */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(/(?:^|[;}\s])import\s*(?:[^"'()]*?from\s*)?["'](\.[^"']+)["']/g))
    staticClosure(join(dirname(file), m[1]!), seen);
  return seen;
}

describe.skipIf(!existsSync(BUNDLE))("the bundle's read-only commands", () => {
  const chunks = existsSync(BUNDLE) ? readdirSync(join(BUNDLE, "chunks")).filter((f) => f.endsWith(".mjs")) : [];
  const chunkOf = (command: string) => {
    const f = chunks.find((c) => c.startsWith(`${command}-`));
    expect(f, command).toBeDefined();
    return join(BUNDLE, "chunks", f!);
  };

  it.each(["export", "get", "exec", "status"])("%s loads neither yaml nor commander", (command) => {
    const loaded = [...staticClosure(join(BUNDLE, "vaultfile.mjs")), ...staticClosure(chunkOf(command))];
    for (const mark of [YAML_MARK, COMMANDER_MARK])
      expect(
        loaded.filter((f) => readFileSync(f, "utf8").includes(mark)).map((f) => f.slice(BUNDLE.length)),
        mark,
      ).toEqual([]);
  });

  it.each(["export", "get", "status"])(
    "%s does not load node:child_process (key commands and git load it when they run)",
    (command) => {
      const loaded = [...staticClosure(join(BUNDLE, "vaultfile.mjs")), ...staticClosure(chunkOf(command))];
      const importsChildProcess = (f: string) =>
        /(?:^|[;}\s])import\s*(?:[^"'()]*?from\s*)?["']node:child_process["']/.test(readFileSync(f, "utf8"));
      expect(loaded.filter(importsChildProcess).map((f) => f.slice(BUNDLE.length))).toEqual([]);
      expect(importsChildProcess(chunkOf("exec"))).toBe(true); // the pattern finds it where it is
    },
  );

  it("a command that writes does reach yaml, and the program commander (the marks are found where they are)", () => {
    expect(chunks.some((c) => readFileSync(join(BUNDLE, "chunks", c), "utf8").includes(YAML_MARK))).toBe(true);
    expect([...staticClosure(chunkOf("program"))].some((f) => readFileSync(f, "utf8").includes(COMMANDER_MARK))).toBe(
      true,
    );
    const loaded = [...staticClosure(chunkOf("init"))];
    expect(loaded.some((f) => readFileSync(f, "utf8").includes(YAML_MARK))).toBe(true);
  });
});
