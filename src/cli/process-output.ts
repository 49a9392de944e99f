/**
 * The process's standard output and error as commands write them: straight to the file descriptor with
 * `fs.writeSync`, as node itself writes to files and (on Linux) to pipes and terminals. Node's `process.stdout` on a
 * pipe is a `net.Socket`, and making it loads net and the stream machinery: ~5–10 ms of a command whose whole
 * budget is a fraction of node's own start (issue 18). `isTTY` is looked up when asked.
 */
import { writeSync } from "node:fs";
import { createRequire } from "node:module";

/** What a command writes to: a stream's `write` and `isTTY`, which is all commands use. */
export interface Output {
  write(chunk: string | Uint8Array): boolean;
  readonly isTTY?: boolean | undefined;
}

/** A blocking sleep, for a descriptor that another program left non-blocking and that is full for the moment. */
const pause = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Writes to file descriptor `fd`. A write error (EPIPE included) goes to `onError`, and the rest of that chunk is
 * dropped if it returns.
 */
export class FdOutput implements Output {
  #isTTY: boolean | undefined;

  constructor(
    private readonly fd: number,
    private readonly onError: (err: NodeJS.ErrnoException) => void,
  ) {}

  get isTTY(): boolean {
    // node:tty is loaded only here (it brings net): a command that never asks does not pay for it.
    this.#isTTY ??= (createRequire(import.meta.url)("node:tty") as typeof import("node:tty")).isatty(this.fd);
    return this.#isTTY;
  }

  write(chunk: string | Uint8Array): boolean {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    for (let done = 0; done < bytes.length; ) {
      try {
        done += writeSync(this.fd, bytes, done, bytes.length - done);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EAGAIN") {
          this.onError(err as NodeJS.ErrnoException);
          return false;
        }
        pause(1);
      }
    }
    return true;
  }
}
