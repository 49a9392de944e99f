/**
 * Running the person's editor on a file and waiting for it, and what happens to the plaintext temp file when a
 * signal arrives meanwhile.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { UsageError } from "../../errors.js";

/** `$VISUAL`, then `$EDITOR`, then `vi`, as git and sops choose. May hold arguments (`code --wait`). */
export function editorCommand(env: NodeJS.ProcessEnv): string {
  return env.VISUAL?.trim() || env.EDITOR?.trim() || "vi";
}

/** The edit was interrupted by a signal; nothing was written. */
export class EditInterrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
    this.name = "EditInterrupted";
  }
}

const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * While installed, SIGINT/SIGTERM/SIGHUP run `cleanup` (remove the plaintext) instead of killing the process
 * outright with the file left behind.
 *
 * - While the editor runs, SIGTERM and SIGHUP stop it and the edit is abandoned once it exits. On a terminal,
 *   Ctrl-C reaches the editor too (same process group): the editor decides (vim ignores it, a script dies), and
 *   the edit is abandoned only if the editor dies of it, as git does. Without a terminal no Ctrl-C can come from
 *   a person, so SIGINT counts like SIGTERM; the editor then runs in its own process group, so that stopping it
 *   also stops what it started.
 * - Outside the editor, the signal cleans up and then takes its default course (the process ends); the vault's
 *   lock is recognised as stale afterwards because its process is gone.
 */
export class SignalGuard {
  private child: ChildProcess | undefined;
  /** A signal other than the terminal's Ctrl-C that arrived while the editor ran. */
  private fatal: NodeJS.Signals | undefined;
  private readonly handler = (signal: NodeJS.Signals): void => {
    if (this.child) {
      if (signal !== "SIGINT" || !this.interactive) {
        this.fatal ??= signal;
        this.stopEditor(this.child);
      }
      return;
    }
    this.cleanup();
    this.dispose();
    process.kill(process.pid, signal);
  };

  /** `interactive`: the editor shares a terminal with the person (stdin is a TTY). */
  constructor(
    private readonly cleanup: () => void,
    private readonly interactive: boolean,
  ) {
    for (const s of SIGNALS) process.on(s, this.handler);
  }

  private stopEditor(child: ChildProcess): void {
    try {
      if (this.interactive || child.pid === undefined) child.kill("SIGTERM");
      else process.kill(-child.pid, "SIGTERM"); // its whole process group
    } catch {
      // Already gone.
    }
  }

  dispose(): void {
    for (const s of SIGNALS) process.removeListener(s, this.handler);
  }

  /**
   * Opens `file` in the editor with the terminal (stdio inherited) and waits for it to exit. Throws
   * {@link EditInterrupted} when a signal ended the edit, a {@link UsageError} when the editor failed.
   */
  async runEditor(file: string, env: NodeJS.ProcessEnv): Promise<void> {
    const command = editorCommand(env);
    // Through the shell, like git: the variable may carry arguments; the file is passed as "$1", never parsed.
    const child = spawn("/bin/sh", ["-c", `${command} "$1"`, "vaultfile-editor", file], {
      stdio: "inherit",
      env,
      detached: !this.interactive,
    });
    this.child = child;
    try {
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
        child.once("error", reject);
        child.once("exit", (c, s) => resolve([c, s]));
      });
      if (this.fatal) throw new EditInterrupted(this.fatal);
      if (signal) throw new EditInterrupted(signal);
      // sh reports a child killed by signal N as 128+N; treat Ctrl-C in a script editor the same way.
      if (code === 130) throw new EditInterrupted("SIGINT");
      if (code !== 0) {
        throw new UsageError(`the editor (${command}) exited with status ${code}`, {
          hint:
            code === 127
              ? "set VISUAL or EDITOR to an editor that exists, e.g. EDITOR=nano"
              : "nothing was changed; run `vaultfile edit --editor` again",
        });
      }
    } finally {
      this.child = undefined;
    }
  }
}
