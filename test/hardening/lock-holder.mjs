#!/usr/bin/env node
// Takes the vault's lock and holds it until killed: a live (or, once SIGKILLed, a dead) lock holder for tests.
// Usage: lock-holder.mjs VAULT. Prints "locked" once it holds the lock.
import { acquireLock } from "../../dist/io/lock.js";

acquireLock(process.argv[2]);
process.stdout.write("locked\n");
setInterval(() => {}, 60_000);
