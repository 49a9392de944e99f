/**
 * The pre-dispatch (src/cli/quick-argv.ts) runs `export`, `get`, `exec` and `status` without commander. Whatever it
 * accepts it must read exactly as commander does (the same command, arguments, options and globals); everything
 * else — help, version, errors — it leaves to commander, so those stay commander's, word for word. Both read the
 * options from one table (src/cli/option-table.ts), which is what program.ts declares.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Command } from "commander";
import { globalsFrom, globalsOf, type CliIO } from "../../src/cli/context.js";
import { main } from "../../src/cli/main.js";
import { buildProgram } from "../../src/cli/program.js";
import { GLOBAL_OPTIONS, HOT_COMMANDS } from "../../src/cli/option-table.js";
import { quickParse } from "../../src/cli/quick-argv.js";

function ioFor(): CliIO & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    stdout: {
      write: (s: string) => {
        io.out += s;
        return true;
      },
      isTTY: false,
    },
    stderr: {
      write: (s: string) => {
        io.err += s;
        return true;
      },
    },
    stdin: undefined,
    env: {},
    cwd: "/work/dir",
  };
  return io as unknown as CliIO & { out: string; err: string };
}

class Parsed extends Error {
  constructor(readonly value: unknown) {
    super("parsed");
  }
}

/** What commander hands the action for `argv`, or `undefined` when it does not get there (help, error). */
async function commanderParse(argv: string[]): Promise<unknown> {
  const io = ioFor();
  const program = buildProgram(io);
  program.hook("preAction", (_root: Command, action: Command) => {
    throw new Parsed({
      command: action.name(),
      operands: (action.processedArgs as unknown[]).flat(),
      opts: { ...action.opts() },
      globals: globalsOf(action, io),
    });
  });
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (err) {
    if (err instanceof Parsed) return err.value;
    return undefined;
  }
  return undefined;
}

function quick(argv: string[]): unknown {
  const q = quickParse(argv);
  return q && { command: q.command, operands: q.operands, opts: q.opts, globals: globalsFrom(q.globals, ioFor()) };
}

const TOKENS = [
  "export",
  "get",
  "exec",
  "status",
  "validate",
  "help",
  "list",
  "--",
  "-f",
  "--file",
  "--file=v.yaml",
  "-i",
  "--identity",
  "--identity=k",
  "--json",
  "--no-color",
  "--debug",
  "--help",
  "-h",
  "--format",
  "--format=json",
  "--format=bogus",
  "--format=table",
  "json",
  "shell",
  "github",
  "markdown",
  "-o",
  "--output",
  "--output=out.env",
  "--exclude-expired",
  "--only",
  "--only=A",
  "A",
  "B,C",
  "--allow-expired",
  "--warn-days",
  "10",
  "--warn-days=5",
  "-3",
  "--no-decrypt",
  "--name",
  "--namespace",
  "--encrypt",
  "--follow-symlinks",
  "--allow-name",
  "PATH",
  "--override",
  "--as-file",
  "--pass-keys",
  "true",
  "sh",
  "-c",
  "x",
  "",
  "-",
  "v.yaml",
  "k.agekey",
  "-V",
  "-fv.yaml",
  "-oj",
];

/** Well-formed pieces of a command line (and some noise), so that many random argv are plain ones. */
const PIECES = [
  ["--json"],
  ["--no-color"],
  ["--debug"],
  ["-f", "v.yaml"],
  ["--file=w.yaml"],
  ["--identity", "k"],
  ["-i", "j"],
  ["--format", "json"],
  ["--format=github"],
  ["--format", "markdown"],
  ["--only", "A", "B"],
  ["--only", "C"],
  ["--exclude-expired"],
  ["-o", "x"],
  ["--allow-expired"],
  ["--warn-days", "7"],
  ["--no-decrypt"],
  ["--allow-name", "PATH"],
  ["--as-file", "A=F"],
  ["--override"],
  ["--pass-keys"],
  ["--name", "app"],
  ["--encrypt"],
  ["NAME"],
  ["--", "true", "-x"],
  ["--", "sh"],
  ["-"],
  [""],
  ["--help"],
];
const pieces = fc.array(fc.constantFrom(...PIECES), { maxLength: 6 }).map((ps) => ps.flat());

