/** `vaultfile exec`: secrets only in the child's environment, exit codes and signals passed through. */
import { spawn } from "node:child_process";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { BIN, workspace, writeVault, type Workspace } from "./lifecycle-support.js";

async function execVault(): Promise<Workspace> {
  const w = workspace({ VAULTFILE_NOW: "2026-12-15T00:00:00Z" });
  await writeVault(w.file, (v) => {
    v.set("API_TOKEN", "tok 'en' $HOME\nline 2");
    v.set("OLD_TOKEN", "old", { expiresAt: "2026-12-01" });
  });
  return w;
}

describe("vaultfile exec", () => {
  it("gives the child the secrets and the rest of the environment, and exits with its exit code", async () => {
    const w = await execVault();
    const r = w.run(["exec", "--", "sh", "-c", `printf '%s|%s|%s' "$API_TOKEN" "$OLD_TOKEN" "$USER"; exit 42`]);
    expect(r.code).toBe(42);
    expect(r.stdout).toBe("tok 'en' $HOME\nline 2|old|alice");
    expect(r.stderr).toBe(
      "vaultfile: warning: OLD_TOKEN expired on 2026-12-01; passing it anyway (--exclude-expired leaves it out)\n",
    );
  });

  it("keeps a variable already set in the environment unless --override, naming it (issue 15, item 8)", async () => {
    const w = await execVault();
    const show = ["--only", "API_TOKEN", "--", "sh", "-c", `printf '%s' "$API_TOKEN"`];
    const kept = w.run(["exec", ...show], { env: { API_TOKEN: "from-the-shell" } });
    expect(kept).toEqual({
      code: 0,
      stdout: "from-the-shell",
      stderr:
        "vaultfile: note: API_TOKEN is already set in the environment and kept; --override passes the vault's value instead\n",
    });
    const replaced = w.run(["exec", "--override", ...show], { env: { API_TOKEN: "from-the-shell" } });
    expect(replaced).toEqual({
      code: 0,
      stdout: "tok 'en' $HOME\nline 2",
      stderr:
        "vaultfile: note: API_TOKEN was already set in the environment; the vault's value replaces it (--override)\n",
    });
  });

  it("--only and --exclude-expired choose what the child gets", async () => {
    const w = await execVault();
    const r = w.run([
      "exec",
      "--only",
      "OLD_TOKEN",
      "--exclude-expired",
      "--",
      "sh",
      "-c",
      `echo "\${API_TOKEN-unset} \${OLD_TOKEN-unset}"`,
    ]);
    expect(r).toEqual({
      code: 0,
      stdout: "unset unset\n",
      stderr: "vaultfile: warning: OLD_TOKEN expired on 2026-12-01 and was left out (--exclude-expired)\n",
    });
    expect(w.run(["exec", "--only", "NOPE", "--", "true"]).code).toBe(3);
  });

  it("without --, a command's option is refused with a hint to put the command after --", async () => {
    const w = await execVault();
    const r = w.run(["exec", "sh", "-c", "echo ran"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /^vaultfile: error: unknown option '-c'\nvaultfile: hint: put the command after --: vaultfile exec -- CMD ARGS…\n/,
    );
  });

  it("exits 128 + N when signal N ended the child (SIGTERM: 143)", async () => {
    const w = await execVault();
    expect(w.run(["exec", "--", "sh", "-c", "kill -TERM $$"]).code).toBe(143);
  });

  it("passes SIGTERM sent to vaultfile on to the child", async () => {
    const w = await execVault();
    const child = `process.on("SIGTERM", () => { console.log("child got SIGTERM"); process.exit(7); }); console.log("ready"); setInterval(() => {}, 1000);`;
    const p = spawn(process.execPath, [BIN, "exec", "--", process.execPath, "-e", child], {
      cwd: w.dir,
      env: w.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    p.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (stdout === "ready\n") p.kill("SIGTERM");
    });
    const code = await new Promise<number | null>((res) => p.on("exit", (c) => res(c)));
    expect(stdout).toBe("ready\nchild got SIGTERM\n");
    expect(code).toBe(7);
  });

  it("a missing command exits 127 and a non-executable one 126, like a shell", async () => {
    const w = await execVault();
    const missing = w.run(["exec", "--exclude-expired", "--", "no-such-command-xyz", "arg"]);
    expect(missing).toEqual({
      code: 127,
      stdout: "",
      stderr:
        "vaultfile: error: command not found: no-such-command-xyz\nvaultfile: hint: check the command's name and your PATH\n",
    });
    writeFileSync(join(w.dir, "script.sh"), "#!/bin/sh\necho hi\n");
    chmodSync(join(w.dir, "script.sh"), 0o644);
    const notExec = w.run(["exec", "--exclude-expired", "--", "./script.sh"]);
    expect(notExec.code).toBe(126);
    expect(notExec.stderr).toMatch(/^vaultfile: error: cannot run \.\/script\.sh: permission denied\n/);
  });

  it("never puts the secrets into vaultfile's own environment", async () => {
    const w = await execVault();
    const out = join(w.dir, "child-saw");
    const env = { ...w.env };
    const io = { stdout: new PassThrough(), stderr: new PassThrough(), stdin: new PassThrough(), env, cwd: w.dir };
    const code = await main(
      ["exec", "--exclude-expired", "--", "sh", "-c", `printf '%s' "$API_TOKEN" > "$0"; exit 5`, out],
      io,
    );
    expect(code).toBe(5);
    expect(process.exitCode).toBeUndefined();
    expect(readFileSync(out, "utf8")).toBe("tok 'en' $HOME\nline 2");
    expect(process.env.API_TOKEN).toBeUndefined();
    expect(env.API_TOKEN).toBeUndefined();
  });
});
