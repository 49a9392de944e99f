import { describe, expect, it } from "vitest";
import { codeLoadingNames, codeLoadingReason, loadsCode, refuseCodeLoadingNames } from "../../src/rules/env-danger.js";

describe("code-loading variable names", () => {
  it("lists the variables of issue 12 item 3, by exact name, by prefix and without regard to case", () => {
    for (const n of [
      "BASH_ENV",
      "ENV",
      "PATH",
      "NODE_OPTIONS",
      "LD_PRELOAD",
      "LD_LIBRARY_PATH",
      "LD_AUDIT",
      "DYLD_INSERT_LIBRARIES",
      "PYTHONPATH",
      "PYTHONSTARTUP",
      "PERL5OPT",
      "PERL5LIB",
      "RUBYOPT",
      "GIT_SSH_COMMAND",
      "GIT_EXEC_PATH",
      "GIT_CONFIG_KEY_0",
      "JAVA_TOOL_OPTIONS",
      "npm_config_script_shell",
      "Path",
    ]) {
      expect(loadsCode(n), n).toBe(true);
    }
    for (const n of [
      "DB_PASSWORD",
      "PYPI_TOKEN",
      "GITHUB_TOKEN",
      "GIT_TOKEN",
      "NODE_ENV",
      "PATHS",
      "LDAP_PASSWORD",
      "ENVIRONMENT",
    ]) {
      expect(loadsCode(n), n).toBe(false);
    }
    // Round 2, item 4.
    for (const n of [
      "GOFLAGS",
      "RUSTC_WRAPPER",
      "DOTNET_STARTUP_HOOKS",
      "CORECLR_PROFILER_PATH",
      "CORECLR_ENABLE_PROFILING",
      "VIMINIT",
      "EXINIT",
      "TAR_OPTIONS",
      "RSYNC_RSH",
      "goflags",
    ]) {
      expect(loadsCode(n), n).toBe(true);
    }
    expect(codeLoadingReason("DOTNET_STARTUP_HOOKS")).toBe("Go, Rust and .NET");
    expect(codeLoadingReason("ld_preload")).toBe("LD_*");
    expect(codeLoadingReason("NODE_OPTIONS")).toBe("Node.js");
  });

  it("honours the allowed names and names the first refused one", () => {
    expect(codeLoadingNames(["A", "PATH", "NODE_OPTIONS"], ["path"])).toEqual(["NODE_OPTIONS"]);
    expect(() => refuseCodeLoadingNames(["DB", "BASH_ENV"], [], "export")).toThrow(
      "refusing to export BASH_ENV: a variable that changes which code a program runs (shells)",
    );
    const err = (() => {
      try {
        refuseCodeLoadingNames(["PATH", "LD_PRELOAD"], [], "store");
      } catch (e) {
        return e as { exitCode: number; hint: string; message: string };
      }
      return undefined;
    })();
    expect(err?.exitCode).toBe(6);
    expect(err?.hint).toContain("--allow-name PATH");
    expect(err?.message).toContain("(and 1 more: LD_PRELOAD)");
    expect(() => refuseCodeLoadingNames(["PATH"], ["PATH"], "store")).not.toThrow();
  });
});

describe("key variables", () => {
  it("removes every VAULTFILE_AGE_KEY*, SOPS_AGE_KEY* and SOPS_AGE_SSH_PRIVATE_KEY* variable, and nothing else", async () => {
    const { withoutKeyVariables } = await import("../../src/rules/env-danger.js");
    const env = {
      VAULTFILE_AGE_KEY: "k",
      VAULTFILE_AGE_KEY_FILE: "/f",
      SOPS_AGE_KEY: "k",
      SOPS_AGE_KEY_FILE: "/f",
      SOPS_AGE_KEY_CMD: "c",
      SOPS_AGE_SSH_PRIVATE_KEY_FILE: "/s",
      sops_age_key: "k",
      SOPS_AGE_RECIPIENTS: "age1x",
      HOME: "/h",
      VAULTFILE_FILE: "v.yaml",
    };
    const { env: child, removed } = withoutKeyVariables(env);
    expect(child).toEqual({ SOPS_AGE_RECIPIENTS: "age1x", HOME: "/h", VAULTFILE_FILE: "v.yaml" });
    expect(removed).toHaveLength(7);
    expect(withoutKeyVariables(env, true).env).toEqual(env);
  });

  it("counts every variable the key lookup reads as a key variable (the SSH and command ones included)", async () => {
    const { KEY_VARIABLES, isKeyVariable } = await import("../../src/rules/env-danger.js");
    expect(KEY_VARIABLES).toEqual(
      expect.arrayContaining([
        "VAULTFILE_AGE_SSH_PRIVATE_KEY_FILE",
        "VAULTFILE_AGE_SSH_PRIVATE_KEY_CMD",
        "SOPS_AGE_SSH_PRIVATE_KEY_CMD",
        "SOPS_AGE_KEY_CMD",
        "VAULTFILE_AGE_KEY_CMD",
      ]),
    );
    for (const name of KEY_VARIABLES) expect(isKeyVariable(name), name).toBe(true);
  });
});

