/**
 * The list of commands: the names each module declares, and how to load it. The CLI imports only the module of the
 * command being run (a small command then starts without compiling the others), and all of them, in this order,
 * for help, a missing or an unknown command. Each module declares its command(s) and options; heavy work is
 * imported lazily inside actions. Add a command by adding its entry here (test/cli/command-table.test.ts checks
 * that `names` match what the module registers).
 */
import type { Command } from "commander";
import type { CliIO } from "../context.js";

export interface CommandModule {
  register(program: Command, io: CliIO): void;
}

export interface CommandEntry {
  /** The top-level command names the module registers. */
  readonly names: readonly string[];
  readonly load: () => Promise<CommandModule>;
}

export const commands: readonly CommandEntry[] = [
  { names: ["keygen"], load: () => import("./keygen.js") },
  { names: ["init"], load: () => import("./init.js") },
  { names: ["set"], load: () => import("./set.js") },
  { names: ["get"], load: () => import("./get.js") },
  { names: ["rm"], load: () => import("./rm.js") },
  { names: ["require", "unrequire"], load: () => import("./require.js") },
  { names: ["status"], load: () => import("./status.js") },
  { names: ["validate"], load: () => import("./validate.js") },
  { names: ["rotate"], load: () => import("./rotate.js") },
  { names: ["recipients"], load: () => import("./recipients.js") },
  { names: ["decrypt"], load: () => import("./decrypt.js") },
  { names: ["reseal"], load: () => import("./reseal.js") },
  { names: ["edit"], load: () => import("./edit.js") },
  { names: ["git"], load: () => import("./git.js") },
  { names: ["check"], load: () => import("./check.js") },
  { names: ["history"], load: () => import("./history.js") },
  { names: ["export"], load: () => import("./export.js") },
  { names: ["exec"], load: () => import("./exec.js") },
  { names: ["import"], load: () => import("./import.js") },
  { names: ["type"], load: () => import("./type.js") },
];
