/**
 * The command table loads only the invoked command's module; help, usage errors and global options must behave as
 * with every command loaded.
 */
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { PassThrough } from "node:stream";
import { commands } from "../../src/cli/commands/index.js";
import { buildProgram } from "../../src/cli/main.js";
import type { CliIO } from "../../src/cli/context.js";
import { runCli } from "../edit/cli-io.js";
import { tempDir } from "../helpers.js";

const allNames = commands.flatMap((c) => c.names);

function quietIO(): CliIO {
  return { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), env: {}, cwd: tempDir() };
}

describe("command table", () => {
  it("lists exactly the top-level commands each module registers", async () => {
    for (const entry of commands) {
      const program = new Command("vaultfile");
      (await entry.load()).register(program, quietIO());
      expect(program.commands.map((c) => c.name()), entry.names.join(",")).toEqual(entry.names);
    }
    expect(new Set(allNames).size).toBe(allNames.length);
  });

  it("builds only the invoked command, found past global options and their values", async () => {
    const names = async (argv: string[]) => (await buildProgram(quietIO(), argv)).commands.map((c) => c.name());
    expect(await names(["export", "--format", "dotenv"])).toEqual(["export"]);
    expect(await names(["--json", "-f", "export", "-i", "k.agekey", "validate"])).toEqual(["validate"]);
    expect(await names(["--file=get", "unrequire", "X"])).toEqual(["require", "unrequire"]);
    expect(await names(["-fstatus", "get", "X"])).toEqual(["get"]);
    for (const argv of [[], ["--help"], ["help", "export"], ["expor"], ["-V"], ["-f"], ["--unknown", "export"]]) {
      expect(await names(argv), argv.join(" ")).toEqual(allNames);
    }
  });

  it("gives each command the same help alone as with every command loaded", async () => {
    const cwd = tempDir();
    for (const name of allNames) {
      const alone = await runCli([name, "--help"], { cwd, tty: false });
      const full = await runCli(["help", name], { cwd, tty: false });
      expect(alone.code, name).toBe(0);
      expect(alone.stdout, name).toContain(`Usage: vaultfile ${name}`);
      expect(alone.stdout, name).toBe(full.stdout);
    }
  });

  it("lists every command in the program's help, and suggests one for a misspelt word", async () => {
    const cwd = tempDir();
    const help = await runCli(["--help"], { cwd, tty: false });
    expect(help.code).toBe(0);
    for (const name of allNames) expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, "m"));
    const typo = await runCli(["expor"], { cwd, tty: false });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("unknown command 'expor'");
    expect(typo.stderr).toContain("Did you mean export?");
    const wrongOption = await runCli(["-f", "get", "status", "--bogus"], { cwd, tty: false });
    expect(wrongOption.stderr).toContain("unknown option '--bogus'");
  });
});
