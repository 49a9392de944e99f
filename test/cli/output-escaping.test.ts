/**
 * Issue 12 item 7: text from the file reached the terminal and the CI runner raw. A custom type pattern with line
 * breaks made `validate` under GITHUB_ACTIONS=true print `::error …` and `::stop-commands::`; ESC/OSC sequences in
 * names, types, descriptions and git author names reached the terminal. Every human-readable line now goes
 * through one function (`safeLine`), and control characters are refused when a type or description is written.
 * Runs the CLI in-process (`main`) with captured streams.
 */
import { execFileSync } from "node:child_process";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { workspace, writeVault, type Workspace } from "./lifecycle-support.js";

async function cli(
  w: Workspace,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = {
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    stdin: new PassThrough(),
    env: { ...w.env, ...env },
    cwd: w.dir,
  };
  io.stdin.end();
  let stdout = "";
  let stderr = "";
  io.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  io.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await main(["-f", w.file, ...args], io);
  return { code, stdout, stderr };
}

const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/** A line the runner would read as a workflow command. */
const COMMAND_LINE = /^\s*::(?!(?:error|warning) file=)/m;

describe("text from the file in human-readable output", () => {
  it("a pattern and description with line breaks and escapes inject nothing (validate, status, type list)", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => {
      v.setTypeEntry("evil", {
        pattern: "x\n::stop-commands::tok\n::error::pwned",
        description: "\u001b]0;owned\u0007\u001b[2J",
      });
      v.set("API_TOKEN", "value", { type: "evil", description: "plain" });
    });
    for (const args of [["validate"], ["status"], ["type", "list"]]) {
      const r = await cli(w, args, { GITHUB_ACTIONS: "true" });
      const all = r.stdout + r.stderr;
      expect(all, args.join(" ")).not.toMatch(RAW);
      expect(all, args.join(" ")).not.toMatch(COMMAND_LINE);
      expect(all).not.toContain("::stop-commands::tok\n");
    }
  });

  it("git author names in history are shown escaped", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => v.set("API_TOKEN", "value"));
    const env = {
      ...process.env,
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_AUTHOR_NAME: "\u001b]8;;http://evil\u0007mallory\u202e",
      GIT_AUTHOR_EMAIL: "m@e",
      GIT_COMMITTER_NAME: "m",
      GIT_COMMITTER_EMAIL: "m@e",
    };
    execFileSync("git", ["init", "-q"], { cwd: w.dir, env });
    execFileSync("git", ["add", "."], { cwd: w.dir, env });
    execFileSync("git", ["commit", "-qm", "x"], { cwd: w.dir, env });
    const r = await cli(w, ["history"]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(RAW);
    expect(r.stdout).toContain("http://evil\\x07mallory\\u202e"); // git itself drops the ESC, keeps BEL and RLO
  });

  it("errors quoting the file are escaped, and workflow commands in them defused under GitHub Actions", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => v.set("API_TOKEN", "value"));
    const r = await cli(w, ["get", "NOPE\u001b[2J"], { GITHUB_ACTIONS: "true" });
    expect(r.stderr).not.toMatch(RAW);
    expect(r.stderr).toContain("\\x1b[2J");
  });

  it("control characters are refused when a type's pattern, description or rotate_at, or a secret's description, is written", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => v.set("API_TOKEN", "value"));
    const pattern = await cli(w, ["type", "add", "t1", "--pattern", "a\u001b[2Jb"]);
    expect(pattern.code).toBe(6);
    expect(pattern.stderr.split("\n")[0]).toBe(
      "vaultfile: error: the pattern contains a control character (\\x1b at position 2)",
    );
    const at = await cli(w, ["type", "add", "t2", "--pattern", "a+", "--rotate-at", "https://x\u202e"]);
    expect(at.stderr.split("\n")[0]).toBe(
      "vaultfile: error: the rotate-at contains a control character (\\u202e at position 10)",
    );
    const desc = await cli(w, ["set", "API_TOKEN", "--description", "see\u0007"]);
    expect(desc.code).toBe(6);
    expect(desc.stderr.split("\n")[0]).toBe(
      "vaultfile: error: the description contains a control character (\\x07 at position 4)",
    );
  });
});
