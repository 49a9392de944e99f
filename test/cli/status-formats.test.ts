/** `status --format markdown|ics` and the GitHub Actions job summary of `status` and `validate`. */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import ICAL from "ical.js";
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { customTypeEntry } from "../../src/types/index.js";
import { vf, workspace, writeVault, type Workspace } from "./lifecycle-support.js";

const HOSTILE_ROTATE_AT = "https://x.example/a|b `code` <img src=x onerror=alert(1)> *now*";

async function vault(): Promise<Workspace> {
  const w = workspace({ VAULTFILE_NOW: "2026-11-24T10:00:00Z" });
  await writeVault(w.file, (v) => {
    v.setTypeEntry("internal", customTypeEntry("internal", { pattern: "^ia_.*$", rotateAt: HOSTILE_ROTATE_AT }));
    v.set("PYPI_TOKEN", "pypi-value-never-shown", { type: "pypi", expiresAt: "2026-12-10", rotateEvery: "90d" });
    v.set("INTERNAL_TOKEN", "ia_value-never-shown", { type: "internal", expiresAt: "2026-11-30" });
    v.set("DOCKER_USERNAME", "bot-never-shown", { type: "docker" });
    v.require(["GITHUB_TOKEN"]);
  });
  return w;
}

/** Each body row's cells as rendered text. */
function markdownRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] | undefined;
  for (const t of new MarkdownIt({ html: true }).parse(text, {})) {
    if (t.type === "tr_open") rows.push((row = []));
    if (t.type === "inline" && row) row.push((t.children ?? []).map((c) => c.content).join(""));
    if (t.type === "html_inline" || t.type === "html_block") throw new Error("HTML got through");
  }
  return rows.slice(1);
}

describe("status --format markdown", { timeout: 120_000 }, () => {
  it("prints the report as a GFM table, most urgent first, with hostile metadata as literal text", async () => {
    const w = await vault();
    const r = w.run(["status", "--format", "markdown"]);
    expect(r.code).toBe(0);
    expect(markdownRows(r.stdout)).toEqual([
      ["GITHUB_TOKEN", "-", "-", "-", "MISSING", ""],
      ["INTERNAL_TOKEN", "internal", "2026-11-30", "6", "EXPIRING in 6 days", HOSTILE_ROTATE_AT],
      ["PYPI_TOKEN", "pypi", "2026-12-10", "16", "EXPIRING in 16 days", "https://pypi.org/manage/account/token/"],
      ["DOCKER_USERNAME", "docker", "never", "-", "OK", ""],
    ]);
    expect(r.stdout).not.toContain("never-shown");
  });
});

describe("status --format ics", { timeout: 120_000 }, () => {
  it("is an RFC 5545 feed with an event per expiry and rotation due date, stable UIDs from the vault's path in its repository", async () => {
    const w = await vault();
    mkdirSync(join(w.dir, ".git"));
    mkdirSync(join(w.dir, "sub"));
    const a = w.run(["status", "--format", "ics"]);
    expect(a.code).toBe(0);
    const comp = new ICAL.Component(ICAL.parse(a.stdout));
    const events = comp.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
    expect(events.map((e) => [e.summary, e.startDate.toString()])).toEqual([
      ["INTERNAL_TOKEN expires", "2026-11-30"],
      ["PYPI_TOKEN expires", "2026-12-10"],
      ["PYPI_TOKEN due for rotation", "2027-02-22"],
    ]);
    expect(events[0]!.description).toContain(`Where to rotate: ${HOSTILE_ROTATE_AT}`);
    expect(a.stdout).not.toContain("never-shown");
    // Run from elsewhere (another folder, a later day): the same UIDs, so a calendar updates its events.
    const b = vf(["-f", "../.secrets.yaml", "status", "--format", "ics"], {
      cwd: join(w.dir, "sub"),
      env: { ...w.env, VAULTFILE_NOW: "2026-11-28T10:00:00Z" },
    });
    expect(b.code).toBe(0);
    const uids = (t: string) => [...t.matchAll(/^UID:(.*)\r$/gm)].map((m) => m[1]);
    expect(uids(b.stdout)).toEqual(uids(a.stdout));
    expect(b.stdout).not.toEqual(a.stdout); // DTSTAMP moved
  });

  it("--json with another --format is a usage error", async () => {
    const w = await vault();
    expect(w.run(["status", "--json", "--format", "ics"]).code).toBe(2);
    expect(w.run(["status", "--format", "yaml"]).code).toBe(2);
  });
});

describe("job summary under GitHub Actions", { timeout: 120_000 }, () => {
  it("status and validate append the expiry table to $GITHUB_STEP_SUMMARY; names and metadata only", async () => {
    const w = await vault();
    const summary = join(w.dir, "summary.md");
    writeFileSync(summary, "earlier step\n");
    const gh = { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary };
    expect(w.run(["status", "--json"], { env: gh }).code).toBe(0);
    const afterStatus = readFileSync(summary, "utf8");
    expect(
      afterStatus.startsWith(
        "earlier step\n### vaultfile: .secrets.yaml\n\n| Name | Type | Expires | Days left | Status | Where to rotate |\n",
      ),
    ).toBe(true);
    expect(markdownRows(afterStatus.slice("earlier step\n".length))).toHaveLength(4);
    expect(w.run(["validate"], { env: gh }).code).toBe(1);
    const afterValidate = readFileSync(summary, "utf8");
    expect(afterValidate.slice(afterStatus.length)).toBe(afterStatus.slice("earlier step\n".length));
    expect(afterValidate).not.toContain("never-shown");
  });

  it("writes nothing outside Actions, nor with --format markdown; an unwritable summary is a warning only", async () => {
    const w = await vault();
    const summary = join(w.dir, "summary.md");
    expect(w.run(["status"], { env: { GITHUB_STEP_SUMMARY: summary } }).code).toBe(0);
    expect(
      w.run(["status", "--format", "markdown"], { env: { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary } }).code,
    ).toBe(0);
    expect(existsSync(summary)).toBe(false);
    const r = w.run(["status"], {
      env: { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: join(w.dir, "no", "such", "dir") },
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("vaultfile: warning: could not append the expiry table to $GITHUB_STEP_SUMMARY: ENOENT\n");
  });
});
