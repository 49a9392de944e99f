#!/usr/bin/env node
/**
 * `npm run bench`: whole-process runs of the CLI as shipped, each against `node -e 0` of the same Node in the same
 * interleaved run, on Node 20, 22 and 24 (22/24 from the npm registry's node-linux package, cached; see nodes.mjs).
 *
 *   start  cold start of the hot commands on 100 secrets × 20 recipients: `export`, `get`, `exec -- true`, `status`
 *          (and `--help`), with the compile cache warm (a second run), ratio to that node's `node -e 0`
 *   first  the same, first run after install: every run with an empty cache folder (its own TMPDIR)
 *   scale  10,000 × 20: `export`, `recipients add`, `recipients remove`, `rotate` (on a fresh copy each run; the
 *          rotation's diff is counted), wall, CPU and peak RSS
 *   sweep  time and RSS against N (10 … 10,000 secrets, 20 recipients) and R (1 … 100 recipients, 1,000 secrets)
 *          on this node, with a fitted line per command and the growth exponent of the part above the fixed cost
 *   peers  `dotenvx get` on the same 100 values (this node only)
 *
 * Repetitions alternate over every command and node, so load from others hits all of them alike; the tables give
 * medians and min–max. Writes bench/results/latest.json and bench/results/latest.md (commit a copy as
 * bench/results.md).
 *
 *   node bench/run.mjs [--quick] [--reps N] [--nodes 20,22,24] [--only start,first,scale,sweep,peers] [--no-fetch]
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { identityFile, makeDotenvx, makeVault, NOW, spareRecipient } from "./generate.mjs";
import { nodeOf } from "./nodes.mjs";
import { fitLine, hasGnuTime, runNode, summarise } from "./measure.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RESULTS = join(ROOT, "bench", "results");
const DATA = join(RESULTS, "data");
// The CLI as shipped (bin/vaultfile.cjs + the bundle), built into a private folder from the current sources, so
// that a build by someone else during the run cannot switch what is measured.
const BUILD = join(RESULTS, "build");
const BIN = join(BUILD, "bin", "vaultfile.cjs");
const DOTENVX = join(ROOT, "node_modules", "@dotenvx", "dotenvx", "src", "cli", "dotenvx.js");

const { values: opt } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    reps: { type: "string" },
    nodes: { type: "string" },
    only: { type: "string" },
    "no-fetch": { type: "boolean", default: false },
  },
});
const reps = Number(opt.reps ?? (opt.quick ? 5 : 15));
const scaleReps = Math.max(1, Math.round(reps / 3));
const sweepReps = Math.max(1, Math.round(reps / 5));
const sections = new Set((opt.only ?? "start,first,scale,sweep,peers").split(","));
const majors = (opt.nodes ?? "20,22,24").split(",").map(Number);
const nodes = majors.map((m) => nodeOf(m, { fetch: !opt["no-fetch"] })).filter(Boolean);
const host = nodes.find((n) => n.path === process.execPath) ?? {
  major: Number(process.versions.node.split(".")[0]),
  version: process.version,
  path: process.execPath,
};
for (const m of majors)
  if (!nodes.some((n) => n.major === m)) console.error(`bench: Node ${m} not available; left out`);

console.error("bench: bundling the CLI into bench/results/build…");
rmSync(BUILD, { recursive: true, force: true });
mkdirSync(join(BUILD, "bin"), { recursive: true });
copyFileSync(join(ROOT, "bin", "vaultfile.cjs"), BIN);
if (
  spawnSync(process.execPath, [join(ROOT, "scripts", "bundle.mjs"), join(BUILD, "dist", "bundle")], {
    stdio: "inherit",
  }).status !== 0
)
  process.exit(2);
if (!existsSync(join(ROOT, "dist", "index.js"))) {
  console.error("bench: the generator uses the library: build first (npm run build)");
  process.exit(2);
}

// A TMPDIR of the benchmark's own: the compile cache lives there (warm after the first run of each command).
const WARM_TMP = join(RESULTS, "tmp");
rmSync(WARM_TMP, { recursive: true, force: true });
mkdirSync(WARM_TMP, { recursive: true });
const baseEnv = {
  PATH: process.env.PATH,
  HOME: WARM_TMP,
  XDG_CONFIG_HOME: join(WARM_TMP, "no-config"),
  VAULTFILE_NOW: NOW,
  TMPDIR: WARM_TMP,
};
const idArgs = ["--identity", identityFile(DATA)];
const loads = [];
const noteLoad = (when) => loads.push({ when, loadavg: loadavg().map((x) => Number(x.toFixed(2))) });
noteLoad("start");

/** One measurement; a failing command stops the benchmark (a fast failure is no result). */
function measure(c) {
  if (c.fresh) copyFileSync(c.fresh.from, c.fresh.to);
  let env = c.env ?? baseEnv;
  let coldTmp;
  if (c.coldCache) {
    coldTmp = mkdtempSync(join(tmpdir(), "vaultfile-bench-first-"));
    env = { ...env, TMPDIR: coldTmp, HOME: coldTmp };
  }
  const m = runNode(c.args, { cwd: c.cwd ?? DATA, env, node: c.node.path, input: c.input });
  if (coldTmp) rmSync(coldTmp, { recursive: true, force: true });
  if (m.status !== (c.status ?? 0)) {
    console.error(`bench: ${c.id} on Node ${c.node.major} exited with ${m.status}\n${m.stderr.slice(0, 2000)}`);
    process.exit(1);
  }
  if (c.after) c.after(m);
  return m;
}

