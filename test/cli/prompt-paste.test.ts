/**
 * Pasting into the hidden prompt, in a real pseudo-terminal: a paste of several lines is refused with a hint to
 * `--stdin` (the prompt would keep only the first line, and the confirmation would get the second), its other lines
 * are read and dropped so the shell after vaultfile never runs them, and a `pem` value is sent to `--stdin` before
 * any prompt is shown.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { armor, Encrypter } from "age-encryption";
import { describe, expect, it } from "vitest";
import { testKey } from "../helpers.js";
import { BIN, workspace, writeVault, type Workspace } from "./lifecycle-support.js";

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]|\u001b[()][A-Za-z0-9]|\u001b[=>]/g;

/** Runs `sh -c SCRIPT` in a pseudo-terminal; `$VF` is the CLI. Resolves with the exit code and the screen. */
async function inTerminal(w: Workspace, script: string) {
  const pty = await import("node-pty");
  const p = pty.spawn("/bin/sh", ["-c", script], {
    cwd: w.dir,
    env: { ...(w.env as Record<string, string>), VF: `${process.execPath} ${BIN}`, TERM: "xterm-256color" },
    cols: 120,
    rows: 30,
  });
  let raw = "";
  p.onData((d) => void (raw += d));
  const done = new Promise<number>((res) => p.onExit((e) => res(e.exitCode)));
  const screen = (): string => raw.replace(ANSI, "");
  return {
    screen,
    done,
    async waitFor(pattern: RegExp): Promise<void> {
      const deadline = Date.now() + 15_000;
      while (!pattern.test(screen())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; screen:\n${screen()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    write: (text: string) => p.write(text),
  };
}

const PASTE = [
  "-----BEGIN PRIVATE KEY-----",
  "MIIEvQIBADANBgkqhkiG9w0paste-line-two",
  "paste-line-three-secret",
  "-----END PRIVATE KEY-----",
];

describe("a paste of several lines into the hidden prompt", () => {
  it.each([
    ["CR", "\r"],
    ["LF", "\n"],
  ])(
    "(lines ending in %s) is refused (exit 2) with a hint to --stdin, and its other lines never reach the shell",
    async (_name, eol) => {
      const w = workspace();
      await writeVault(w.file, () => {});
      const before = readFileSync(w.file, "utf8");
      // After vaultfile, the shell reads what is left on the terminal: nothing, if the paste was drained.
      const t = await inTerminal(
        w,
        '$VF set TLS_KEY; echo "exit=$?"; if read -t 1 rest; then echo "LEFT[$rest]"; else echo "NOTHING-LEFT"; fi',
      );
      await t.waitFor(/Value for TLS_KEY/);
      t.write(PASTE.join(eol) + eol);
      await t.done;
      const screen = t.screen();
      expect(screen).toContain(
        "vaultfile: error: the value was pasted as several lines, but the hidden prompt takes one line; nothing was changed",
      );
      expect(screen).toContain(
        "vaultfile: hint: a value of several lines goes in with --stdin: `vaultfile set TLS_KEY --stdin < FILE`",
      );
      expect(screen).toContain("exit=2");
      expect(screen).toContain("NOTHING-LEFT");
      expect(screen).not.toContain("Again, to confirm");
      for (const line of PASTE.slice(1, 3)) expect(screen).not.toContain(line);
      expect(readFileSync(w.file, "utf8")).toBe(before);
    },
  );

  it("one line typed and Enter still works (the confirmation is asked as before)", async () => {
    const w = workspace();
    await writeVault(w.file, () => {});
    const t = await inTerminal(w, "$VF set TOKEN");
    await t.waitFor(/Value for TOKEN/);
    t.write("one-line-secret\r");
    await t.waitFor(/Again, to confirm/);
    t.write("one-line-secret\r");
    expect(await t.done).toBe(0);
    expect(w.run(["get", "TOKEN"]).stdout).toBe("one-line-secret\n");
  });
});

describe("a pem value on a terminal", () => {
  it("set --type pem sends it to --stdin before any prompt (exit 2)", async () => {
    const w = workspace();
    await writeVault(w.file, () => {});
    const t = await inTerminal(w, "$VF set TLS_CERT --type pem");
    expect(await t.done).toBe(2);
    expect(t.screen()).toContain(
      "vaultfile: error: a pem value has several lines, which the hidden prompt cannot take",
    );
    expect(t.screen()).toContain("vaultfile: hint: pass it with --stdin: `vaultfile set TLS_CERT --stdin < FILE`");
    expect(t.screen()).not.toContain("Value for");
  });

  it("rotate of a pem secret does the same", async () => {
    const w = workspace();
    await writeVault(w.file, () => {});
    expect(
      w.run(["set", "TLS_CERT", "--type", "pem", "--force", "--stdin"], { input: "not-a-pem-but-forced\n" }).code,
    ).toBe(0);
    const t = await inTerminal(w, "$VF rotate TLS_CERT");
    expect(await t.done).toBe(2);
    expect(t.screen()).toContain("vaultfile: hint: pass it with --stdin: `vaultfile rotate TLS_CERT --stdin < FILE`");
    expect(t.screen()).not.toContain("New value for");
  });
});

describe("a paste of several lines at a key's passphrase prompt", () => {
  it("is refused (exit 2) with a hint that a passphrase is one line, and never reaches the shell", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => v.set("TOKEN", "tok-1"));
    const e = new Encrypter();
    e.setPassphrase("file-phrase");
    e.setScryptWorkFactor(12);
    const keys = join(w.dir, "keys.age");
    writeFileSync(keys, armor.encode(await e.encrypt(readFileSync(testKey("alice").identityFile))));
    const t = await inTerminal(
      w,
      `env -u VAULTFILE_AGE_KEY_FILE $VF -i ${keys} get TOKEN; echo "exit=$?"; if read -t 1 rest; then echo "LEFT[$rest]"; else echo "NOTHING-LEFT"; fi`,
    );
    await t.waitFor(/Passphrase for/);
    t.write("file-phrase\rsecond-line-of-paste\r");
    await t.done;
    expect(t.screen()).toContain(
      "vaultfile: error: the value was pasted as several lines, but the hidden prompt takes one line; nothing was changed",
    );
    expect(t.screen()).toContain(
      "vaultfile: hint: a passphrase is one line: type it, or paste it without a line break",
    );
    expect(t.screen()).toContain("exit=2");
    expect(t.screen()).toContain("NOTHING-LEFT");
    expect(t.screen()).not.toContain("second-line-of-paste");
    expect(t.screen()).not.toContain("tok-1");
  });
});
