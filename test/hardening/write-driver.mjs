#!/usr/bin/env node
// Stand-in for `vaultfile set|rotate` while those commands are missing from the CLI: one read-modify-write under
// the lock through the built library, exactly what a command does. Usage: write-driver.mjs set|rotate VAULT NAME
// with the value on stdin and the key in $VAULTFILE_AGE_KEY_FILE.
import { readFileSync } from "node:fs";
import { updateVault } from "../../dist/index.js";

const [op, file, name] = process.argv.slice(2);
const value = readFileSync(0, "utf8");
const now = process.env.VAULTFILE_NOW ? () => new Date(process.env.VAULTFILE_NOW) : undefined;
try {
  await updateVault(file, { env: process.env, ...(now ? { now } : {}) }, (v) =>
    op === "rotate" ? v.rotate(name, value) : v.set(name, value),
  );
} catch (err) {
  process.stderr.write(`vaultfile: error: ${err.message}\n`);
  process.exitCode = err.exitCode ?? 70;
}
