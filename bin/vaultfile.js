#!/usr/bin/env node
// The vaultfile command. All logic is in the compiled library (dist/, built by `npm ci` / `npm run build`).
import { main } from "../dist/cli/main.js";

process.exitCode = await main(process.argv.slice(2));
