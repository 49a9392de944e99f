/**
 * The hidden prompt of `set` and the key offer of `init`, driven through a real pseudo-terminal (node-pty): what a
 * person at a terminal sees and types. The typed value must never be echoed.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { BIN, workspace, writeVault, type Workspace } from "./lifecycle-support.js";

interface Session {
  /** Waits until the screen output matches, then types `keys`. */
  answer(expected: RegExp, keys: string): Promise<void>;
  done: Promise<{ code: number; screen: string }>;
}

async function terminal(w: Workspace, args: string[]): Promise<Session> {
  const pty = await import("node-pty");
  const p = pty.spawn(process.execPath, [BIN, ...args], {
    cwd: w.dir,
    env: w.env as Record<string, string>,
    cols: 120,
    rows: 30,
  });
  let screen = ""; // what is still to be matched: answered prompts are cut out
  let transcript = ""; // everything shown, for the no-echo checks
  const waiters: (() => void)[] = [];
  p.onData((d) => {
    screen += d;
    transcript += d;
    for (const f of waiters.splice(0)) f();
  });
  const done = new Promise<{ code: number; screen: string }>((res) =>
    p.onExit((e) => res({ code: e.exitCode, screen: transcript })),
  );
  return {
    done,
    answer: (expected, keys) =>
      new Promise<void>((res, rej) => {
        const timer = setTimeout(
          () => rej(new Error(`timed out waiting for ${expected}; screen so far:\n${screen}`)),
          10_000,
        );
        const check = (): void => {
          if (expected.test(screen)) {
            clearTimeout(timer);
            screen = screen.replace(expected, "<answered>");
            p.write(keys);
            res();
          } else waiters.push(check);
        };
        check();
      }),
  };
}

describe("on a terminal", () => {
  it("set asks for the value twice, hidden, and stores it", async () => {
    const w = workspace();
    await writeVault(w.file, () => {});
    const t = await terminal(w, ["set", "PYPI_TOKEN"]);
    await t.answer(/Value for PYPI_TOKEN/, "typed-secret-42\r");
    await t.answer(/Again, to confirm/, "typed-secret-42\r");
    const { code, screen } = await t.done;
    expect(code).toBe(0);
    expect(screen).toContain("set PYPI_TOKEN (new, no expiry)");
    expect(screen).not.toContain("typed-secret-42");
    // Nothing per character either: a row of stars would tell the value's length (issue 15, item 8).
    expect(screen).not.toContain("*");
    expect(w.run(["get", "PYPI_TOKEN"]).stdout).toBe("typed-secret-42\n");
  });

  it("Ctrl-C at the hidden prompt exits 130, as a shell reports an interrupt, and changes nothing", async () => {
    const w = workspace();
    await writeVault(w.file, () => {});
    const before = readFileSync(w.file, "utf8");
    const t = await terminal(w, ["set", "PYPI_TOKEN"]);
    await t.answer(/Value for PYPI_TOKEN/, "half-typed\u0003");
    const { code, screen } = await t.done;
    expect(code).toBe(130);
    expect(screen).toContain("vaultfile: error: interrupted; nothing was changed");
    expect(screen).not.toContain("half-typed");
    expect(readFileSync(w.file, "utf8")).toBe(before);
  });

  it("rotate asks for the new value; entries that differ are asked again instead of failing", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => v.set("PYPI_TOKEN", "old-secret-1"));
    const t = await terminal(w, ["rotate", "PYPI_TOKEN"]);
    // Each pattern takes in everything shown so far ([\s\S]*), so a prompt's re-drawn earlier lines are not matched again.
    await t.answer(/[\s\S]*New value for PYPI_TOKEN/, "typed-secret-42\r");
    await t.answer(/[\s\S]*Again, to confirm/, "typo-secret-43\r");
    await t.answer(
      /[\s\S]*the two entries differ; try again \(2 tries left\)[\s\S]*New value for PYPI_TOKEN/,
      "typed-secret-42\r",
    );
    await t.answer(/[\s\S]*Again, to confirm/, "typed-secret-42\r");
    const { code, screen } = await t.done;
    expect(code).toBe(0);
    expect(screen).toContain("rotated PYPI_TOKEN");
    expect(screen).not.toMatch(/typed-secret-42|typo-secret-43/);
    expect(w.run(["get", "PYPI_TOKEN"]).stdout).toBe("typed-secret-42\n");
  });

  it("init offers to create a key when there is none, then uses it", async () => {
    const w = workspace({ VAULTFILE_AGE_KEY_FILE: "" });
    const t = await terminal(w, ["init"]);
    await t.answer(/No age key found\. Create one in .*\?/, "y\r");
    const { code, screen } = await t.done;
    expect(code).toBe(0);
    expect(screen).toContain("encrypted to: alice (you)");
    expect(existsSync(join(w.env.XDG_CONFIG_HOME!, "vaultfile", "keys.txt"))).toBe(true);
    expect(Object.keys(parse(w.text()).recipients)).toEqual(["alice"]);
  });
});