/** Runs every case `n` times, alternating; returns samples by case id. */
function runInterleaved(name, cases, n) {
  const samples = new Map(cases.map((c) => [c.key, []]));
  console.error(`bench: ${name}: ${cases.length} commands × ${n} repetitions, alternating`);
  for (let i = 0; i < n; i++) {
    for (const c of cases) {
      if (c.once && i > 0) continue;
      samples.get(c.key).push(measure(c));
    }
    process.stderr.write(`  ${name}: repetition ${i + 1}/${n}\n`);
  }
  noteLoad(`after ${name}`);
  return samples;
}

const s3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : "-");
const mib = (x) => (Number.isFinite(x) ? x.toFixed(0) : "-");
const ratio = (x) => (x === null || x === undefined || !Number.isFinite(x) ? "-" : `${x.toFixed(x < 10 ? 2 : 1)}×`);
const stat = (runs, k) => summarise(runs.map((m) => m[k]));

/** Table rows for cases measured against a `node -e 0` case of the same node (`nodeKey`). */
function rowsAgainstNode(cases, samples) {
  return cases
    .filter((c) => !c.floor)
    .map((c) => {
      const runs = samples.get(c.key);
      const base = samples.get(`${c.node.major}/node`);
      const wall = stat(runs, "wall");
      const nodeWall = base ? stat(base, "wall") : undefined;
      const nodeCpu = base ? stat(base, "cpu") : undefined;
      // Each repetition's own ratio (the command and its node ran seconds apart): min–max of those.
      const perRep = base ? summarise(runs.map((m, i) => m.wall / (base[i] ?? base[0]).wall)) : undefined;
      return {
        node: c.node.version,
        command: c.label,
        secrets: c.n,
        recipients: c.r,
        wall,
        cpu: stat(runs, "cpu"),
        rssMiB: stat(runs, "rssMiB"),
        nodeWall: nodeWall?.median,
        vsNode: nodeWall ? wall.median / nodeWall.median : null,
        vsNodeRange: perRep ? [perRep.min, perRep.max] : null,
        cpuVsNode: nodeCpu ? stat(runs, "cpu").median / nodeCpu.median : null,
        target: c.target,
        diff: c.diff?.(),
      };
    });
}

