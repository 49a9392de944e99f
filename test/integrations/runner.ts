/**
 * A small simulation of the GitHub Actions runner for a composite action (action.yml): it evaluates the few
 * expressions the action may use (`${{ inputs.x }}`, `${{ github.action_path }}`, `${{ steps.id.outputs.x }}` in
 * outputs), gives each step its own `GITHUB_ENV`, `GITHUB_OUTPUT`, `GITHUB_PATH` and `GITHUB_STEP_SUMMARY` files,
 * runs its `run` script as `bash --noprofile --norc -eo pipefail FILE` (the runner's `shell: bash`), and after each
 * step applies the files as the runner does: env for the next steps, outputs, PATH entries, the summary.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export interface ActionStep {
  name?: string;
  id?: string;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
  if?: string;
  uses?: string;
}

export interface ActionYml {
  name: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export interface StepRun {
  step: ActionStep;
  code: number;
  stdout: string;
  stderr: string;
  /** What the step wrote to its GITHUB_ENV file, as the file's text. */
  envFile: string;
  outputFile: string;
  pathFile: string;
  summary: string;
  /** `::add-mask::` values from its stdout. */
  masks: string[];
}

export interface RunResult {
  steps: StepRun[];
  /** The job's env after the action: what later steps get from GITHUB_ENV. */
  jobEnv: Record<string, string>;
  /** PATH entries added with GITHUB_PATH, newest first. */
  path: string[];
  outputs: Record<string, string>;
  summary: string;
  masks: string[];
  failed: boolean;
}

export function readAction(file: string): ActionYml {
  return parse(readFileSync(file, "utf8")) as ActionYml;
}

const EXPR = /\$\{\{\s*([^}]*?)\s*\}\}/g;

/** Evaluates the expressions in `text`; anything else is an error (the action must not need it). */
export function evaluate(
  text: string,
  ctx: { inputs: Record<string, string>; actionPath: string; steps?: Record<string, Record<string, string>> },
): string {
  return text.replace(EXPR, (_, expr: string) => {
    let m: RegExpExecArray | null;
    if ((m = /^inputs\.([A-Za-z0-9_-]+)$/.exec(expr))) {
      if (!(m[1]! in ctx.inputs)) throw new Error(`unknown input ${m[1]}`);
      return ctx.inputs[m[1]!]!;
    }
    if (expr === "github.action_path") return ctx.actionPath;
    if ((m = /^steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)$/.exec(expr)) && ctx.steps)
      return ctx.steps[m[1]!]?.[m[2]!] ?? "";
    throw new Error(`the simulated runner does not evaluate \${{ ${expr} }}`);
  });
}

/** Parses a GITHUB_ENV / GITHUB_OUTPUT file as the runner does: `NAME=value` lines and `NAME<<DELIMITER` blocks. */
export function parseCommandFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, "");
    if (line === "") continue;
    const eq = line.indexOf("=");
    const heredoc = line.indexOf("<<");
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      out[line.slice(0, eq)] = line.slice(eq + 1);
      continue;
    }
    if (heredoc < 0) throw new Error(`invalid command file line: ${line}`);
    const name = line.slice(0, heredoc);
    const delimiter = line.slice(heredoc + 2);
    const value: string[] = [];
    for (i++; ; i++) {
      if (i >= lines.length) throw new Error(`matching delimiter not found: ${delimiter}`);
      if (lines[i]!.replace(/\r$/, "") === delimiter) break;
      value.push(lines[i]!);
    }
    out[name] = value.join("\n");
  }
  return out;
}

/**
 * Runs the action's steps in order with `inputs` (defaults filled in) in `workspace`, on top of `baseEnv`; stops at
 * the first failing step, as the runner does.
 */
export function runAction(
  action: ActionYml,
  opts: {
    actionPath: string;
    workspace: string;
    temp: string;
    inputs: Record<string, string>;
    baseEnv: Record<string, string>;
  },
): RunResult {
  const inputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(action.inputs)) inputs[k] = opts.inputs[k] ?? v.default ?? "";
  for (const k of Object.keys(opts.inputs)) if (!(k in action.inputs)) throw new Error(`the action has no input ${k}`);
  for (const [k, v] of Object.entries(action.inputs))
    if (v.required && inputs[k] === "") throw new Error(`input required and not supplied: ${k}`);
  const jobEnv: Record<string, string> = {};
  const path: string[] = [];
  const stepOutputs: Record<string, Record<string, string>> = {};
  const runs: StepRun[] = [];
  let summary = "";
  let failed = false;
  action.runs.steps.forEach((step, n) => {
    if (failed) return;
    if (step.uses || step.if) throw new Error("the simulated runner runs only unconditional run steps");
    if (step.shell !== "bash") throw new Error(`step ${n}: shell must be bash`);
    const files = Object.fromEntries(
      ["env", "output", "path", "summary"].map((k) => [k, join(opts.temp, `step${n}-${k}`)]),
    );
    for (const f of Object.values(files)) writeFileSync(f, "");
    const script = join(opts.temp, `step${n}.sh`);
    writeFileSync(script, step.run ?? "");
    const stepEnv = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(String(v), { inputs, actionPath: opts.actionPath })]),
    );
    const env = {
      ...opts.baseEnv,
      ...jobEnv,
      PATH: [...path, opts.baseEnv.PATH].join(":"),
      GITHUB_ACTIONS: "true",
      GITHUB_ACTION_PATH: opts.actionPath,
      GITHUB_WORKSPACE: opts.workspace,
      RUNNER_TEMP: opts.temp,
      GITHUB_ENV: files.env!,
      GITHUB_OUTPUT: files.output!,
      GITHUB_PATH: files.path!,
      GITHUB_STEP_SUMMARY: files.summary!,
      ...stepEnv,
    };
    const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", script], {
      cwd: opts.workspace,
      env,
      encoding: "utf8",
      timeout: 60_000,
    });
    const read = (k: string) => readFileSync(files[k]!, "utf8");
    const run: StepRun = {
      step,
      code: r.status ?? -1,
      stdout: r.stdout,
      stderr: r.stderr,
      envFile: read("env"),
      outputFile: read("output"),
      pathFile: read("path"),
      summary: read("summary"),
      masks: [...r.stdout.matchAll(/^::add-mask::(.*)$/gm)].map((m) => m[1]!),
    };
    runs.push(run);
    Object.assign(jobEnv, parseCommandFile(run.envFile));
    if (step.id) stepOutputs[step.id] = parseCommandFile(run.outputFile);
    path.unshift(
      ...run.pathFile
        .split("\n")
        .filter((l) => l !== "")
        .reverse(),
    );
    summary += run.summary;
    if (run.code !== 0) failed = true;
  });
  const outputs = Object.fromEntries(
    Object.entries(action.outputs ?? {}).map(([k, v]) => [
      k,
      evaluate(v.value, { inputs, actionPath: opts.actionPath, steps: stepOutputs }),
    ]),
  );
  return { steps: runs, jobEnv, path, outputs, summary, masks: runs.flatMap((r) => r.masks), failed };
}

/** Appends a user's step after the action: a bash script with the job env, as a later `run:` step would get it. */
export function laterStep(
  result: RunResult,
  script: string,
  opts: { workspace: string; baseEnv: Record<string, string> },
): { code: number; stdout: string } {
  const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], {
    cwd: opts.workspace,
    env: { ...opts.baseEnv, ...result.jobEnv, PATH: [...result.path, opts.baseEnv.PATH].join(":") },
    encoding: "utf8",
  });
  return { code: r.status ?? -1, stdout: r.stdout };
}
