#!/usr/bin/env node
/**
 * `npm run bench`: cold whole-process runs of `vaultfile export --format dotenv` and `vaultfile validate` on vaults
 * of 10 … 10,000 secrets × 1, 5, 20 recipients, against `node -e 0` (the floor) and `dotenvx get` (the JS peer) on
 * an encrypted .env with as many keys; one `vaultfile rotate` in the 10,000-secret vault with the size of its diff.
 * Commands alternate within each repetition; the table gives median and min–max wall time, peak RSS, and ratios.
 * Writes bench/results/latest.json and bench/results/latest.md.
 *
 *   node bench/run.mjs [--quick] [--reps N] [--sizes 10,100] [--recipients 1,20] [--dotenvx-max 1000]
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { identityFile, makeDotenvx, makeVault, NOW } from "./generate.mjs";
import { hasGnuTime, runNode, summarise } from "./measure.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RESULTS = join(ROOT, "bench", "results");
const DATA = join(RESULTS, "data");
// The CLI as shipped (bin/vaultfile.js + the bundle), built into a private folder from the current sources, so
// that a build by someone else during the run cannot switch what is measured.
const BUILD = join(RESULTS, "build");
const BIN = join(BUILD, "bin", "vaultfile.js");
const DOTENVX = join(ROOT, "node_modules", "@dotenvx", "dotenvx", "src", "cli", "dotenvx.js");

const { values: opt } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    reps: { type: "string" },
    sizes: { type: "string" },
    recipients: { type: "string" },
    "dotenvx-max": { type: "string" },
  },
});
const list = (s, d) => (s ? s.split(",").map(Number) : d);
const reps = Number(opt.reps ?? (opt.quick ? 3 : 7));
const sizes = list(opt.sizes, [10, 100, 1000, 10000]);
const recipientCounts = list(opt.recipients, opt.quick ? [1, 20] : [1, 5, 20]);
// dotenvx decrypts each value with its own secp256k1 ECIES: ~15 s for 1,000 keys here, ~150 s for 10,000.
const dotenvxMax = Number(opt["dotenvx-max"] ?? (opt.quick ? 100 : 1000));
const dotenvxSlow = 1000; // at and above this size dotenvx runs once per benchmark, not once per repetition

console.error("bench: bundling the CLI into bench/results/build…");
mkdirSync(join(BUILD, "bin"), { recursive: true });
copyFileSync(join(ROOT, "bin", "vaultfile.js"), BIN);
if (spawnSync(process.execPath, [join(ROOT, "scripts", "bundle.mjs"), join(BUILD, "dist", "bundle")], { stdio: "inherit" }).status !== 0) process.exit(2);
if (!existsSync(join(ROOT, "dist", "index.js"))) {
  console.error("bench: the generator uses the library: build first (npm run build)");
  process.exit(2);
}

const env = { PATH: process.env.PATH, HOME: tmpdir(), XDG_CONFIG_HOME: join(tmpdir(), "vaultfile-bench-none"), VAULTFILE_NOW: NOW };
const idArgs = () => ["--identity", identityFile(DATA)];
const help = runNode([BIN, "--help"], { env }).stdout;
const hasCommand = (name) => new RegExp(`^\\s+${name}\\b`, "m").test(help);
const exportCmd = hasCommand("export") ? ["export", "--format", "dotenv"] : ["status"];
const validateCmd = hasCommand("validate") ? ["validate"] : ["status"];

console.error(`bench: preparing inputs in ${DATA} (cached between runs)…`);
const cases = [{ id: "node", label: "node -e 0", args: ["-e", "0"], n: 0, r: 0 }];
for (const n of sizes) {
  for (const r of recipientCounts) {
    const file = await makeVault(DATA, n, r);
    cases.push({ id: `export-${n}x${r}`, label: `vaultfile ${exportCmd.join(" ")}`, kind: "export", args: [BIN, ...exportCmd, "-f", file, ...idArgs()], n, r });
    cases.push({ id: `validate-${n}x${r}`, label: `vaultfile ${validateCmd.join(" ")}`, kind: "validate", args: [BIN, ...validateCmd, "-f", file, ...idArgs()], n, r });
  }
  if (n <= dotenvxMax) {
    const cwd = makeDotenvx(DATA, n, DOTENVX);
    cases.push({ id: `dotenvx-${n}`, label: "dotenvx get", kind: "dotenvx", args: [DOTENVX, "get", "-f", ".env"], cwd, n, r: 0, once: n >= dotenvxSlow });
  }
}

/** One measurement of a case; a failing command stops the benchmark (a fast failure is no result). */
function measure(c) {
  const m = runNode(c.args, { cwd: c.cwd ?? DATA, env });
  if (m.status !== 0) {
    console.error(`bench: ${c.id} exited with ${m.status}\n${m.stderr.slice(0, 2000)}`);
    process.exit(1);
  }
  return m;
}

const samples = new Map(cases.map((c) => [c.id, []]));
console.error(`bench: ${cases.length} commands × ${reps} repetitions, alternating (GNU time: ${hasGnuTime ? "yes" : "no, using the probe"})`);
for (let i = 0; i < reps; i++) {
  for (const c of cases) {
    if (c.once && i > 0) continue;
    samples.get(c.id).push(measure(c));
  }
  process.stderr.write(`  repetition ${i + 1}/${reps} done\n`);
}

