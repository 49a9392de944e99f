/** Value sources of `set`/`rotate`, in process: generated values, stdin handling, the no-terminal rule. */
import { PassThrough, Readable, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { InvalidInputError, UsageError } from "../../src/errors.js";
import type { CliIO } from "../../src/cli/context.js";
import { generateValue, readSecretValue, stdinBringsData } from "../../src/cli/input.js";
import { setPrompter, type Prompter } from "../../src/cli/prompts.js";
import { BUILTIN_TYPES } from "../../src/types/builtin.js";

function io(stdin: string | Buffer, tty = false): CliIO & { err: () => string } {
  let err = "";
  const stderr = new Writable({
    write: (c, _e, cb) => {
      err += String(c);
      cb();
    },
  });
  const s = Object.assign(Readable.from([Buffer.from(stdin)]), { isTTY: tty });
  return { stdin: s, stdout: new Writable({ write: (_c, _e, cb) => cb() }), stderr, env: {}, cwd: "/", err: () => err };
}

describe("generateValue", () => {
  it.each([
    ["32", /^[A-Za-z0-9]{32}$/],
    ["alnum:40", /^[A-Za-z0-9]{40}$/],
    ["hex:64", /^[0-9a-f]{64}$/],
    ["hex:7", /^[0-9a-f]{7}$/],
    ["base64:48", /^[A-Za-z0-9+/]{64}$/],
    ["base64:32", /^[A-Za-z0-9+/]{43}=$/],
    ["base64url:32", /^[A-Za-z0-9_-]{43}$/],
  ])("%s has the documented shape", (spec, shape) => {
    expect(generateValue(spec)).toMatch(shape);
  });

  it("is random, and uses the whole alphabet", () => {
    const many = Array.from({ length: 200 }, () => generateValue("alnum:31"));
    expect(new Set(many).size).toBe(200);
    expect(new Set(many.join("")).size).toBe(62);
  });

  it.each(["0", "4097", "abc", "hex:", "base32:10", "-5", "1.5"])("rejects %j as a usage error", (spec) => {
    expect(() => generateValue(spec)).toThrow(UsageError);
  });
});

describe("readSecretValue", () => {
  it.each([
    ["tok\n", "tok"],
    ["tok\n\n", "tok\n"],
    ["tok\r\n", "tok"],
    ["tok", "tok"],
    ["multi\nline", "multi\nline"],
  ])("--stdin %j gives %j", async (input, value) => {
    expect(await readSecretValue(io(input), { stdin: true }, "X")).toBe(value);
  });

  it("refuses stdin that is not UTF-8, and an empty value", async () => {
    await expect(readSecretValue(io(Buffer.from([0xff, 0xfe])), { stdin: true }, "X")).rejects.toThrow(
      /not valid UTF-8/,
    );
    await expect(readSecretValue(io("\n"), { stdin: true }, "X")).rejects.toBeInstanceOf(InvalidInputError);
  });

  it("warns for --value without echoing it", async () => {
    const i = io("");
    expect(await readSecretValue(i, { value: "s3cr3t" }, "X")).toBe("s3cr3t");
    expect(i.err()).toContain("shell history");
    expect(i.err()).not.toContain("s3cr3t");
  });

  it("never waits for input without a terminal, and does not run the pre-prompt check", async () => {
    let checked = false;
    await expect(
      readSecretValue(io(""), {}, "X", { command: "set", before: async () => void (checked = true) }),
    ).rejects.toThrow(/no terminal to prompt on/);
    expect(checked).toBe(false);
  });

  it("on a terminal asks twice through the prompt module, after the pre-prompt check; different entries are asked again, 3 times at most", async () => {
    const asked: string[] = [];
    const answers = ["one", "one", "one", "two", "uno", "uno", "a", "b", "c", "d", "e", "f"];
    const fake = {
      password: async (m: string) => {
        asked.push(m);
        return answers.shift()!;
      },
    } as unknown as Prompter;
    const prev = setPrompter(fake);
    try {
      const tty = io("", true);
      (tty.stderr as { isTTY?: boolean }).isTTY = true;
      let checked = false;
      expect(
        await readSecretValue(tty, {}, "PYPI_TOKEN", { command: "set", before: async () => void (checked = true) }),
      ).toBe("one");
      expect(checked).toBe(true);
      expect(asked).toEqual(["Value for PYPI_TOKEN:", "Again, to confirm:"]);
      asked.length = 0;
      expect(
        await readSecretValue(tty, {}, "PYPI_TOKEN", { command: "rotate", question: "New value for PYPI_TOKEN:" }),
      ).toBe("uno");
      expect(asked).toEqual([
        "New value for PYPI_TOKEN:",
        "Again, to confirm:",
        "New value for PYPI_TOKEN:",
        "Again, to confirm:",
      ]);
      expect(tty.err()).toBe("vaultfile: warning: the two entries differ; try again (2 tries left)\n");
      await expect(readSecretValue(tty, {}, "PYPI_TOKEN")).rejects.toThrow(
        /the two entries differed 3 times; nothing was changed/,
      );
      expect(answers).toEqual([]);
    } finally {
      setPrompter(prev);
    }
  });
});

describe("readSecretValue of a type whose values have several lines (pem)", () => {
  it("on a terminal sends it to --stdin before any prompt (exit 2), naming the command", async () => {
    let asked = 0;
    const prev = setPrompter({ password: async () => String(++asked) } as unknown as Prompter);
    try {
      const tty = io("", true);
      (tty.stderr as { isTTY?: boolean }).isTTY = true;
      const pem = BUILTIN_TYPES.find((t) => t.id === "pem");
      const err = await readSecretValue(tty, {}, "TLS_KEY", { command: "rotate", before: async () => pem }).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(UsageError);
      expect((err as UsageError).message).toBe("a pem value has several lines, which the hidden prompt cannot take");
      expect((err as UsageError).hint).toBe("pass it with --stdin: `vaultfile rotate TLS_KEY --stdin < FILE`");
      expect(asked).toBe(0);
    } finally {
      setPrompter(prev);
    }
  });
});

describe("stdinBringsData (set's metadata-only update)", () => {
  it("is true for piped data, false for an empty or terminal stdin, and false without waiting forever on an open one", async () => {
    expect(await stdinBringsData(io("new-value\n"))).toBe(true);
    expect(await stdinBringsData(io(""))).toBe(false);
    expect(await stdinBringsData(io("typed ahead", true))).toBe(false);
    const open = Object.assign(new PassThrough(), { isTTY: false });
    const started = Date.now();
    expect(await stdinBringsData({ ...io(""), stdin: open }, 50)).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
