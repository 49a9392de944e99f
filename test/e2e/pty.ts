/**
 * Drives the real CLI in a pseudo-terminal as a person would: keys in, screen text out. The screen is the raw
 * output with ANSI sequences removed, enough to wait for prompts and see which menu entry is highlighted.
 */
import pty from "node-pty";
import { join } from "node:path";
import { ROOT } from "../helpers.js";

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b[()][A-Za-z0-9]|\u001b[=>]/g;

/** A select prompt fully drawn: the pointer, then the key help line inquirer prints last. */
const DRAWN = /❯[\s\S]*navigate/;

export const KEYS = { up: "\u001b[A", down: "\u001b[B", enter: "\r", ctrlC: "\u0003" } as const;

export class PtyRun {
  private raw = "";
  readonly exit: Promise<{ exitCode: number; signal?: number | undefined }>;
  private readonly proc: pty.IPty;

  constructor(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }) {
    this.proc = pty.spawn(process.execPath, [join(ROOT, "bin", "vaultfile.cjs"), ...args], {
      name: "xterm-256color",
      cols: 120,
      rows: 40,
      cwd: opts.cwd,
      env: { TERM: "xterm-256color", ...opts.env } as Record<string, string>,
    });
    let lastData = Date.now();
    this.proc.onData((d) => {
      this.raw += d;
      lastData = Date.now();
    });
    // node-pty may report the exit before the last output arrives: resolve once the output has been quiet a while.
    this.exit = new Promise((resolve) =>
      this.proc.onExit((e) => {
        const settle = (): void => void (Date.now() - lastData >= 100 ? resolve(e) : setTimeout(settle, 25));
        setTimeout(settle, 25);
      }),
    );
  }

  /** Everything shown so far, without escape sequences. */
  get screen(): string {
    return this.raw.replace(ANSI, "");
  }

  /** A position in the output, to wait for what comes after it. */
  mark(): number {
    return this.screen.length;
  }

  /** Waits until the text after `from` matches; returns that text. Fails with the screen after `timeoutMs`. */
  async waitFor(pattern: RegExp | string, from = 0, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.screen.slice(from);
      if (typeof pattern === "string" ? text.includes(pattern) : pattern.test(text)) return text;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; screen after mark:\n${text}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  write(keys: string): void {
    this.proc.write(keys);
  }

  /** Types text and Enter; returns the mark before it, to wait for what the program answers. */
  type(text: string): number {
    const at = this.mark();
    this.write(text + KEYS.enter);
    return at;
  }

  /**
   * In the select prompt drawn after `from`: presses ↓ until the highlighted line (after the ❯ pointer) matches,
   * then Enter. Each press waits for the redraw, so keys never run ahead of the screen. Returns the mark before
   * the Enter.
   */
  async choose(pattern: RegExp, from: number, maxPresses = 25): Promise<number> {
    await this.waitFor(DRAWN, from);
    let at = from;
    for (let i = 0; i <= maxPresses; i++) {
      const text = this.screen.slice(at);
      const line = text
        .slice(text.lastIndexOf("❯") + 1)
        .split(/\r?\n/)[0]!
        .trim();
      if (pattern.test(line)) return this.type("");
      at = this.mark();
      this.write(KEYS.down);
      await this.waitFor(DRAWN, at);
    }
    throw new Error(`no menu entry matching ${pattern}; screen:\n${this.screen.slice(from)}`);
  }

  kill(): void {
    try {
      this.proc.kill();
    } catch {
      /* already gone */
    }
  }
}
