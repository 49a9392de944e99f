/**
 * What the commands that only read (`export`, `get`, `exec`, `status`) load when they run: the bundle and node's
 * built-ins, none of the vendor bundles (`yaml`, commander, prompts, age-encryption: scripts/bundle.mjs), and no
 * `node:child_process` (which brings net and dgram) unless they run something. Watched in the real process: a
 * preloaded recorder lists, at exit, every file node required and every built-in it loaded.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, workspace, writeVault } from "./lifecycle-support.js";

/** Runs `vaultfile ARGS` on a one-secret vault in a new workspace (temp folders last one test) and reports what loaded. */
async function loadedBy(args: string[], input = ""): Promise<{ files: string[]; builtins: string[] }> {
  const ws = workspace();
  await writeVault(ws.file, (v) => v.set("API_TOKEN", "s3cret-value"));
  const recorder = join(ws.dir, "recorder.cjs");
  const report = join(ws.dir, "loaded.json");
  writeFileSync(
    recorder,
    `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(report)}, JSON.stringify({
      files: Object.keys(require.cache),
      builtins: process.moduleLoadList.filter((m) => m.startsWith("NativeModule ")).map((m) => m.slice(13)),
    })));`,
  );
  const r = spawnSync(process.execPath, ["-r", recorder, BIN, ...args], {
    cwd: ws.dir,
    env: ws.env,
    input,
    encoding: "utf8",
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(readFileSync(report, "utf8")) as { files: string[]; builtins: string[] };
}
const vendorFiles = (files: string[]) =>
  files.filter((f) => /[\\/]vendor[\\/]/.test(f)).map((f) => f.replace(/.*[\\/]/, ""));

describe("the read-only commands", () => {
  const runs: [string, string[]][] = [
    ["export", ["export", "--format", "dotenv"]],
    ["get", ["get", "API_TOKEN"]],
    ["exec", ["exec", "--", "true"]],
    ["status", ["status"]],
  ];

  it.each(runs)("%s loads no vendor bundle (yaml, commander, prompts, age-encryption)", async (_, args) => {
    const { files } = await loadedBy(args);
    expect(vendorFiles(files)).toEqual([]);
  });

  it.each(runs.filter(([c]) => c !== "exec"))("%s does not load node:child_process", async (_, args) => {
    expect((await loadedBy(args)).builtins).not.toContain("child_process");
  });

  it.each(runs.filter(([c]) => c === "export" || c === "get"))(
    "%s writes to its pipes without loading net or tty (node's process.stdout on a pipe is a net.Socket)",
    async (_, args) => {
      const { builtins } = await loadedBy(args);
      expect(builtins).not.toContain("net");
      expect(builtins).not.toContain("tty");
    },
  );

  it("where the marks are found: exec loads child_process, --help commander, a write yaml", async () => {
    expect((await loadedBy(["exec", "--", "true"])).builtins).toEqual(expect.arrayContaining(["child_process", "net"]));
    expect((await loadedBy(["status"])).builtins).toContain("tty"); // it colours on a terminal: asks whether it is one
    expect(vendorFiles((await loadedBy(["--help"])).files)).toEqual(["commander.cjs"]);
    const write = await loadedBy(["set", "OTHER", "--stdin", "--type", "generic"], "another-value\n");
    expect(vendorFiles(write.files)).toEqual(expect.arrayContaining(["commander.cjs", "yaml.cjs"]));
  });
});
