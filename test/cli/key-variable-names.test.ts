/**
 * Issue 12, round 2, item 1: a malicious recipient stored a secret named `SOPS_AGE_KEY_CMD` (or
 * `VAULTFILE_AGE_KEY_CMD`, `SOPS_AGE_KEY_FILE`, …). `exec` removes the key variables it inherits, then added the
 * vault's own secrets, that one included: a child that ran vaultfile or sops ran the recipient's command. `export
 * --format dotenv` wrote it too. Every key variable is refused as a secret name when stored and when exported, and
 * `--allow-name` cannot allow one.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KEY_VARIABLES } from "../../src/rules/env-danger.js";
import { workspace, writeVault } from "./lifecycle-support.js";

const KEY_HINT =
  "vaultfile: hint: a vault never chooses its reader's key source or settings, and --allow-name cannot allow it: store the value under another name (SECURITY.md)\n";

describe("a secret named like a key variable", () => {
  it("exec refuses it (exit 6, naming it), with or without --allow-name, and the key command never runs", async () => {
    const w = workspace();
    const marker = join(w.dir, "pwned");
    await writeVault(w.file, (v) => {
      v.set("API_TOKEN", "tok");
      v.set("SOPS_AGE_KEY_CMD", `/bin/sh -c "id > ${marker}"`);
      v.set("VAULTFILE_AGE_KEY_CMD", `/bin/sh -c "id > ${marker}"`);
    });
    const vf = `node ${join(process.cwd(), "bin", "vaultfile.cjs")}`;
    for (const extra of [[], ["--allow-name", "SOPS_AGE_KEY_CMD", "--allow-name", "VAULTFILE_AGE_KEY_CMD"]]) {
      const r = w.run(["exec", ...extra, "--", "sh", "-c", `${vf} get API_TOKEN`]);
      expect(r.stderr).toBe(
        `vaultfile: error: refusing to pass to the command SOPS_AGE_KEY_CMD: a variable that chooses where vaultfile and sops read the age key (and 1 more: VAULTFILE_AGE_KEY_CMD)\n${KEY_HINT}`,
      );
      expect(r.code).toBe(6);
      expect(r.stdout).toBe("");
      expect(existsSync(marker)).toBe(false);
    }
  });

  it("export refuses it in every environment format, with or without --allow-name", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => {
      v.set("API_TOKEN", "tok");
      v.set("SOPS_AGE_KEY_FILE", "/tmp/attacker.key");
    });
    for (const format of ["dotenv", "shell", "k8s-secret"]) {
      for (const extra of [[], ["--allow-name", "SOPS_AGE_KEY_FILE"]]) {
        const r = w.run(["export", "--format", format, ...extra]);
        expect(r.stderr, format).toBe(
          `vaultfile: error: refusing to export SOPS_AGE_KEY_FILE: a variable that chooses where vaultfile and sops read the age key\n${KEY_HINT}`,
        );
        expect(r.code, format).toBe(6);
        expect(r.stdout, format).toBe("");
      }
    }
  });

  it("set and import refuse every key variable, with --allow-name too, and leave the file unchanged", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => v.set("API_TOKEN", "tok"));
    const before = w.text();
    for (const name of KEY_VARIABLES) {
      const r = w.run(["set", name, "--stdin", "--allow-name", name], { input: "/bin/sh -c id\n" });
      expect(r.stderr, name).toBe(
        `vaultfile: error: refusing to store ${name}: a variable that chooses where vaultfile and sops read the age key\n${KEY_HINT}`,
      );
      expect(r.code, name).toBe(6);
    }
    const recipients = w.run(["set", "SOPS_AGE_RECIPIENTS", "--stdin", "--allow-name", "SOPS_AGE_RECIPIENTS"], {
      input: "age1attacker\n",
    });
    expect(recipients.stderr.split("\n")[0]).toBe(
      "vaultfile: error: refusing to store SOPS_AGE_RECIPIENTS: a variable that configures vaultfile or sops (whom sops encrypts to, which file vaultfile opens, …)",
    );
    expect(recipients.code).toBe(6);
    const imp = w.run(["import", "-", "--allow-name", "SOPS_AGE_KEY"], {
      input: "A=1\nSOPS_AGE_KEY=AGE-SECRET-KEY-1XYZ\n",
    });
    expect(imp.code).toBe(6);
    expect(imp.stderr).toContain(
      "refusing to import SOPS_AGE_KEY: a variable that chooses where vaultfile and sops read the age key",
    );
    expect(w.text()).toBe(before);
  });
});