describe("key variables as secret names (issue 12 round 2, item 1)", () => {
  it("refuses every key variable, in any case, whatever the allowed names say", async () => {
    const { KEY_VARIABLES } = await import("../../src/rules/env-danger.js");
    expect(KEY_VARIABLES).toHaveLength(10);
    for (const name of [...KEY_VARIABLES, "sops_age_key_cmd", "Vaultfile_Age_Key_File"]) {
      expect(codeLoadingNames(["DB", name], [name, name.toUpperCase()]), name).toEqual([name]);
      expect(() => refuseCodeLoadingNames(["DB", name], [name], "store"), name).toThrow(
        `refusing to store ${name}: a variable that chooses where vaultfile and sops read the age key`,
      );
    }
  });

  it("names a key variable first, and its hint offers no --allow-name", () => {
    let err: { exitCode: number; hint: string; message: string } | undefined;
    try {
      refuseCodeLoadingNames(["PATH", "SOPS_AGE_KEY_CMD"], [], "export");
    } catch (e) {
      err = e as typeof err;
    }
    expect(err?.exitCode).toBe(6);
    expect(err?.message).toBe(
      "refusing to export SOPS_AGE_KEY_CMD: a variable that chooses where vaultfile and sops read the age key (and 1 more: PATH)",
    );
    expect(err?.hint).toContain("--allow-name cannot allow it");
  });

  it("refuses every other VAULTFILE_* and SOPS_* name too (they configure the reader), with no override", () => {
    for (const name of ["SOPS_AGE_RECIPIENTS", "SOPS_CONFIG", "sops_pgp_fp", "VAULTFILE_FILE", "VAULTFILE_AUDIT_LOG"]) {
      expect(() => refuseCodeLoadingNames([name], [name], "store"), name).toThrow(
        `refusing to store ${name}: a variable that configures vaultfile or sops (whom sops encrypts to, which file vaultfile opens, …)`,
      );
    }
    expect(codeLoadingNames(["SOPSY", "VAULTFILES", "MY_SOPS_TOKEN"])).toEqual([]);
  });

  it("the edit menu refuses one as a new name", async () => {
    const { checkNewSecretName } = await import("../../src/cli/edit/answers.js");
    expect(checkNewSecretName([])("SOPS_AGE_KEY_FILE")).toBe(
      "SOPS_AGE_KEY_FILE chooses where vaultfile and sops read the age key: a vault never holds one; pick another name",
    );
    expect(checkNewSecretName([])("SOPS_AGE_RECIPIENTS")).toBe(
      "SOPS_AGE_RECIPIENTS configures vaultfile or sops: a vault never holds one; pick another name",
    );
  });
});

describe("the edit menu's name check", () => {
  it("refuses a new secret named like a code-loading variable, pointing at set --allow-name", async () => {
    const { checkNewSecretName } = await import("../../src/cli/edit/answers.js");
    expect(checkNewSecretName([])("LD_PRELOAD")).toBe(
      "LD_PRELOAD changes which code a program runs (LD_*); to store it anyway: vaultfile set LD_PRELOAD --allow-name LD_PRELOAD",
    );
    expect(checkNewSecretName([])("DB_PASSWORD")).toBe(true);
  });
});
