/**
 * The list of commands. Each module declares its command(s) and options; heavy work is imported lazily inside
 * actions. Add a command by adding its module here.
 */
import type { Command } from "commander";
import type { CliIO } from "../context.js";
import { register as status } from "./status.js";
import { register as edit } from "./edit.js";
import { register as keygen } from "./keygen.js";
import { register as init } from "./init.js";
import { register as set } from "./set.js";
import { register as get } from "./get.js";
import { register as rm } from "./rm.js";
import { register as requireNames } from "./require.js";
import { register as validate } from "./validate.js";
import { register as rotate } from "./rotate.js";
import { register as recipients } from "./recipients.js";
import { register as decrypt } from "./decrypt.js";
import { register as reseal } from "./reseal.js";
import { register as git } from "./git.js";
import { register as check } from "./check.js";
import { register as history } from "./history.js";
import { register as exportSecrets } from "./export.js";
import { register as exec } from "./exec.js";
import { register as importDotenv } from "./import.js";
import { register as type } from "./type.js";

export const commands: ReadonlyArray<(program: Command, io: CliIO) => void> = [keygen, init, set, get, rm, requireNames, status, validate, rotate, recipients, decrypt, reseal, edit, git, check, history, exportSecrets, exec, importDotenv, type];
