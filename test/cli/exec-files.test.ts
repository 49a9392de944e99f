/**
 * `vaultfile exec --as-file NAME[=VAR]`: a secret handed to the command as a private file (0600 in a 0700
 * directory, in /dev/shm where it exists) whose path is in VAR, removed when the command ends, however it ends.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, workspace, writeVault, type Workspace } from "./lifecycle-support.js";

const VALUE = "s3cr3t 'pw'\nwith $lines\n";
const SHM = existsSync("/dev/shm");

async function vault(): Promise<Workspace> {
  const w = workspace();
  await writeVault(w.file, (v) => {
    v.set("DB_PASSWORD", VALUE);
    v.set("API_TOKEN", "tok");
  });
  return w;
}

/** Runs exec in the background until the child has written its file's path to path.txt; returns the process and that path. */
async function startExec(w: Workspace, script: string) {
  const p = spawn(process.execPath, [BIN, "exec", "--as-file", "DB_PASSWORD", "--", "sh", "-c", script], {
    cwd: w.dir,
    env: w.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pathFile = join(w.dir, "path.txt");
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    p.on("exit", (code, signal) => res({ code, signal })),
  );
  for (let i = 0; i < 400 && !existsSync(pathFile); i++) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 50));
  return { p, exited, file: readFileSync(pathFile, "utf8").trim() };
}

describe("vaultfile exec --as-file", () => {
  it("gives the command a 0600 file in a 0700 directory holding the value, its path in NAME_FILE, and removes it after", async () => {
    const w = await vault();
    const r = w.run([
      "exec",
      "--as-file",
      "DB_PASSWORD",
      "--",
      "sh",
      "-c",
      `f="$DB_PASSWORD_FILE"; echo "$f" > path.txt; stat -c '%a' "$f" "$(dirname "$f")"; cat "$f"; echo "|\${DB_PASSWORD-unset}|$API_TOKEN"`,
    ]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`600\n700\n${VALUE}|unset|tok\n`);
    expect(r.code).toBe(0);
    const file = readFileSync(join(w.dir, "path.txt"), "utf8").trim();
    if (SHM) expect(file.startsWith("/dev/shm/vaultfile-exec-")).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(dirname(file))).toBe(false);
  });

  it("NAME=VAR names the variable; several files share one directory; the command's exit code is kept", async () => {
    const w = await vault();
    const r = w.run([
      "exec",
      "--as-file",
      "DB_PASSWORD=PGPASSFILE",
      "--as-file",
      "API_TOKEN=TOKEN_PATH",
      "--",
      "sh",
      "-c",
      `cat "$PGPASSFILE" "$TOKEN_PATH"; [ "$(dirname "$PGPASSFILE")" = "$(dirname "$TOKEN_PATH")" ] && echo same; echo "$(dirname "$PGPASSFILE")" > path.txt; exit 4`,
    ]);
    expect(r).toEqual({ code: 4, stdout: `${VALUE}toksame\n`, stderr: "" });
    expect(existsSync(readFileSync(join(w.dir, "path.txt"), "utf8").trim())).toBe(false);
  });

  it("removes the file when the command is killed (SIGKILL of the child)", async () => {
    const w = await vault();
    const r = w.run([
      "exec",
      "--as-file",
      "DB_PASSWORD",
      "--",
      "sh",
      "-c",
      `echo "$DB_PASSWORD_FILE" > path.txt; kill -KILL $$`,
    ]);
    expect(r.code).toBe(137);
    const file = readFileSync(join(w.dir, "path.txt"), "utf8").trim();
    expect(existsSync(dirname(file))).toBe(false);
  });

  it("removes the file when vaultfile is sent SIGTERM (passed on to the command)", async () => {
    const w = await vault();
    const { p, exited, file } = await startExec(w, `echo "$DB_PASSWORD_FILE" > path.txt; exec sleep 30`);
    expect(readFileSync(file, "utf8")).toBe(VALUE);
    p.kill("SIGTERM");
    expect(await exited).toEqual({ code: 143, signal: null });
    expect(existsSync(dirname(file))).toBe(false);
  });

  it("a SIGKILL of vaultfile itself leaves the directory until the next exec --as-file removes it", async () => {
    const w = await vault();
    const { p, exited, file } = await startExec(w, `echo "$DB_PASSWORD_FILE" > path.txt; exec sleep 2`);
    p.kill("SIGKILL");
    await exited;
    expect(existsSync(file)).toBe(true);
    await new Promise((r) => setTimeout(r, 2200)); // the orphaned sleep ends; nothing else holds the directory
    expect(w.run(["exec", "--as-file", "API_TOKEN", "--", "true"]).code).toBe(0);
    expect(existsSync(dirname(file))).toBe(false);
  });

  it("refuses unknown secrets and bad variable names before running anything", async () => {
    const w = await vault();
    const marker = join(w.dir, "ran");
    const unknown = w.run(["exec", "--as-file", "NOPE", "--", "touch", marker]);
    expect(unknown.code).toBe(3);
    const badVar = w.run(["exec", "--as-file", "DB_PASSWORD=1BAD", "--", "touch", marker]);
    expect(badVar.code).toBe(2);
    expect(badVar.stderr).toMatch(/^vaultfile: error: --as-file DB_PASSWORD=1BAD: /);
    const notSelected = w.run(["exec", "--only", "API_TOKEN", "--as-file", "DB_PASSWORD", "--", "touch", marker]);
    expect(notSelected.code).toBe(2);
    expect(existsSync(marker)).toBe(false);
  });
});
