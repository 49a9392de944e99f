/**
 * The composite GitHub Action (action.yml) run step by step in a simulated runner: the files it writes
 * (GITHUB_ENV, GITHUB_OUTPUT, GITHUB_PATH, GITHUB_STEP_SUMMARY), what it masks, and where the key goes.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeVault } from "../cli/lifecycle-support.js";
import { ROOT, tempDir, testKey } from "../helpers.js";
import { laterStep, readAction, runAction, type RunResult } from "./runner.js";

const action = readAction(join(ROOT, "action.yml"));
const KEY = testKey("alice").secret;
const VALUES = {
  PYPI_TOKEN: "pypi-AgEIcHlwaS5vcmc-test",
  MULTI_LINE: "first line\nsecond $HOME line",
  OLD_TOKEN: "old-token-value",
};

/** A workspace with a vault, a fake `npm` that records its calls (dist/ is already built), and the runner's env. */
async function setup(fill: "fresh" | "expired" | "missing" = "fresh") {
  const dir = tempDir();
  const workspace = join(dir, "workspace");
  const temp = join(dir, "runner-temp");
  const fakeBin = join(dir, "fake-bin");
  for (const d of [workspace, temp, fakeBin]) mkdirSync(d);
  const npmLog = join(dir, "npm.log");
  writeFileSync(
    join(fakeBin, "npm"),
    `#!/bin/sh\nprintf '%s|%s\\n' "$PWD" "$*" >> '${npmLog}'\nenv >> '${npmLog}.env'\n`,
  );
  chmodSync(join(fakeBin, "npm"), 0o755);
  await writeVault(join(workspace, ".secrets.yaml"), (v) => {
    if (fill === "missing") return void v.require(["PYPI_TOKEN"]);
    v.set("PYPI_TOKEN", VALUES.PYPI_TOKEN, { type: "pypi", expiresAt: "2027-06-01", required: true });
    v.set("MULTI_LINE", VALUES.MULTI_LINE);
    v.set("OLD_TOKEN", VALUES.OLD_TOKEN, { expiresAt: fill === "expired" ? "2026-12-01" : "2027-01-01" });
  });
  const baseEnv = {
    PATH: `${fakeBin}:${process.env.PATH}`,
    HOME: dir,
    VAULTFILE_NOW: "2026-12-15T00:00:00Z",
    CI: "true",
  };
  const run = (inputs: Record<string, string>) =>
    runAction(action, { actionPath: ROOT, workspace, temp, inputs: { "age-key": KEY, ...inputs }, baseEnv });
  return { dir, workspace, npmLog, baseEnv, run };
}

/** Everything the action left for later steps or wrote to a file: the key must be in none of it. */
function leftBehind(r: RunResult): string {
  return [
    JSON.stringify(r.jobEnv),
    JSON.stringify(r.outputs),
    r.path.join("\n"),
    r.summary,
    ...r.steps.flatMap((s) => [s.envFile, s.outputFile, s.pathFile, s.summary]),
  ].join("\n");
}

