#!/usr/bin/env node
/**
 * Where the time of opening a vault goes, phase by phase, each measured cold (first call in a fresh process) and
 * as the median over several processes. Uses the tsc output (dist/), so run `npm run build` first.
 *
 *   node bench/phases.mjs [--runs 5]            (vaults from bench/results/data; `npm run bench` makes them)
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = fileURLToPath(new URL(".", import.meta.url));
const DATA = join(here, "results", "data");

if (process.argv[2] === "--child") {
  const [file, identityFile] = process.argv.slice(3);
  const out = {};
  let t = performance.now();
  const lap = (name) => {
    const now = performance.now();
    out[name] = now - t;
    t = now;
  };
  const { readFileSync } = await import("node:fs");
  const yaml = await import("yaml");
  lap("import yaml");
  const { parseSopsYamlFast } = await import("../dist/format/yaml-fast.js");
  const { PARSE_OPTIONS, readMetadata } = await import("../dist/format/yaml.js");
  const { unwrapDataKey } = await import("../dist/crypto/age.js");
  const { parseIdentities } = await import("../dist/crypto/identities.js");
  const { SopsFile } = await import("../dist/sops/sops-file.js");
  const { Vault } = await import("../dist/vault/vault.js");
  lap("import vaultfile modules");
  const text = readFileSync(file, "utf8");
  lap("read file");
  const doc = parseSopsYamlFast(text, PARSE_OPTIONS);
  lap("parse: fast reader");
  yaml.parseDocument(text, PARSE_OPTIONS);
  lap("parse: yaml parseDocument (not used when the fast reader accepts)");
  const meta = readMetadata(doc, file, text);
  const identities = parseIdentities(readFileSync(identityFile, "utf8"), identityFile);
  lap("metadata + identity");
  await unwrapDataKey(meta.age, identities);
  lap("unwrap data key: node:crypto X25519");
  const age = await import("age-encryption");
  lap("import age-encryption (not used for X25519)");
  const d = new age.Decrypter();
  d.addIdentity(identities[0].secret);
  await d.decrypt(age.armor.decode(meta.age[0].enc));
  lap("unwrap data key: age-encryption, first call (not used)");
  await SopsFile.open(text, file, { identities, searched: [] });
  lap("SopsFile.open: parse + unwrap + decrypt every value + MAC + seal");
  const v = await Vault.fromText(text, identities, { file, now: () => new Date("2026-11-24T10:00:00Z") });
  lap("Vault.fromText: the above + vault structure checks");
  v.exportSecrets();
  lap("exportSecrets");
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
}

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const runs = Number(values.runs);
for (const name of ["vault-100x1.g1.yaml", "vault-10000x20.g1.yaml"]) {
  const file = join(DATA, name);
  if (!existsSync(file)) {
    console.error(`phases: ${file} is missing; run npm run bench first`);
    continue;
  }
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(
      process.execPath,
      [fileURLToPath(import.meta.url), "--child", file, join(DATA, "identity.agekey")],
      { encoding: "utf8" },
    );
    if (r.status !== 0) throw new Error(r.stderr);
    samples.push(JSON.parse(r.stdout));
  }
  console.log(`\n${name} (median of ${runs} fresh processes, ms)`);
  for (const phase of Object.keys(samples[0])) {
    const xs = samples.map((s) => s[phase]).sort((a, b) => a - b);
    console.log(`${xs[Math.floor((xs.length - 1) / 2)].toFixed(1).padStart(8)}  ${phase}`);
  }
}
