/** `recipients remove` leaves the secrets the removed holder could read flagged EXPOSED until each is rotated. */
import { describe, expect, it } from "vitest";
import { workspace, writeVault } from "./lifecycle-support.js";

describe("EXPOSED after recipients remove", () => {
  it("status, status --json and validate (--strict, GitHub annotations) flag what bob could read until it is rotated", async () => {
    const w = workspace();
    await writeVault(
      w.file,
      (v) => {
        v.set("NPM_TOKEN", "n1", { type: "npm" });
        v.set("API_KEY", "k1");
        v.set("DB_PASSWORD", "d1");
      },
      true,
    );
    expect(w.run(["recipients", "remove", "bob"]).stderr).toContain(
      "`vaultfile status` shows them as EXPOSED until then",
    );
    expect(w.run(["rotate", "API_KEY", "--stdin"], { input: "k2\n" }).code).toBe(0);
    // A metadata-only change keeps the flag.
    expect(w.run(["set", "DB_PASSWORD", "--description", "primary db"]).code).toBe(0);

    const status = w.run(["status"]);
    expect(status.code).toBe(0);
    const line = (name: string) => status.stdout.split("\n").find((l) => l.startsWith(name + " "));
    expect(line("NPM_TOKEN")).toMatch(/EXPOSED \(bob removed 2026-11-24\)$/);
    expect(line("DB_PASSWORD")).toMatch(/EXPOSED \(bob removed 2026-11-24\)$/);
    expect(line("API_KEY")).toMatch(/OK$/);
    expect(status.stdout).toMatch(/where to rotate:\n\s+NPM_TOKEN\s+https:\/\/www\.npmjs\.com/);

    const rows = JSON.parse(w.run(["--json", "status"]).stdout) as {
      name: string;
      status: string;
      exposedTo?: unknown;
    }[];
    expect(rows.find((r) => r.name === "DB_PASSWORD")).toMatchObject({
      status: "exposed",
      exposedTo: [{ recipient: "bob", removedAt: "2026-11-24T10:00:00Z" }],
    });
    expect(rows.find((r) => r.name === "API_KEY")).not.toHaveProperty("exposedTo");

    const validate = w.run(["validate"], { env: { GITHUB_ACTIONS: "true" } });
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain(
      "warning: DB_PASSWORD could be read by a removed recipient (bob removed 2026-11-24); rotate it at its source",
    );
    expect(validate.stdout).toContain(
      "::warning file=.secrets.yaml,title=Secret readable by a removed recipient::NPM_TOKEN could be read by a removed recipient (bob",
    );
    const strict = w.run(["--json", "validate", "--strict"]);
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout)).toMatchObject({ valid: false, exposed: ["NPM_TOKEN", "DB_PASSWORD"] });
  });
});
