import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveCommand } from "../../src/io/command-path.js";
import { tempDir } from "../helpers.js";

describe("resolveCommand", () => {
  it("searches the given PATH only, first executable wins; paths with a slash are taken as they are", () => {
    const dir = tempDir();
    for (const d of ["a", "b"]) mkdirSync(join(dir, d));
    writeFileSync(join(dir, "a", "tool"), "not executable");
    writeFileSync(join(dir, "b", "tool"), "#!/bin/sh\n");
    chmodSync(join(dir, "b", "tool"), 0o755);
    expect(resolveCommand("tool", `${join(dir, "a")}:${join(dir, "b")}`)).toBe(join(dir, "b", "tool"));
    expect(resolveCommand("tool", "/nonexistent")).toBeUndefined();
    expect(resolveCommand("./tool", "/nonexistent")).toBe("./tool");
    expect(resolveCommand("sh", process.env.PATH)).toMatch(/\/sh$/);
  });
});
