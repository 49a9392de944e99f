/** Git conflict markers are named before YAML parsing says "invalid YAML" (issue 15, item 4). */
import { describe, expect, it } from "vitest";
import { ConflictError } from "../../src/errors.js";
import {
  gitConflictMarkerLine,
  hasConflictReport,
  refuseGitConflictMarkers,
} from "../../src/format/conflict-markers.js";
import { parseYaml } from "../../src/format/yaml.js";

const merged = [
  "secrets:",
  "  A:",
  "    value: ENC[x]",
  "sops:",
  "<<<<<<< HEAD",
  "  mac: ENC[ours]",
  "=======",
  "  mac: ENC[theirs]",
  ">>>>>>> side",
  "",
].join("\n");

describe("git conflict markers", () => {
  it("finds the first marker line, with git's labels, diff3 bases and CRLF line ends", () => {
    expect(gitConflictMarkerLine(merged)).toBe(5);
    expect(gitConflictMarkerLine("a: 1\r\n=======\r\n")).toBe(2);
    expect(gitConflictMarkerLine("a: 1\n||||||| base\n")).toBe(2);
    expect(gitConflictMarkerLine(">>>>>>>\n")).toBe(1);
  });

  it("ignores look-alikes: indented lines, longer runs, text after the marker without a space", () => {
    expect(gitConflictMarkerLine("a: |\n  =======\n")).toBeUndefined();
    expect(gitConflictMarkerLine("# ========\n")).toBeUndefined();
    expect(gitConflictMarkerLine("========\n")).toBeUndefined();
    expect(gitConflictMarkerLine("<<<<<<<x\n")).toBeUndefined();
  });

  it("parseYaml refuses them with exit 8 and the way out, not 'invalid YAML'", () => {
    let err: unknown;
    try {
      parseYaml(merged, ".secrets.yaml");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).exitCode).toBe(8);
    expect((err as ConflictError).message).toBe(
      ".secrets.yaml holds git merge-conflict markers (line 5): it was merged without vaultfile's merge driver",
    );
    expect((err as ConflictError).hint).toMatch(
      /^run `vaultfile git setup`, then `vaultfile git resolve \.secrets\.yaml`/,
    );
    expect(() => refuseGitConflictMarkers("a: 1\n", "f")).not.toThrow();
  });

  it("tells the merge driver's own report apart", () => {
    expect(hasConflictReport("# vaultfile: MERGE CONFLICT in .secrets.yaml: 1 conflict\nsecrets: {}\n")).toBe(true);
    expect(hasConflictReport(merged)).toBe(false);
  });
});