describe("GitHub Action (action.yml)", () => {
  it("is a composite action with the community sops actions' input names, and no step pastes an expression into its script", () => {
    expect(action.runs.using).toBe("composite");
    expect(Object.keys(action.inputs).sort()).toEqual([
      "age-key",
      "exclude-expired",
      "file",
      "only",
      "run",
      "validate",
      "warn-days",
    ]);
    for (const step of action.runs.steps) {
      expect(step.run).not.toContain("${{");
      expect(step.uses).toBeUndefined();
    }
    // The key goes only to the steps that open the vault, through their own env.
    const withKey = action.runs.steps.filter((s) =>
      Object.values(s.env ?? {}).some((v) => String(v).includes("inputs.age-key")),
    );
    expect(withKey.map((s) => s.name)).toEqual(["Validate the vault", "Run with the secrets, or export them"]);
    expect(action.runs.steps[0]!.env).toBeUndefined();
  });

  it("installs from its own checkout, validates, and exports the secrets to later steps, masked; the key stays behind", async () => {
    const s = await setup();
    const r = s.run({});
    expect(r.failed, r.steps.map((x) => x.stderr).join("\n")).toBe(false);
    // npm ci + build in the action's folder, without the key in npm's environment.
    expect(readFileSync(s.npmLog, "utf8")).toBe(
      `${ROOT}|ci --ignore-scripts --no-audit --no-fund\n${ROOT}|run build\n`,
    );
    expect(readFileSync(`${s.npmLog}.env`, "utf8")).not.toContain(KEY);
    // Later steps: the secrets, exactly, and `vaultfile` on PATH; never the key.
    expect(r.jobEnv).toEqual(VALUES);
    expect(r.outputs.vaultfile).toMatch(/vaultfile-action\/bin\/vaultfile$/);
    const later = laterStep(
      r,
      `printf '%s|%s|' "\${VAULTFILE_AGE_KEY-unset}" "$MULTI_LINE"; vaultfile --version >/dev/null && echo on-path`,
      s,
    );
    expect(later).toEqual({ code: 0, stdout: `unset|${VALUES.MULTI_LINE}|on-path\n` });
    expect(leftBehind(r)).not.toContain(KEY);
    // Every line of every value, and the key, are masked.
    for (const line of [...Object.values(VALUES).flatMap((v) => v.split("\n")), KEY]) expect(r.masks).toContain(line);
    // The job summary: validate's expiry table, names and metadata only.
    expect(r.summary).toMatch(
      /^### vaultfile: \.secrets\.yaml\n\n\| Name \| Type \| Expires \| Days left \| Status \| Where to rotate \|\n/,
    );
    expect(r.summary).toContain("| OLD\\_TOKEN | generic | 2027-01-01 | 17 | EXPIRING in 17 days |  |");
    for (const v of Object.values(VALUES)) expect(r.summary).not.toContain(v.split("\n")[0]);
    // validate's annotations for the run's summary page.
    expect(r.steps[1]!.stdout).toContain(
      "::warning file=.secrets.yaml,title=Secret expiring soon::OLD_TOKEN expires on 2027-01-01 (in 17 days)",
    );
  });

  it("with run, runs the command with the secrets and without the key, and exports nothing", async () => {
    const s = await setup("expired");
    const r = s.run({
      validate: "false",
      run: `printf '%s' "\${VAULTFILE_AGE_KEY-unset}" > key.txt\nprintf '%s' "$PYPI_TOKEN|\${OLD_TOKEN-unset}" > out.txt`,
      "exclude-expired": "true",
      only: "PYPI_TOKEN, OLD_TOKEN",
    });
    expect(r.failed, r.steps.map((x) => x.stderr).join("\n")).toBe(false);
    expect(readFileSync(join(s.workspace, "out.txt"), "utf8")).toBe(`${VALUES.PYPI_TOKEN}|unset`);
    expect(readFileSync(join(s.workspace, "key.txt"), "utf8")).toBe("unset");
    expect(r.jobEnv).toEqual({});
    expect(leftBehind(r)).not.toContain(KEY);
  });

  it("a failing command fails the step with its exit code", async () => {
    const s = await setup();
    const r = s.run({ run: "exit 3" });
    expect(r.failed).toBe(true);
    expect(r.steps.at(-1)!.code).toBe(3);
  });

  it("stops before exporting when validate fails, and validate: false skips it", async () => {
    const s = await setup("missing");
    const failing = s.run({});
    expect(failing.failed).toBe(true);
    expect(failing.steps).toHaveLength(2);
    expect(failing.steps[1]!.code).toBe(1);
    expect(failing.steps[1]!.stdout).toMatch(
      /^::error file=\.secrets\.yaml,title=Missing secret::PYPI_TOKEN is required but not set$/m,
    );
    expect(failing.jobEnv).toEqual({});
    const skipped = s.run({ validate: "false" });
    expect(skipped.failed).toBe(false);
    expect(skipped.steps).toHaveLength(3);
    expect((await setup("expired")).run({}).steps[1]!.stdout).toContain(
      "::error file=.secrets.yaml,title=Expired secret::OLD_TOKEN expired on 2026-12-01",
    );
  });

  it("refuses an input that is not true/false instead of guessing", async () => {
    const s = await setup();
    const r = s.run({ "exclude-expired": "yes" });
    expect(r.failed).toBe(true);
    expect(r.steps.at(-1)!.stdout).toContain(
      "::error title=vaultfile action::exclude-expired must be true or false, not 'yes'",
    );
    expect(r.jobEnv).toEqual({});
  });
});