// One rotation in the biggest vault, on a fresh copy each time; the diff is counted in lines.
const rotation = (() => {
  const n = Math.max(...sizes);
  const r = Math.max(...recipientCounts);
  const source = join(DATA, `vault-${n}x${r}.g1.yaml`);
  if (!hasCommand("rotate") || !existsSync(source)) return undefined;
  const name = `SECRET_${String(Math.floor(n / 2)).padStart(5, "0")}`;
  const runs = [];
  let diff;
  for (let i = 0; i < Math.min(reps, 5); i++) {
    const copy = join(DATA, `rotate-${n}x${r}.yaml`);
    copyFileSync(source, copy);
    const m = runNode([BIN, "rotate", name, "--stdin", "-f", copy, ...idArgs()], { cwd: DATA, env: { ...env, VAULTFILE_NOW: "2026-12-01T00:00:00Z" }, input: `rotated-value-${i}\n` });
    if (m.status !== 0) {
      console.error(`bench: rotate exited with ${m.status}\n${m.stderr.slice(0, 2000)}`);
      process.exit(1);
    }
    runs.push(m);
    diff = lineDiff(source, copy);
  }
  return { id: `rotate-${n}x${r}`, label: `vaultfile rotate (1 of ${n})`, n, r, runs, diff };
})();

/** `git diff --no-index` of two files: lines added and removed, and the YAML keys on the changed lines. */
function lineDiff(a, b) {
  const out = spawnSync("git", ["diff", "--no-index", "--unified=0", "--no-color", a, b], { encoding: "utf8", maxBuffer: 1 << 28 }).stdout;
  const changed = out.split("\n").filter((l) => /^[+-](?![+-]{2} )/.test(l));
  const keys = [...new Set(changed.map((l) => /^[+-]\s*([\w.-]+):/.exec(l)?.[1] ?? "?"))];
  return { added: changed.filter((l) => l.startsWith("+")).length, removed: changed.filter((l) => l.startsWith("-")).length, keys };
}

// ---- the table ----------------------------------------------------------------------------------------------------
const stat = (runs, k) => summarise(runs.map((m) => m[k]));
const node = stat(samples.get("node"), "wall");
const nodeCpu = stat(samples.get("node"), "cpu");
const rows = [];
for (const c of cases) {
  const runs = samples.get(c.id);
  const wall = stat(runs, "wall");
  const peer = c.kind === "export" || c.kind === "validate" ? samples.get(`dotenvx-${c.n}`) : undefined;
  rows.push({
    id: c.id,
    command: c.label,
    secrets: c.n,
    recipients: c.r,
    wall,
    cpu: stat(runs, "cpu"),
    rssMiB: stat(runs, "rssMiB"),
    vsNode: wall.median / node.median,
    cpuVsNode: stat(runs, "cpu").median / nodeCpu.median,
    vsDotenvx: peer ? wall.median / stat(peer, "wall").median : null,
  });
}
if (rotation) {
  const wall = stat(rotation.runs, "wall");
  rows.push({ id: rotation.id, command: rotation.label, secrets: rotation.n, recipients: rotation.r, wall, cpu: stat(rotation.runs, "cpu"), rssMiB: stat(rotation.runs, "rssMiB"), vsNode: wall.median / node.median, cpuVsNode: stat(rotation.runs, "cpu").median / nodeCpu.median, vsDotenvx: null, diff: rotation.diff });
}

const s3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : "-");
const ratio = (x) => (x === null || !Number.isFinite(x) ? "-" : `${x.toFixed(x < 10 ? 2 : 1)}×`);
const header = ["command", "secrets", "recip.", "median s", "min–max s", "cpu s", "peak RSS MiB", "/ node", "cpu / node", "/ dotenvx"];
const body = rows.map((r) => [
  r.command + (r.diff ? ` (diff +${r.diff.added} −${r.diff.removed}: ${r.diff.keys.join(", ")})` : ""),
  r.secrets ? r.secrets.toLocaleString("en") : "-",
  r.recipients || "-",
  s3(r.wall.median),
  `${s3(r.wall.min)}–${s3(r.wall.max)}`,
  s3(r.cpu.median),
  Number.isFinite(r.rssMiB.median) ? r.rssMiB.median.toFixed(0) : "-",
  ratio(r.vsNode),
  ratio(r.cpuVsNode),
  ratio(r.vsDotenvx),
]);
const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ");
console.log(line(header));
for (const b of body) console.log(line(b));

const machine = { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? "?", loadavg: loadavg().map((x) => Number(x.toFixed(2))) };
const skipped = sizes.filter((n) => n > dotenvxMax).map((n) => `dotenvx-${n}`);
const json = { date: new Date().toISOString(), machine, reps, exportCommand: exportCmd.join(" "), validateCommand: validateCmd.join(" "), skipped, rows };
mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, "latest.json"), JSON.stringify(json, null, 2) + "\n");
const md = [
  `Measured ${json.date} on ${machine.cpus} × ${machine.cpu}, Node ${machine.node}, load average ${machine.loadavg.join(" ")}; ${reps} repetitions (dotenvx at ≥ ${dotenvxSlow.toLocaleString("en")} keys: 1).`,
  skipped.length ? `Not run: ${skipped.join(", ")} (dotenvx needs minutes at that size).` : "",
  "",
  `| ${header.join(" | ")} |`,
  `|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
  ...body.map((b) => `| ${b.join(" | ")} |`),
  "",
].filter((l, i) => l !== "" || i > 1);
writeFileSync(join(RESULTS, "latest.md"), md.join("\n"));
console.error(`bench: wrote ${join(RESULTS, "latest.json")} and latest.md`);
if (skipped.length) console.error(`bench: not run: ${skipped.join(", ")} (raise --dotenvx-max to include them)`);
