/**
 * `vaultfile validate`: the CI gate. Exit 1 when a required secret is missing or a secret expired (`--strict`:
 * also when one expires within the warning window). Under GitHub Actions it also emits `::error` / `::warning`
 * annotations so problems show on the run's summary, and appends the expiry table to the job summary
 * (`$GITHUB_STEP_SUMMARY`).
 */
import { relative } from "node:path";
import { ExitCode, type ExitCodeValue } from "../../errors.js";
import { escapeCommandData } from "../../export/github.js";
import { exposedText } from "../../export/report.js";
import { daysUntil, formatDay, formatTimestamp } from "../../rules/time.js";
import type { ValidationResult, Vault } from "../../vault/vault.js";
import { audit } from "../audit.js";
import { out, say, type CommandContext } from "../context.js";
import { countOf, painter } from "../output.js";
import { appendJobSummary } from "../job-summary.js";
import { readVault } from "../vault-access.js";
import { parseWarnDays, statusRows } from "./status.js";

interface Problem {
  level: "error" | "warning";
  kind: "missing" | "expired" | "exposed" | "expiring" | "due" | "format" | "companion" | "type";
  name: string;
  message: string;
}

const day = (d: Date | null): string => (d ? formatDay(d) : "?");

/** `today`, or `N days ago`: calendar days, as the date beside it reads. */
function sinceText(expiresAt: Date, now: Date): string {
  const days = -daysUntil(expiresAt, now);
  return day(expiresAt) === day(now) ? "today" : `${countOf(days, "day")} ago`;
}

/** Every problem, most serious first; `strict` makes expiring secrets errors. */
export function problemsOf(vault: Vault, r: ValidationResult): Problem[] {
  const strict = r.strict;
  const s = (name: string) => vault.get(name);
  // An expired or expiring secret is already reported; "due for rotation" on top would say the same thing twice.
  const dated = new Set([...r.expired, ...r.expiringSoon]);
  return [
    ...r.missing.map(
      (name): Problem => ({ level: "error", kind: "missing", name, message: `${name} is required but not set` }),
    ),
    ...r.expired.map(
      (name): Problem => ({
        level: "error",
        kind: "expired",
        name,
        message: `${name} expired on ${day(s(name).expiresAt)} (${sinceText(s(name).expiresAt!, vault.now)})`,
      }),
    ),
    ...r.exposed.map(
      (name): Problem => ({
        level: strict ? "error" : "warning",
        kind: "exposed",
        name,
        message: `${name} could be read by a removed recipient (${exposedText(s(name).exposedTo.map((x) => ({ recipient: x.recipient, removedAt: formatTimestamp(x.removedAt) })))}); rotate it at its source`,
      }),
    ),
    ...r.expiringSoon.map(
      (name): Problem => ({
        level: strict ? "error" : "warning",
        kind: "expiring",
        name,
        message: `${name} expires on ${day(s(name).expiresAt)} (${s(name).daysUntilExpiry() === 0 ? "today" : `in ${countOf(s(name).daysUntilExpiry()!, "day")}`})`,
      }),
    ),
    ...r.due
      .filter((name) => !dated.has(name))
      .map(
        (name): Problem => ({
          level: "warning",
          kind: "due",
          name,
          message: `${name} is due for rotation (every ${s(name).rotateEvery?.text}, last on ${day(s(name).rotatedAt)})`,
        }),
      ),
    // Type findings: a value that no longer matches its type, a missing companion (errors with --strict), an undeclared type.
    ...r.invalidFormat.map(
      (f): Problem => ({ level: strict ? "error" : "warning", kind: "format", name: f.name, message: f.message }),
    ),
    ...r.companionsMissing.map(
      (f): Problem => ({ level: strict ? "error" : "warning", kind: "companion", name: f.name, message: f.message }),
    ),
    ...r.unknownType.map((f): Problem => ({ level: "warning", kind: "type", name: f.name, message: f.message })),
  ];
}

/** GitHub's workflow-command escaping of a property value: the data escapes, plus `:` and `,`. */
const ghProp = (s: string): string => escapeCommandData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
const TITLES: Record<Problem["kind"], string> = {
  missing: "Missing secret",
  expired: "Expired secret",
  exposed: "Secret readable by a removed recipient",
  expiring: "Secret expiring soon",
  due: "Secret due for rotation",
  format: "Value does not match its type",
  companion: "Companion secret missing",
  type: "Unknown secret type",
};

export interface ValidateOptions {
  warnDays: string;
  strict?: boolean;
  /** `--no-decrypt` (false): check the clear metadata without a key, unverified. */
  decrypt?: boolean;
  /** Verify the chain of custody of the commits after this revision first. */
  since?: string;
}

/** Exit 1 (validationFailed) when a problem is an error. */
export async function validate(ctx: CommandContext, opts: ValidateOptions): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const warnDays = parseWarnDays(opts.warnDays);
  const strict = opts.strict === true;
  if (opts.since !== undefined) {
    // A forged vault (a new data key chosen by someone without the old one) passes every check below.
    await (await import("./history.js")).custodyGate(ctx, opts.since);
  }
  const vault = await readVault(g, io, { warnDays }, opts.decrypt === false ? "always" : "never");
  audit(io, g, "validate", []);
  // The verdict is the library's (computed once); the problems only word it.
  const r = vault.validate({ warnDays, strict });
  const problems = problemsOf(vault, r);
  const failed = !r.allValid;
  if (g.json) {
    out(
      io,
      JSON.stringify(
        {
          valid: !failed,
          verified: vault.verified,
          strict,
          warnDays,
          missing: r.missing,
          expired: r.expired,
          expiringSoon: r.expiringSoon,
          exposed: r.exposed,
          due: r.due,
          invalidFormat: r.invalidFormat,
          companionsMissing: r.companionsMissing,
          unknownType: r.unknownType,
          problems,
        },
        null,
        2,
      ),
    );
  } else {
    const p = painter(g.color);
    for (const pr of problems) say(io, `${pr.level === "error" ? p.red("error") : p.yellow("warning")}: ${pr.message}`);
    const count = vault.list().length;
    say(
      io,
      failed
        ? p.red(
            `invalid: ${problems.filter((x) => x.level === "error").length} problem(s) in ${relative(io.cwd, g.file) || g.file}`,
          )
        : p.green(
            `valid: ${countOf(count, "secret")}, ${vault.required.length} required${problems.length > 0 ? `, ${problems.length} warning(s)` : ""}`,
          ),
    );
  }
  if (io.env.GITHUB_ACTIONS === "true") {
    const file = relative(io.cwd, g.file) || g.file;
    // The runner reads workflow commands from both streams; keep stdout pure JSON under --json.
    const write = (line: string): void => void (g.json ? io.stderr : io.stdout).write(line + "\n");
    for (const pr of problems)
      write(`::${pr.level} file=${ghProp(file)},title=${ghProp(TITLES[pr.kind])}::${escapeCommandData(pr.message)}`);
    appendJobSummary(io, g, statusRows(vault, warnDays));
  }
  return failed ? ExitCode.validationFailed : ExitCode.ok;
}
