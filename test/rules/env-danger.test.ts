import { describe, expect, it } from "vitest";
import { codeLoadingNames, codeLoadingReason, loadsCode, refuseCodeLoadingNames } from "../../src/rules/env-danger.js";

describe("code-loading variable names", () => {
  it("lists the variables of issue 12 item 3, by exact name, by prefix and without regard to case", () => {
    for (const n of ["BASH_ENV", "ENV", "PATH", "NODE_OPTIONS", "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "DYLD_INSERT_LIBRARIES", "PYTHONPATH", "PYTHONSTARTUP", "PERL5OPT", "PERL5LIB", "RUBYOPT", "GIT_SSH_COMMAND", "GIT_EXEC_PATH", "GIT_CONFIG_KEY_0", "JAVA_TOOL_OPTIONS", "npm_config_script_shell", "Path"]) {
      expect(loadsCode(n), n).toBe(true);
    }
    for (const n of ["DB_PASSWORD", "PYPI_TOKEN", "GITHUB_TOKEN", "GIT_TOKEN", "NODE_ENV", "PATHS", "LDAP_PASSWORD", "ENVIRONMENT"]) {
      expect(loadsCode(n), n).toBe(false);
    }
    expect(codeLoadingReason("ld_preload")).toBe("LD_*");
    expect(codeLoadingReason("NODE_OPTIONS")).toBe("Node.js");
  });

  it("honours the allowed names and names the first refused one", () => {
    expect(codeLoadingNames(["A", "PATH", "NODE_OPTIONS"], ["path"])).toEqual(["NODE_OPTIONS"]);
    expect(() => refuseCodeLoadingNames(["DB", "BASH_ENV"], [], "export")).toThrow("refusing to export BASH_ENV: a variable that changes which code a program runs (shells)");
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
