/**
 * How the hardening tests change a vault from another process: the real `vaultfile set`/`rotate` once they are in
 * the built CLI, until then `write-driver.mjs` (the same read-modify-write through the library).
 */
import { join } from "node:path";
import { BIN, hasCommand } from "./support.js";

const DRIVER = join(import.meta.dirname, "write-driver.mjs");

export type WriteOp = "set" | "rotate";

/** Node arguments and stdin that set or rotate `name` to `value` in `vault`. */
export function writeArgs(op: WriteOp, vault: string, name: string, value: string): { args: string[]; input: string } {
  // --force: these tests are about crashes and locks, not about whether a value fits its type (e.g. pypi).
  if (hasCommand(op)) return { args: [BIN, "-f", vault, op, name, "--stdin", "--force"], input: value };
  return { args: [DRIVER, op, vault, name], input: value };
}

/** What drives the writes, for the test's log. */
export function writerKind(op: WriteOp): string {
  return hasCommand(op) ? `vaultfile ${op}` : `library driver (${op} not in the CLI yet)`;
}