function table(header, body) {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const line = (cells) =>
    cells.map((c, i) => (i <= 1 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join("  ");
  const md = [
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i <= 1 ? "---" : "---:")).join("|")}|`,
    ...body.map((b) => `| ${b.join(" | ")} |`),
  ];
  return { text: [line(header), ...body.map(line)].join("\n"), md: md.join("\n") };
}

const met = (ok) => (ok === undefined ? "" : ok ? "yes" : "NO");
function renderAgainstNode(rows) {
  const header = [
    "node",
    "command",
    "secrets×recip.",
    "median s",
    "min–max s",
    "cpu s",
    "RSS MiB (max)",
    "/ node",
    "/ node min–max",
    "cpu / node",
    "target",
    "met",
  ];
  const body = rows.map((r) => {
    const t = r.target;
    const ok = t
      ? (t.ratio === undefined || r.vsNode <= t.ratio) &&
        (t.wall === undefined || r.wall.median <= t.wall) &&
        (t.rss === undefined || r.rssMiB.max <= t.rss)
      : undefined;
    return [
      r.node,
      r.command + (r.diff ? ` (diff +${r.diff.added} −${r.diff.removed}: ${r.diff.keys.join(", ")})` : ""),
      r.secrets ? `${r.secrets.toLocaleString("en")}×${r.recipients}` : "-",
      s3(r.wall.median),
      `${s3(r.wall.min)}–${s3(r.wall.max)}`,
      s3(r.cpu.median),
      `${mib(r.rssMiB.median)} (${mib(r.rssMiB.max)})`,
      ratio(r.vsNode),
      r.vsNodeRange ? `${ratio(r.vsNodeRange[0])}–${ratio(r.vsNodeRange[1])}` : "-",
      ratio(r.cpuVsNode),
      t?.text ?? "",
      met(ok),
    ];
  });
  return table(header, body);
}

const report = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? "?" },
  nodes,
  reps,
  sections: {},
};
const out = [];
const emit = (title, note, t) => {
  console.log(`\n${title}${note ? `\n${note}` : ""}\n${t.text}`);
  out.push(`### ${title}`, "", ...(note ? [note, ""] : []), t.md, "");
};

const nodeCase = (node) => ({
  key: `${node.major}/node`,
  id: "node",
  label: "node -e 0",
  node,
  args: ["-e", "0"],
  n: 0,
  r: 0,
  floor: true,
});
const cli = (node, key, label, args, extra = {}) => ({
  key: `${node.major}/${key}`,
  id: key,
  label,
  node,
  args: [BIN, ...args],
  ...extra,
});

// ---- start: the hot commands on 100 × 20 ----------------------------------------------------------------------------
const small = await makeVault(DATA, 100, 20);
const hot = (node, extra = {}, prefix = "") => {
  const t = { ratio: 1.5, text: "≤ 1.5× node" };
  return [
    cli(node, prefix + "export", "export --format dotenv", ["export", "--format", "dotenv", "-f", small, ...idArgs], {
      n: 100,
      r: 20,
      target: t,
      ...extra,
    }),
    cli(node, prefix + "get", "get SECRET_00050", ["get", "SECRET_00050", "-f", small, ...idArgs], {
      n: 100,
      r: 20,
      target: t,
      ...extra,
    }),
    cli(node, prefix + "exec", "exec -- true", ["exec", "-f", small, ...idArgs, "--", "true"], {
      n: 100,
      r: 20,
      target: t,
      ...extra,
    }),
    cli(node, prefix + "status", "status", ["status", "-f", small, ...idArgs], { n: 100, r: 20, target: t, ...extra }),
    cli(node, prefix + "help", "--help", ["--help"], { n: 0, r: 0, ...extra }),
  ];
};
if (sections.has("start")) {
  const cases = nodes.flatMap((node) => [nodeCase(node), ...hot(node)]);
  for (const c of cases) measure(c); // fills each node's compile cache: these runs are the "second run"
  const samples = runInterleaved("start", cases, reps);
  const rows = rowsAgainstNode(cases, samples);
  report.sections.start = rows;
  emit(
    "Start-up: hot commands, 100 secrets × 20 recipients, compile cache warm",
    "Ratio: the command's median wall time over `node -e 0` of the same node in the same run; min–max of each repetition's own ratio.",
    renderAgainstNode(rows),
  );
}
if (sections.has("first")) {
  const cases = nodes.flatMap((node) => [nodeCase(node), ...hot(node, { coldCache: true }, "first-")]);
  const samples = runInterleaved("first", cases, Math.max(3, Math.round(reps / 2)));
  const rows = rowsAgainstNode(cases, samples).map((r) => ({
    ...r,
    command: `${r.command} (first run)`,
    target: undefined,
  }));
  report.sections.first = rows;
  emit(
    "First run after install (every run with an empty cache folder)",
    "The OS page cache is warm (the bench cannot drop it); only vaultfile's own compile cache is empty.",
    renderAgainstNode(rows),
  );
}

