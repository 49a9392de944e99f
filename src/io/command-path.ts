/**
 * Finds the program `exec` starts, with vaultfile's own PATH, before any secret is added to the environment: a
 * secret named PATH must not choose the program (it would run the writer's `deploy.sh` instead of yours). Uses
 * `which` (npm's own lookup, PATHEXT on Windows).
 */
import { createRequire } from "node:module";

/**
 * The absolute path of `command` found on `path` (a `PATH` value); `command` itself when it names a file (contains
 * a slash: spawning it reports ENOENT/EACCES as a shell would); `undefined` when it is not found. Never leave the
 * lookup to `spawn`: it would search the child's PATH, which may be a secret.
 */
export function resolveCommand(command: string, path: string | undefined): string | undefined {
  if (command.includes("/") || (process.platform === "win32" && command.includes("\\"))) return command;
  const which = createRequire(import.meta.url)("which") as {
    sync(cmd: string, opts: { path?: string; nothrow: true }): string | null;
  };
  return which.sync(command, { path: path ?? "", nothrow: true }) ?? undefined;
}
