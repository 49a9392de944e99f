/**
 * The list of commands. Each module declares its command(s) and options; heavy work is imported lazily inside
 * actions. Add a command by adding its module here.
 */
import type { Command } from "commander";
import type { CliIO } from "../context.js";
import { register as status } from "./status.js";

export const commands: ReadonlyArray<(program: Command, io: CliIO) => void> = [status];
