/**
 * examples/expiry-watch.yml: its script step run in bash with the job's env, the real vaultfile, WITHOUT a key, and a
 * fake `gh` on PATH that records what the workflow would post.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { BIN, writeVault } from "../cli/lifecycle-support.js";
import { ROOT, tempDir } from "../helpers.js";

interface Workflow {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  jobs: Record<string, { env: Record<string, string>; steps: { name?: string; run?: string; uses?: string }[] }>;
}
const workflow = parse(readFileSync(join(ROOT, "examples", "expiry-watch.yml"), "utf8")) as Workflow;
const job = workflow.jobs.watch!;
const step = job.steps.find((s) => s.name === "Open, update or close the expiry issue")!;

/** The fake gh: each call is one JSON line {args, body, token, repo}; `issue list` prints $FAKE_GH_OPEN. */
const FAKE_GH = `#!/usr/bin/env node
const fs = require("fs");
const args = process.argv.slice(2);
const i = args.indexOf("--body-file");
const body = i >= 0 ? fs.readFileSync(args[i + 1], "utf8") : undefined;
fs.appendFileSync(process.env.FAKE_GH_LOG, JSON.stringify({ args, body, token: process.env.GH_TOKEN, repo: process.env.GH_REPO }) + "\\n");
if (args[0] === "issue" && args[1] === "list") process.stdout.write(process.env.FAKE_GH_OPEN ? process.env.FAKE_GH_OPEN + "\\n" : "");
`;

type Call = { args: string[]; body?: string; token: string; repo: string };

/** The watch reads metadata only: no key anywhere in its environment. */
async function watch(opts: { expiring: boolean; openIssue?: string }) {
  const dir = tempDir();
  const bin = join(dir, "bin");
  mkdirSync(bin);
  symlinkSync(BIN, join(bin, "vaultfile"));
  writeFileSync(join(bin, "gh"), FAKE_GH.replace("#!/usr/bin/env node", `#!${process.execPath}`));
  chmodSync(join(bin, "gh"), 0o755);
  await writeVault(join(dir, ".secrets.yaml"), (v) => {
    v.set("PYPI_TOKEN", "pypi-x", { type: "pypi", expiresAt: opts.expiring ? "2026-12-10" : "2027-12-10" });
    v.set("DOCKER_USERNAME", "bot", { type: "docker" });
    if (opts.expiring) v.require(["GITHUB_TOKEN"]);
  });
  const log = join(dir, "gh.log");
  writeFileSync(log, "");
  const jobEnv = Object.fromEntries(
    Object.entries(job.env).map(([k, v]) => [
      k,
      String(v).replace("${{ github.token }}", "fake-token").replace("${{ github.repository }}", "owner/repo"),
    ]),
  );
  const env = {
    PATH: `${bin}:${process.env.PATH}`,
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, ".config"),
    VAULTFILE_NOW: "2026-11-24T10:00:00Z",
    FAKE_GH_LOG: log,
    ...(opts.openIssue ? { FAKE_GH_OPEN: opts.openIssue } : {}),
    ...jobEnv,
  };
  const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!], {
    cwd: dir,
    env,
    encoding: "utf8",
  });
  const calls = readFileSync(log, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Call);
  return { code: r.status, stderr: r.stderr, calls };
}

describe("expiry watch workflow (examples/expiry-watch.yml)", { timeout: 120_000 }, () => {
  it("is scheduled daily, may write issues, passes no key, and keeps its inputs out of expressions in the script", () => {
    expect(workflow.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
    expect(workflow.permissions).toEqual({ contents: "read", issues: "write" });
    expect(JSON.stringify(workflow)).not.toMatch(/AGE_KEY|age-key/);
    expect(step.run).not.toContain("${{");
  });

  it("opens one labelled issue listing what expires within WARN_DAYS, without a key", async () => {
    const r = await watch({ expiring: true });
    // Only vaultfile's notice that metadata read without a key is not verified.
    expect(r.stderr.split("\n").filter(Boolean)).toEqual([
      expect.stringMatching(/^vaultfile: warning: --no-decrypt: .* NOT verified/),
      expect.stringMatching(/^vaultfile: warning: --no-decrypt: .* NOT verified/),
    ]);
    expect(r.code).toBe(0);
    expect(r.calls.map((c) => c.args.slice(0, 2))).toEqual([
      ["issue", "list"],
      ["label", "create"],
      ["issue", "create"],
    ]);
    expect(r.calls.every((c) => c.token === "fake-token" && c.repo === "owner/repo")).toBe(true);
    const create = r.calls[2]!;
    expect(create.args).toEqual([
      "issue",
      "create",
      "--title",
      "Secrets in .secrets.yaml expire within 30 days",
      "--label",
      "secret-expiry",
      "--body-file",
      expect.any(String),
    ]);
    expect(create.body).toContain(
      "2 secret(s) in `.secrets.yaml` have expired, expire within 30 days, or are required but missing.",
    );
    expect(create.body).toContain("| GITHUB\\_TOKEN | - | - | - | MISSING |  |");
    expect(create.body).toContain(
      "| PYPI\\_TOKEN | pypi | 2026-12-10 | 16 | EXPIRING in 16 days | https://pypi.org/manage/account/token/ |",
    );
  });

  it("updates the open issue instead of opening another", async () => {
    const r = await watch({ expiring: true, openIssue: "7" });
    expect(r.code).toBe(0);
    expect(r.calls.map((c) => c.args.slice(0, 3))).toEqual([
      ["issue", "list", "--label"],
      ["issue", "edit", "7"],
    ]);
    expect(r.calls[1]!.body).toContain("EXPIRING in 16 days");
  });

  it("closes the open issue once nothing expires, and posts nothing when there is none", async () => {
    const closed = await watch({ expiring: false, openIssue: "7" });
    expect(closed.code).toBe(0);
    expect(closed.calls.map((c) => c.args.slice(0, 3))).toEqual([
      ["issue", "list", "--label"],
      ["issue", "close", "7"],
    ]);
    const quiet = await watch({ expiring: false });
    expect(quiet.calls.map((c) => c.args[1])).toEqual(["list"]);
  });
});
