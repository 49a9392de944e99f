#!/usr/bin/env node
/**
 * `node bench/custody-history.mjs`: how long `vaultfile history --verify` takes on a long history. Builds a git
 * repository whose vault has COMMITS versions (one secret rotated per commit, and every REKEY-th commit a recipient
 * removed and another added, which rolls the data key and appends a custody link), then times `history --verify`
 * (the CLI as built in dist/, whole process) REPS times. Checks that it exits 0 with one `proof ok` per re-key.
 * Then times `git textconv` of one version inside the repository (which looks up the version before it, to mark a
 * changed data key) against the same outside any repository. Prints Markdown tables; bench/results.md keeps the
 * last ones ("Chain of custody").
 *
 *   node bench/custody-history.mjs [--commits 200] [--rekey 20] [--secrets 20] [--reps 5]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { createVault, updateVault } from "../dist/index.js";
import { NOW } from "./generate.mjs";
import { summarise } from "./measure.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin", "vaultfile.cjs");
const { values: opt } = parseArgs({
  options: {
    commits: { type: "string" },
    rekey: { type: "string" },
    secrets: { type: "string" },
    reps: { type: "string" },
  },
});
const commits = Number(opt.commits ?? 200);
const rekey = Number(opt.rekey ?? 20);
const secrets = Number(opt.secrets ?? 20);
const reps = Number(opt.reps ?? 5);

const dir = mkdtempSync(join(tmpdir(), "vaultfile-custody-bench-"));
const home = mkdtempSync(join(tmpdir(), "vaultfile-custody-home-"));
try {
  const env = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), GIT_CONFIG_NOSYSTEM: "1" };
  const git = (...args) => execFileSync("git", args, { cwd: dir, env, encoding: "utf8" });
  git("init", "-q", "-b", "main");
  git("config", "user.name", "Bench");
  git("config", "user.email", "bench@example.invalid");
  const owner = await generateX25519Identity();
  const spare = async () => identityToRecipient(await generateX25519Identity());
  const now = new Date(NOW);
  const opts = { identities: [owner], env: {}, now: () => now };
  const file = join(dir, ".secrets.yaml");

  const built = performance.now();
  const v = await createVault(file, { owner: await identityToRecipient(owner), holder0: await spare() }, opts);
  for (let i = 0; i < secrets; i++) v.set(`SECRET_${i}`, `value-${i}-0`);
  await v.save();
  git("add", ".secrets.yaml");
  git("commit", "-q", "-m", "vault");
  let holder = 0;
  for (let c = 1; c < commits; c++) {
    const next = c % rekey === 0 ? await spare() : undefined;
    await updateVault(file, opts, async (u) => {
      if (next) {
        await u.addRecipient(`holder${holder + 1}`, next);
        await u.removeRecipient(`holder${holder}`);
        holder++;
      } else u.rotate(`SECRET_${c % secrets}`, `value-${c % secrets}-${c}`);
    });
    git("commit", "-q", "-am", next ? `re-key ${c}` : `rotate ${c}`);
  }
  const buildSeconds = (performance.now() - built) / 1000;

  const times = [];
  for (let r = 0; r < reps; r++) {
    const t = performance.now();
    const res = spawnSync(process.execPath, [BIN, "--json", "history", "--verify"], {
      cwd: dir,
      env: { ...env, VAULTFILE_AGE_KEY: owner },
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    times.push((performance.now() - t) / 1000);
    if (res.status !== 0) throw new Error(`history --verify exited ${res.status}: ${res.stderr}`);
    const report = JSON.parse(res.stdout);
    const proofs = report.versions.filter((x) => x.detail.includes("proof ok")).length;
    const expected = Math.floor((commits - 1) / rekey);
    if (report.versions.length !== commits || proofs !== expected)
      throw new Error(
        `expected ${commits} versions and ${expected} proofs, got ${report.versions.length} and ${proofs}`,
      );
  }
  // textconv finds the version before (git log --find-object): one HEAD~1 version as git passes it (a temp copy
  // named XXXXXX_<name>), inside the repository and, without the lookup, outside any.
  const blob = git("show", "HEAD~1:.secrets.yaml");
  const outside = mkdtempSync(join(tmpdir(), "vaultfile-custody-outside-"));
  const textconv = (cwd, copy) => {
    writeFileSync(copy, blob);
    const t = performance.now();
    const res = spawnSync(process.execPath, [BIN, "git", "textconv", copy], {
      cwd,
      env: { ...env, VAULTFILE_AGE_KEY: owner },
      encoding: "utf8",
    });
    if (res.status !== 0) throw new Error(`textconv exited ${res.status}: ${res.stderr}`);
    return (performance.now() - t) / 1000;
  };
  const inRepo = [];
  const noRepo = [];
  for (let r = 0; r < reps; r++) {
    inRepo.push(textconv(dir, join(outside, "Ab12Cd_.secrets.yaml")));
    noRepo.push(textconv(outside, join(outside, "Ab12Cd_.secrets.yaml")));
  }
  rmSync(outside, { recursive: true, force: true });
  const s = summarise(times);
  console.error(
    `bench: built ${commits} commits in ${buildSeconds.toFixed(1)} s on ${cpus().length} × ${cpus()[0]?.model ?? "?"}, Node ${process.version}, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log("| versions | re-keys | secrets | median s | min–max s | per version ms |");
  console.log("|---:|---:|---:|---:|---:|---:|");
  console.log(
    `| ${commits} | ${Math.floor((commits - 1) / rekey)} | ${secrets} | ${s.median.toFixed(2)} | ${s.min.toFixed(2)}–${s.max.toFixed(2)} | ${((s.median * 1000) / commits).toFixed(1)} |`,
  );
  const [a, b] = [summarise(inRepo), summarise(noRepo)];
  console.log(`\n| git textconv of one version | median s | min–max s |\n|---|---:|---:|`);
  console.log(
    `| in the repository (finds the version before) | ${a.median.toFixed(3)} | ${a.min.toFixed(3)}–${a.max.toFixed(3)} |`,
  );
  console.log(
    `| outside a repository (no lookup) | ${b.median.toFixed(3)} | ${b.min.toFixed(3)}–${b.max.toFixed(3)} |`,
  );
} finally {
  for (const d of [dir, home]) rmSync(d, { recursive: true, force: true });
}
