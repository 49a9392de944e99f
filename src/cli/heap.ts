/**
 * V8's young generation, held near its starting size for the whole run. Opening a vault builds trees that live
 * until the command ends; when most of what a scavenge sees survives, V8 doubles the new space (to 32 MiB on Node
 * 20/22 and 64 MiB on Node 24, as `v8.getHeapSpaceStatistics()` reports it), and that space stays resident: 28-138
 * MiB of the peak RSS of a command on a 10,000-secret vault, for no gain in time (bench/perf-notes.md, "Fourth
 * round"). The size limit (`--max-semi-space-size`) is read only when the heap is set up, so it works only on node's
 * command line; the growth factor is read each time the space grows, so setting it to 1 at run time keeps the space
 * where it is (a few MiB). `v8.setFlagsFromString` after start is safe for a flag like this, which V8 reads where it
 * uses it. bin/vaultfile.cjs sets the same flag before it compiles the bundle (V8 ties a code cache entry to the
 * flags it was made under, so the two must stay the same); the call here covers the tsc build and callers of `main()`.
 */
import { setFlagsFromString } from "node:v8";

let done = false;

/**
 * Stops the new space from growing in this process (`--semi-space-growth-factor=1`). Idempotent; call it before a
 * command builds a big tree (the earlier the better: it does not shrink space already grown).
 */
export function keepYoungGenerationSmall(): void {
  if (done) return;
  done = true;
  setFlagsFromString("--semi-space-growth-factor=1");
}
