/**
 * The program declares every command (program.ts) and imports a command's module only when that command runs;
 * help, usage errors and global options behave as one program.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type { CliIO } from "../../src/cli/context.js";
import { buildProgram } from "../../src/cli/program.js";
import { runCli } from "./edit/cli-io.js";
import { ROOT, tempDir } from "../helpers.js";
import { workspace, writeVault } from "./lifecycle-support.js";

function quietIO(): CliIO {
  return { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), env: {}, cwd: tempDir() };
}

const program = buildProgram(quietIO());
/** The commands a person sees (`__complete`, run by completion scripts, is hidden). */
const allNames = program
  .createHelp()
  .visibleCommands(program)
  .map((c) => c.name())
  .filter((n) => n !== "help");

/**
 * The modules under dist/ (and packages) that `vaultfile ARGS` imports, recorded by a module resolve hook in the
 * child process. Runs the tsc output (one file per module), not the bundle.
 */
function modulesLoadedBy(args: string[], cwd: string, env: NodeJS.ProcessEnv): string[] {
  const dir = tempDir();
  const trace = join(dir, "trace.txt");
  const hooks = join(dir, "hooks.mjs");
  writeFileSync(
    hooks,
    `import { appendFileSync } from "node:fs";\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(trace)}, r.url + "\\n"); return r; }\n`,
  );
  const register = join(dir, "register.mjs");
  writeFileSync(
    register,
    `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  const main = pathToFileURL(join(ROOT, "dist", "cli", "main.js")).href;
  const script = `const { main } = await import(${JSON.stringify(main)}); process.exitCode = await main(${JSON.stringify(args)});`;
  const r = spawnSync(
    process.execPath,
    ["--import", pathToFileURL(register).href, "--input-type=module", "-e", script],
    { cwd, env, encoding: "utf8", timeout: 20_000 },
  );
  expect(r.status, r.stderr).toBe(0);
  return [
    ...new Set(
      readFileSync(trace, "utf8")
        .split("\n")
        .filter((u) => u.startsWith("file:")),
    ),
  ].map((u) => u.replace(pathToFileURL(ROOT).href + "/", ""));
}

describe("command table", () => {
  it("declares each command once, each with its own module under commands/", () => {
    expect(new Set(allNames).size).toBe(allNames.length);
    const modules = readdirSync(join(ROOT, "src", "cli", "commands")).map((f) => f.replace(/\.ts$/, ""));
    // require and unrequire share a module; completion and version are the CLI's own (cli/completion.ts, program.ts).
    for (const name of allNames.filter((n) => !["unrequire", "completion", "version"].includes(n)))
      expect(modules, name).toContain(name);
  });

  it("imports only the invoked command's module: `export` loads neither the prompts nor another command", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => v.set("API_TOKEN", "tok"));
    const loaded = modulesLoadedBy(["export"], w.dir, w.env);
    expect(loaded.filter((m) => m.startsWith("dist/cli/commands/"))).toEqual(["dist/cli/commands/export.js"]);
    expect(loaded).not.toContain("dist/cli/prompts.js");
    expect(loaded.filter((m) => m.includes("@inquirer"))).toEqual([]);
    // Global options before the command (and their values, even a command's name) do not change which module loads.
    const status = modulesLoadedBy(
      ["--json", "-f", ".secrets.yaml", "-i", w.env.VAULTFILE_AGE_KEY_FILE!, "status"],
      w.dir,
      w.env,
    );
    expect(status.filter((m) => m.startsWith("dist/cli/commands/"))).toEqual(["dist/cli/commands/status.js"]);
  });

  it("gives each command the same help alone as through `help NAME`", async () => {
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
