/**
 * GitHub Actions' job summary: under Actions (`GITHUB_ACTIONS=true` and `$GITHUB_STEP_SUMMARY` set), `status` and
 * `validate` append the expiry report as a Markdown table to the step's summary file, so the run's page shows what
 * expires when. Names and metadata only. A summary that cannot be written is a warning, never a failure: the
 * command's own result matters more than its decoration.
 */
import { appendFileSync } from "node:fs";
import { relative } from "node:path";
import { toMarkdownTable } from "../export/markdown.js";
import type { ReportRow } from "../export/report.js";
import { note, type CliIO, type GlobalOptions } from "./context.js";

/** Appends the report to `$GITHUB_STEP_SUMMARY` when running under GitHub Actions; returns whether it did. */
export function appendJobSummary(io: CliIO, g: GlobalOptions, rows: readonly ReportRow[]): boolean {
  const target = io.env.GITHUB_STEP_SUMMARY;
  if (io.env.GITHUB_ACTIONS !== "true" || !target) return false;
  const title = `vaultfile: ${relative(io.cwd, g.file) || g.file}`;
  try {
    appendFileSync(target, toMarkdownTable(rows, { title }) + "\n");
    return true;
  } catch (err) {
    note(
      io,
      "warning",
      `could not append the expiry table to $GITHUB_STEP_SUMMARY: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
    return false;
  }
}
