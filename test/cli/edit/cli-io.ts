/** Runs the CLI in-process with a fake terminal (stdin/stdout/stderr report isTTY) and captured output. */
import { PassThrough } from "node:stream";
import { main } from "../../../src/cli/main.js";
import type { CliIO } from "../../../src/cli/context.js";
import { cleanEnv } from "../../helpers.js";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The fixed clock the CLI tests use: a day after the vaults were made, so OLD_KEY has expired. */
export const CLI_NOW = "2026-11-25T12:00:00Z";

export async function runCli(
  args: string[],
  opts: { cwd: string; tty: boolean; env?: NodeJS.ProcessEnv },
): Promise<Run> {
  const stdout = Object.assign(new PassThrough(), { isTTY: opts.tty });
  const stderr = Object.assign(new PassThrough(), { isTTY: opts.tty });
  const stdin = Object.assign(new PassThrough(), { isTTY: opts.tty });
  let out = "";
  let err = "";
  stdout.on("data", (d: Buffer) => (out += d.toString()));
  stderr.on("data", (d: Buffer) => (err += d.toString()));
  const io: CliIO = {
    stdout,
    stderr,
    stdin,
    env: cleanEnv({ NO_COLOR: "1", VAULTFILE_NOW: CLI_NOW, ...(opts.env as Record<string, string>) }),
    cwd: opts.cwd,
  };
  const code = await main(args, io);
  return { code, stdout: out, stderr: err };
}
