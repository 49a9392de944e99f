/**
 * Whole-process measurements: wall time (monotonic clock around the spawn), CPU time and peak RSS (from GNU time's
 * `%U %S %M`, or, without it, from a preloaded probe that reports `process.resourceUsage()` at exit), and summaries
 * (median, min, max).
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const GNU_TIME = "/usr/bin/time";
const PROBE = fileURLToPath(new URL("rss-probe.cjs", import.meta.url));
export const hasGnuTime =
  existsSync(GNU_TIME) && spawnSync(GNU_TIME, ["-f", "%M", "true"], { encoding: "utf8" }).status === 0;

/**
 * Runs `node …args` once (`node`: the binary, default this process's). Returns
 * `{ wall, cpu, rssMiB, status, stdout, stderr }` (seconds, MiB). Without GNU time, the probe is preloaded with
 * `-r`: it costs well under a millisecond, for every command alike.
 */
export function runNode(args, { cwd, env, input, node = process.execPath } = {}) {
  const report = join(tmpdir(), `vaultfile-bench-${process.pid}.txt`);
  rmSync(report, { force: true });
  const [cmd, argv, extraEnv] = hasGnuTime
    ? [GNU_TIME, ["-f", "%U %S %M", "-o", report, node, ...args], {}]
    : [node, ["-r", PROBE, ...args], { BENCH_RSS_REPORT: report }];
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd, env: { ...env, ...extraEnv }, input, encoding: "utf8", maxBuffer: 1 << 28 });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  let cpu = NaN;
  let rssMiB = NaN;
  if (existsSync(report)) {
    const last = readFileSync(report, "utf8").trim().split("\n").pop() ?? "";
    const [user, sys, kb] = last.split(/\s+/).map(Number);
    cpu = (user ?? NaN) + (sys ?? NaN);
    rssMiB = (kb ?? NaN) / 1024;
  }
  return { wall, cpu, rssMiB, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Median, min and max of numbers. */
export function summarise(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

/**
 * Least-squares line y = a + b·x through the points, with R², and the growth exponent of the part above the
 * smallest point: log((y3 − y1)/(y2 − y1)) / log((x3 − x1)/(x2 − x1)) for the smallest x1 and the two largest x2 < x3
 * (1 when the cost above the fixed part grows linearly, 2 when quadratically).
 */
export function fitLine(points) {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const b = sxx === 0 ? 0 : sxy / sxx;
  const a = my - b * mx;
  const ssTot = points.reduce((s, p) => s + (p.y - my) ** 2, 0);
  const ssRes = points.reduce((s, p) => s + (p.y - (a + b * p.x)) ** 2, 0);
  const sorted = [...points].sort((p, q) => p.x - q.x);
  const p0 = sorted[0];
  const [p1, p2] = sorted.slice(-2);
  const d1 = p1.y - p0.y;
  const d2 = p2.y - p0.y;
  const exponent = n >= 3 && d1 > 0 && d2 > 0 ? Math.log(d2 / d1) / Math.log((p2.x - p0.x) / (p1.x - p0.x)) : NaN;
  return { a, b, r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot, exponent };
}
