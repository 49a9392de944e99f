/**
 * `vaultfile completion SHELL`: the bash script, sourced in a real bash and called as bash calls it (COMP_WORDS,
 * COMP_CWORD), completes commands, options, choices and the vault's names, with no key anywhere.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanEnv, ROOT, tempDir } from "../helpers.js";
import { BIN, vf, writeVault } from "./lifecycle-support.js";

/** A folder with a vault (PYPI_TOKEN, PASSWORD, API_KEY; recipients alice and bob) and `vaultfile` on PATH. */
async function setup(): Promise<{ dir: string; env: NodeJS.ProcessEnv }> {
  const dir = tempDir();
  await writeVault(
    join(dir, ".secrets.yaml"),
    (v) => {
      v.set("PYPI_TOKEN", "pypi-x");
      v.set("PASSWORD", "hunter2hunter2");
      v.set("API_KEY", "k");
    },
    true,
  );
  const bin = join(dir, "bin");
  mkdirSync(bin);
  symlinkSync(BIN, join(bin, "vaultfile"));
  // No key in the environment and an empty HOME: completion must never need one.
  return { dir, env: cleanEnv({ PATH: `${bin}:${process.env.PATH}`, HOME: tempDir() }) };
}

/** Sources `vaultfile completion bash` and completes the words (the last one is under the cursor) as bash does. */
function bashComplete(
  dir: string,
  env: NodeJS.ProcessEnv,
  words: string[],
): { registered: string; candidates: string[] } {
  const line = ["vaultfile", ...words].map((w) => `'${w}'`).join(" ");
  const script = `eval "$(vaultfile completion bash)"
complete -p vaultfile
COMP_WORDS=(${line}); COMP_CWORD=${words.length}; COMP_LINE="vaultfile ${words.join(" ")}"; COMP_POINT=\${#COMP_LINE}
"$(complete -p vaultfile | sed -E 's/.* -F ([^ ]+) .*/\\1/')" vaultfile '${words[words.length - 1] ?? ""}' '${words[words.length - 2] ?? "vaultfile"}'
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync("bash", ["--norc", "--noprofile", "-c", script], {
    cwd: dir,
    env,
    encoding: "utf8",
    timeout: 30_000,
  });
  expect(r.status, r.stderr).toBe(0);
  const [registered = "", ...candidates] = r.stdout.split("\n").filter((l) => l !== "");
  return { registered, candidates };
}

describe("vaultfile completion", () => {
  it("bash: `vaultfile ro<TAB>` completes to rotate, `vaultfile get P<TAB>` to the secret names, without a key", async () => {
    const { dir, env } = await setup();
    const ro = bashComplete(dir, env, ["ro"]);
    expect(ro.registered).toBe("complete -o default -F _vaultfile_complete vaultfile");
    expect(ro.candidates).toEqual(["rotate"]);
    expect(bashComplete(dir, env, ["get", "P"]).candidates).toEqual(["PASSWORD", "PYPI_TOKEN"]);
    // After global options and their values; a variadic option's names; a recipient; choices; a subcommand.
    expect(bashComplete(dir, env, ["-f", ".secrets.yaml", "--json", "rm", "API_KEY", "PY"]).candidates).toEqual([
      "PYPI_TOKEN",
    ]);
    expect(bashComplete(dir, env, ["export", "--only", "API_KEY", ""]).candidates).toEqual([
      "API_KEY",
      "PASSWORD",
      "PYPI_TOKEN",
    ]);
    expect(bashComplete(dir, env, ["recipients", "remove", ""]).candidates).toEqual(["alice", "bob"]);
    expect(bashComplete(dir, env, ["export", "--format", ""]).candidates).toEqual([
      "dotenv",
      "github",
      "json",
      "k8s-secret",
      "shell",
    ]);
    expect(bashComplete(dir, env, ["recipients", "r"]).candidates).toEqual(["remove"]);
    expect(bashComplete(dir, env, ["set", "X", "--type", "doc"]).candidates).toEqual(["docker"]);
    expect(bashComplete(dir, env, ["status", "--w"]).candidates).toEqual(["--warn-days"]);
  }, 180_000);

  it("offers every visible command and no hidden one, taken from the program's declaration", async () => {
    const { dir, env } = await setup();
    const all = bashComplete(dir, env, [""]).candidates;
    const help = vf(["--help"], { cwd: dir, env });
    const commandsSection = help.stdout.slice(
      help.stdout.indexOf("Commands:"),
      help.stdout.indexOf("\n\n", help.stdout.indexOf("Commands:")),
    );
    const listed = [...commandsSection.matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]!).filter((n) => n !== "help");
    expect(all).toEqual([...listed].sort());
    expect(all).toContain("completion");
    expect(all).not.toContain("__complete");
  });

  it("completes no names where the vault cannot be read, and never prints a name a shell would misread", async () => {
    const { dir, env } = await setup();
    const empty = tempDir();
    expect(bashComplete(empty, env, ["get", ""]).candidates).toEqual([]);
    const r = vf(["__complete", "--", "-f", join(ROOT, "package.json"), "get", ""], { cwd: dir, env });
    expect(r).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("prints zsh and fish scripts that call back the same completer", () => {
    const cwd = tempDir();
    for (const shell of ["zsh", "fish"]) {
      const r = vf(["completion", shell], { cwd, env: cleanEnv() });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain("vaultfile __complete --");
    }
    const bad = vf(["completion", "tcsh"], { cwd, env: cleanEnv() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Allowed choices are bash, zsh, fish");
  });

  it("`vaultfile version` prints what --version prints", () => {
    const cwd = tempDir();
    const a = vf(["version"], { cwd, env: cleanEnv() });
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(a).toEqual(vf(["--version"], { cwd, env: cleanEnv() }));
  });
});
