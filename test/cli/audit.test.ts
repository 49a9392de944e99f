/** The opt-in audit log: one JSON line per command with names, never values; created 0600, only appended. */
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { appendAudit } from "../../src/io/audit.js";
import { tempDir } from "../helpers.js";
import { workspace, writeVault } from "./lifecycle-support.js";

describe("audit log (VAULTFILE_AUDIT_LOG)", () => {
  it("records set, get and rm with the names touched, and never a value", async () => {
    const w = workspace();
    const log = join(w.dir, "audit.jsonl");
    await writeVault(w.file, (v) => v.set("OLD", "old-value"));
    const env = { VAULTFILE_AUDIT_LOG: log };
    expect(w.run(["set", "PYPI_TOKEN", "--stdin"], { input: "pypi-value-123", env }).code).toBe(0);
    expect(w.run(["get", "PYPI_TOKEN"], { env }).stdout).toBe("pypi-value-123\n");
    expect(w.run(["get", "NOPE"], { env }).code).toBe(3);
    expect(w.run(["rm", "OLD"], { env }).code).toBe(0);
    const text = readFileSync(log, "utf8");
    expect(text).not.toMatch(/pypi-value-123|old-value/);
    const lines = text
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    // A failed lookup revealed nothing, so it is not an access.
    expect(lines).toEqual(
      ["set", "get", "rm"].map((command, i) => ({
        time: "2026-11-24T10:00:00Z",
        user: "alice",
        command,
        file: w.file,
        names: [["PYPI_TOKEN"], ["PYPI_TOKEN"], ["OLD"]][i],
      })),
    );
    expect(statSync(log).mode & 0o777).toBe(0o600);
  });

  it("records git textconv --show-values (it prints every value) before printing; fingerprints are not logged", async () => {
    const w = workspace();
    const log = join(w.dir, "audit.jsonl");
    await writeVault(w.file, (v) => {
      v.set("A_TOKEN", "a-value-123");
      v.set("B_TOKEN", "b-value-456");
    });
    const env = { VAULTFILE_AUDIT_LOG: log };
    expect(w.run(["git", "textconv", ".secrets.yaml"], { env }).stdout).toContain("value: <fp:");
    const shown = w.run(["git", "textconv", "--show-values", ".secrets.yaml"], { env });
    expect(shown.stdout).toContain("value: a-value-123");
    const lines = readFileSync(log, "utf8")
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        time: "2026-11-24T10:00:00Z",
        user: "alice",
        command: "git textconv --show-values",
        file: w.file,
        names: ["A_TOKEN", "B_TOKEN"],
      },
    ]);

    const unlogged = w.run(["git", "textconv", "--show-values", ".secrets.yaml"], {
      env: { VAULTFILE_AUDIT_LOG: join(w.dir, "no", "dir", "log") },
    });
    expect(unlogged).toMatchObject({ code: 7, stdout: "" });
    expect(unlogged.stderr).toContain("cannot append to the audit log");
  });

  it("appends one line per event to an existing log", () => {
    const log = join(tempDir(), "a.log");
    const env = { VAULTFILE_AUDIT_LOG: log, USER: "ci" };
    appendAudit(env, { command: "get", file: "f", names: ["X"] }, new Date("2026-01-02T03:04:05.678Z"));
    appendAudit(env, { command: "rm", file: "f", names: ["Y", "Z"] }, new Date("2026-01-02T03:04:06Z"));
    expect(readFileSync(log, "utf8")).toBe(
      '{"time":"2026-01-02T03:04:05Z","user":"ci","command":"get","file":"f","names":["X"]}\n{"time":"2026-01-02T03:04:06Z","user":"ci","command":"rm","file":"f","names":["Y","Z"]}\n',
    );
  });

  it("an unwritable log fails the command before the value is shown", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => v.set("T", "t-value"));
    const r = w.run(["get", "T"], { env: { VAULTFILE_AUDIT_LOG: join(w.dir, "no", "such", "dir", "log") } });
    expect(r.code).toBe(7);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("cannot append to the audit log");
  });
});
