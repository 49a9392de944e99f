/**
 * Loads `yaml` (and what changing and printing a document needs with it) on demand: a read-only command never does.
 * Code that changes a document awaits {@link loadYamlWrite} once (opening a file to change it, creating one) and
 * then uses {@link yamlWrite} synchronously.
 */
type YamlWrite = typeof import("./yaml-write.js");

let loaded: YamlWrite | undefined;

export async function loadYamlWrite(): Promise<YamlWrite> {
  loaded ??= await import("./yaml-write.js");
  return loaded;
}

/** The loaded module; an internal error when nothing loaded it first (a read-only document being changed). */
export function yamlWrite(): YamlWrite {
  if (!loaded) throw new Error("internal: a document opened read-only is changed or printed");
  return loaded;
}
