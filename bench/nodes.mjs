/**
 * The Node versions the benchmark runs on: the node running it, and Node 22/24 from the npm registry's
 * `node-linux-<arch>@<major>` package (the official binary), unpacked into a cache folder that re-runs reuse — the
 * same folder and the same way as `.ci/run` does for Node 24, so CI and the benchmark share one download.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ARCH = { x64: "x64", arm64: "arm64" }[process.arch];

/** `{ major, version, path }` of a node binary, or undefined when it does not run. */
function probe(path) {
  const r = spawnSync(path, ["--version"], { encoding: "utf8" });
  if (r.status !== 0) return undefined;
  const version = r.stdout.trim();
  return { major: Number(/^v(\d+)/.exec(version)?.[1]), version, path };
}

/**
 * The node of major version `major`: this process when it is that version, else the cached registry package,
 * fetched with `npm pack` when absent and `fetch` is true. Undefined when it cannot be had.
 */
export function nodeOf(major, { fetch = true } = {}) {
  if (Number(process.versions.node.split(".")[0]) === major)
    return { major, version: process.version, path: process.execPath };
  if (!ARCH) return undefined;
  const dir = join(process.env.TMPDIR || tmpdir(), `vaultfile-ci-node${major}-${ARCH}`);
  const bin = join(dir, "package", "bin", "node");
  const have = probe(bin);
  if (have?.major === major) return have;
  if (!fetch) return undefined;
  console.error(`bench: fetching node-linux-${ARCH}@${major} from the npm registry into ${dir}…`);
  const staging = mkdtempSync(join(process.env.TMPDIR || tmpdir(), `vaultfile-ci-node${major}.`));
  try {
    execFileSync("npm", ["pack", `node-linux-${ARCH}@${major}`, "--silent"], {
      cwd: staging,
      stdio: ["ignore", "ignore", "inherit"],
    });
    const tgz = readdirSync(staging).find((f) => f.endsWith(".tgz"));
    execFileSync("tar", ["xzf", tgz], { cwd: staging });
    rmSync(join(staging, tgz));
    chmodSync(staging, 0o755);
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    console.error(`bench: could not fetch Node ${major}: ${err.message}`);
    return undefined;
  }
  const got = probe(bin);
  return got?.major === major ? got : undefined;
}
