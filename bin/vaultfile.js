#!/usr/bin/env node
// Kept so that what names this file still works: git configs written by `vaultfile git setup` before the command
// moved to bin/vaultfile.cjs, and scripts that run `node bin/vaultfile.js`. The command is bin/vaultfile.cjs (an ES
// module entry like this one costs node's ESM loader on every start).
import { createRequire } from "node:module";

createRequire(import.meta.url)("./vaultfile.cjs");
