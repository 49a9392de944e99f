/**
 * What changing and printing a sops file needs of `yaml`, in one module that read-only commands never load
 * (`loadYamlWrite` in yaml-load.ts): `yaml`'s node classes, the parser, the printer and the splice.
 */
export { Document, Pair, Scalar, YAMLMap, YAMLSeq } from "yaml";
export { doubleQuoted, PARSE_OPTIONS, parseYaml, printOptions, printYaml } from "./yaml.js";
export { shapeOf, spliceChangedScalars } from "./yaml-splice.js";