// ---- scale: 10,000 × 20 ---------------------------------------------------------------------------------------------
/** The write commands of a vault `file` (fresh copy each run, so every run does the same work). */
async function writeCases(node, file, n, r, prefix = "") {
  const copy = join(DATA, `work-${node.major}-${n}x${r}.yaml`);
  const spare = await spareRecipient(DATA);
  const fresh = { from: file, to: copy };
  const name = `SECRET_${String(Math.floor(n / 2)).padStart(5, "0")}`;
  const cases = [
    cli(
      node,
      `${prefix}rotate`,
      `rotate (1 of ${n.toLocaleString("en")})`,
      ["rotate", name, "--stdin", "-f", copy, ...idArgs],
      { fresh, input: "rotated-value\n", env: { ...baseEnv, VAULTFILE_NOW: "2026-12-01T00:00:00Z" }, n, r },
    ),
    cli(
      node,
      `${prefix}recipients-add`,
      "recipients add",
      ["recipients", "add", "newcomer", spare, "-f", copy, ...idArgs],
      { fresh, n, r },
    ),
  ];
  if (r >= 2)
    cases.push(
      cli(
        node,
        `${prefix}recipients-remove`,
        "recipients remove",
        ["recipients", "remove", "holder01", "-f", copy, ...idArgs],
        { fresh, n, r },
      ),
    );
  return cases;
}
function lineDiff(a, b) {
  const text = spawnSync("git", ["diff", "--no-index", "--unified=0", "--no-color", a, b], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
  }).stdout;
  const changed = text.split("\n").filter((l) => /^[+-](?![+-]{2} )/.test(l));
  const keys = [...new Set(changed.map((l) => /^[+-]\s*([\w.-]+):/.exec(l)?.[1] ?? "?"))];
  return {
    added: changed.filter((l) => l.startsWith("+")).length,
    removed: changed.filter((l) => l.startsWith("-")).length,
    keys,
  };
}
if (sections.has("scale")) {
  const big = await makeVault(DATA, 10000, 20);
  const cases = [];
  for (const node of nodes) {
    cases.push(nodeCase(node));
    cases.push(
      cli(node, "export", "export --format dotenv", ["export", "--format", "dotenv", "-f", big, ...idArgs], {
        n: 10000,
        r: 20,
        target: { ratio: 8, wall: 1, rss: 150, text: "≤ 1 s, ≤ 8× node, ≤ 150 MiB" },
      }),
    );
    for (const c of await writeCases(node, big, 10000, 20)) {
      c.target = { rss: 150, text: "≤ 150 MiB" };
      if (c.id === "rotate" && node === host) {
        let last;
        c.after = () => (last = lineDiff(big, c.fresh.to));
        c.diff = () => last;
      }
      cases.push(c);
    }
  }
  const samples = runInterleaved("scale", cases, scaleReps);
  const rows = rowsAgainstNode(cases, samples);
  report.sections.scale = rows;
  emit(
    "10,000 secrets × 20 recipients",
    "Write commands run on a fresh copy of the vault each time. RSS: median (max) of the runs.",
    renderAgainstNode(rows),
  );
}