describe("argv pre-dispatch", () => {
  it("reads whatever it accepts exactly as commander does (random argv)", async () => {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.array(fc.constantFrom(...TOKENS), { maxLength: 9 }), pieces),
        fc.constantFrom("export", "get", "exec", "status"),
        async (rest, first) => {
          for (const argv of [rest, [first, ...rest], ["-f", "v.yaml", first, ...rest]]) {
            const q = quick(argv);
            if (q === undefined) continue;
            accepted++;
            expect(await commanderParse(argv), JSON.stringify(argv)).toEqual(q);
          }
        },
      ),
      {
        numRuns: Number(process.env.QUICK_ARGV_RUNS ?? 800),
        ...(process.env.QUICK_ARGV_SEED ? { seed: Number(process.env.QUICK_ARGV_SEED) } : {}),
      },
    );
    expect(accepted).toBeGreaterThan(150);
  });

  it("accepts the usual forms", async () => {
    for (const argv of [
      ["export", "--format", "dotenv", "-f", "v.yaml", "--identity", "k"],
      ["export", "--format=shell", "--only", "A", "B", "--only", "C", "--exclude-expired", "-o", "out.env"],
      ["get", "PYPI_TOKEN"],
      ["--json", "get", "A", "--allow-expired"],
      ["exec", "--only", "A", "--", "sh", "-c", "echo $A"],
      ["exec", "-f", "v.yaml", "--", "true"],
      ["status", "--warn-days", "60", "--json", "--no-color"],
      ["status", "--no-decrypt", "--format", "markdown"],
      ["exec", "--as-file", "DB=DB_FILE", "--allow-name", "PATH", "--pass-keys", "--", "true"],
      ["export", "--format", "k8s-secret", "--name", "app", "--encrypt"],
      // Global options are taken out before the command's own are read, as commander does: --only gets A and B.
      ["exec", "--only", "A", "-f", "v.yaml", "B", "--", "true"],
      ["export", "--only", "A", "--json", "B"],
      ["--debug", "export"],
    ]) {
      const q = quick(argv);
      expect(q, JSON.stringify(argv)).toBeDefined();
      expect(await commanderParse(argv)).toEqual(q);
    }
  });

  it("leaves help, version and every error to commander", async () => {
    // exec --only A --json B: commander gives --only both names and misses the command (the old parser ran B).
    for (const argv of [
      [],
      ["--help"],
      ["-h"],
      ["export", "--help"],
      ["help", "export"],
      ["-V"],
      ["get"],
      ["get", "A", "B"],
      ["export", "--format", "nope"],
      ["export", "--format"],
      ["exec", "sh", "-c", "x"],
      ["exec"],
      ["status", "extra"],
      ["export", "-f"],
      ["export", "--unknown"],
      ["validate"],
      ["ls"],
      ["exec", "--only", "A", "--json", "B"],
    ]) {
      expect(quickParse(argv), JSON.stringify(argv)).toBeUndefined();
    }
    // So the messages are commander's own, e.g. for a missing argument and for a misplaced option of exec's command.
    const io = ioFor();
    expect(await main(["get"], io)).toBe(2);
    expect(io.err).toBe("vaultfile: error: missing required argument 'name'\n(run with --help for usage)\n");
    const io2 = ioFor();
    expect(await main(["exec", "sh", "-c", "x"], io2)).toBe(2);
    expect(io2.err).toContain("vaultfile: hint: put the command after --");
    const help = ioFor();
    expect(await main(["export", "--help"], help)).toBe(0);
    expect(help.out).toContain("Usage: vaultfile export [options]");
  });

  it("reads the options program.ts declares: the table is the declaration", () => {
    const program = buildProgram(ioFor());
    expect(program.options.map((o) => o.flags)).toEqual(["-V, --version", ...GLOBAL_OPTIONS.map((o) => o.flags)]);
    for (const [name, c] of Object.entries(HOT_COMMANDS)) {
      const cmd = program.commands.find((x) => x.name() === name)!;
      expect(
        cmd.options.map((o) => o.flags),
        name,
      ).toEqual(c.options.map((o) => o.flags));
      expect(cmd.registeredArguments.length, name).toBe(c.operands.max === 0 ? 0 : c.operands.max === 1 ? 1 : 2);
    }
  });
});
