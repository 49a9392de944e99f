/** Commands are typed functions: called without a process, they return the exit status; nothing global is set. */
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { validate } from "../../src/cli/commands/validate.js";
import type { CliIO, CommandContext } from "../../src/cli/context.js";
import { main } from "../../src/cli/main.js";
import { ExitCode } from "../../src/errors.js";
import { cleanEnv, NOW, testKey } from "../helpers.js";
import { workspace, writeVault } from "./lifecycle-support.js";

function context(dir: string, file: string): { ctx: CommandContext; stdout: () => string } {
  let text = "";
  const stdout = new PassThrough();
  stdout.on("data", (d: Buffer) => (text += d.toString()));
  const io: CliIO = {
    stdout,
    stderr: new PassThrough(),
    stdin: new PassThrough(),
    env: cleanEnv({ VAULTFILE_AGE_KEY_FILE: testKey("alice").identityFile, VAULTFILE_NOW: NOW.toISOString() }),
    cwd: dir,
  };
  return {
    ctx: {
      io,
      globals: { file, fileSource: "flag", searched: [], identityFiles: [], json: false, debug: false, color: false },
    },
    stdout: () => text,
  };
}

describe("command functions", () => {
  it("validate returns 1 for a missing required secret and 0 once it is set, without touching process.exitCode", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => v.require(["API_TOKEN"]));
    const { ctx, stdout } = context(w.dir, w.file);
    expect(await validate(ctx, { warnDays: "30" })).toBe(ExitCode.validationFailed);
    expect(stdout()).toContain("error: API_TOKEN is required but not set");
    expect(process.exitCode).toBeUndefined();
    const other = workspace();
    await writeVault(other.file, (v) => {
      v.require(["API_TOKEN"]);
      v.set("API_TOKEN", "tok");
    });
    expect(await validate(context(other.dir, other.file).ctx, { warnDays: "30" })).toBe(ExitCode.ok);
  });

  it("main returns the command's status as the exit code and leaves process.exitCode alone", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => v.require(["API_TOKEN"]));
    const io: CliIO = {
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      stdin: new PassThrough(),
      env: w.env,
      cwd: w.dir,
    };
    expect(await main(["validate"], io)).toBe(ExitCode.validationFailed);
    expect(process.exitCode).toBeUndefined();
  });
});