// ---- sweep: time and RSS against N and R (this node) ---------------------------------------------------------------
if (sections.has("sweep")) {
  const axes = [
    {
      axis: "N",
      values: opt.quick ? [10, 1000, 10000] : [10, 100, 1000, 3000, 10000],
      vault: (x) => makeVault(DATA, x, 20),
      n: (x) => x,
      r: () => 20,
    },
    {
      axis: "R",
      values: opt.quick ? [1, 20, 100] : [1, 5, 20, 50, 100],
      vault: (x) => makeVault(DATA, 1000, x),
      n: () => 1000,
      r: (x) => x,
    },
  ];
  const cases = [];
  for (const a of axes) {
    for (const x of a.values) {
      const file = await a.vault(x);
      const n = a.n(x);
      const r = a.r(x);
      const tag = `${a.axis}${x}`;
      cases.push(
        cli(host, `${tag}-export`, "export", ["export", "--format", "dotenv", "-f", file, ...idArgs], {
          n,
          r,
          axis: a.axis,
          x,
        }),
      );
      cases.push(cli(host, `${tag}-status`, "status", ["status", "-f", file, ...idArgs], { n, r, axis: a.axis, x }));
      for (const c of await writeCases(host, file, n, r, `${tag}-`))
        cases.push({ ...c, axis: a.axis, x, label: c.label.replace(/ \(1 of .*\)/, "") });
    }
  }
  const samples = runInterleaved("sweep", cases, sweepReps);
  const fits = [];
  for (const a of axes) {
    for (const label of [...new Set(cases.filter((c) => c.axis === a.axis).map((c) => c.label))]) {
      const pts = cases
        .filter((c) => c.axis === a.axis && c.label === label)
        .map((c) => ({
          x: c.x,
          wall: stat(samples.get(c.key), "wall").median,
          cpu: stat(samples.get(c.key), "cpu").median,
          rss: stat(samples.get(c.key), "rssMiB").median,
        }));
      const fit = (k) => fitLine(pts.map((p) => ({ x: p.x, y: p[k] })));
      fits.push({ axis: a.axis, command: label, points: pts, wall: fit("wall"), cpu: fit("cpu"), rss: fit("rss") });
    }
  }
  report.sections.sweep = fits;
  const per = (f) => (f.axis === "N" ? 1000 : 10);
  const header = [
    "axis",
    "command",
    "points: x → median wall s / cpu s / RSS MiB",
    "wall: a + b·x",
    "R²",
    "exp.",
    "cpu: a + b·x",
    "R²",
    "exp.",
    "RSS: a + b·x",
    "R²",
    "exp.",
  ];
  const ms = (fit, f) =>
    `${(fit.a * 1000).toFixed(0)} ms + ${(fit.b * per(f) * 1000).toFixed(1)} ms per ${per(f).toLocaleString("en")}`;
  const exp = (x) => (Number.isFinite(x) ? x.toFixed(2) : "-");
  const body = fits.map((f) => [
    f.axis === "N" ? "N (×20 recip.)" : "R (1,000 secr.)",
    f.command,
    f.points
      .map((p) => `${p.x.toLocaleString("en")} → ${p.wall.toFixed(3)} / ${p.cpu.toFixed(2)} / ${p.rss.toFixed(0)}`)
      .join("; "),
    ms(f.wall, f),
    f.wall.r2.toFixed(3),
    exp(f.wall.exponent),
    ms(f.cpu, f),
    f.cpu.r2.toFixed(3),
    exp(f.cpu.exponent),
    `${f.rss.a.toFixed(0)} + ${(f.rss.b * per(f)).toFixed(1)} MiB per ${per(f).toLocaleString("en")}`,
    f.rss.r2.toFixed(3),
    exp(f.rss.exponent),
  ]);
  emit(
    `Growth on ${host.version}: time and RSS against secrets (N) and recipients (R)`,
    "Least-squares line per command; exp. = growth exponent of the cost above the smallest point between the two largest points (1 = linear, 2 = quadratic; noisy when the growth is small).",
    table(header, body),
  );
}

// ---- peers ----------------------------------------------------------------------------------------------------------
if (sections.has("peers")) {
  const cwd = makeDotenvx(DATA, 100, DOTENVX);
  const cases = [
    nodeCase(host),
    {
      key: `${host.major}/dotenvx`,
      id: "dotenvx",
      label: "dotenvx get (100 keys)",
      node: host,
      args: [DOTENVX, "get", "-f", ".env"],
      cwd,
      n: 100,
      r: 0,
    },
  ];
  const samples = runInterleaved("peers", cases, Math.max(3, Math.round(reps / 5)));
  const rows = rowsAgainstNode(cases, samples);
  report.sections.peers = rows;
  emit("Peer: dotenvx on the same 100 values", "", renderAgainstNode(rows));
}

report.loads = loads;
const head = `Measured ${report.date} on ${report.machine.cpus} × ${report.machine.cpu}; nodes ${nodes.map((n) => n.version).join(", ")}; ${reps} repetitions (10,000 × 20: ${scaleReps}, sweep: ${sweepReps}); GNU time: ${hasGnuTime ? "yes" : "no, the probe"}. Load average (1, 5, 15 min): ${loads.map((l) => `${l.when} ${l.loadavg.join(" ")}`).join("; ")}.`;
console.log(`\n${head}`);
mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, "latest.json"), JSON.stringify(report, null, 2) + "\n");
writeFileSync(join(RESULTS, "latest.md"), [head, "", ...out].join("\n"));
console.error(`bench: wrote ${join(RESULTS, "latest.json")} and latest.md`);
