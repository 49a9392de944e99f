/**
 * Issue 14, keys where people keep them, through the CLI: SSH recipients and identities (plain and passphrase-
 * protected, the passphrase typed in a pseudo-terminal), keys from a command, `age -p` identity files, and the
 * list of every place searched. Keys are made by the real `ssh-keygen`; the `age` CLI checks the stanzas.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { Encrypter, armor } from "age-encryption";
import { makeVault } from "./edit/vaults.js";
import { runCli } from "./edit/cli-io.js";
import { PtyRun } from "../e2e/pty.js";
import { cleanEnv, ROOT, tempDir, testKey } from "../helpers.js";
import { hasAge, hasSshKeygen, sshKeygen } from "../crypto/ssh-support.js";
import { legitimate } from "../git/custody-support.js";

const alice = testKey("alice");

function stanzas(file: string): { recipient: string; enc: string }[] {
  return (parse(readFileSync(file, "utf8")) as { sops: { age: { recipient: string; enc: string }[] } }).sops.age;
}

/** The data key as the age CLI unwraps it from a stanza with `identity`. */
function ageUnwrap(enc: string, identity: string, dir: string): Buffer {
  const f = join(dir, `stanza-${Math.random().toString(36).slice(2)}.age`);
  writeFileSync(f, enc);
  return execFileSync("age", ["-d", "-i", identity, f]);
}

describe.skipIf(!hasSshKeygen)("SSH keys through the CLI", () => {
  it.skipIf(!hasAge)(
    "ssh-ed25519 and ssh-rsa recipients: added, unwrapped by the age CLI, and opening the vault as identities",
    async () => {
      const { dir, file } = await makeVault();
      const ed = sshKeygen("ed25519", { dir, name: "carol" });
      const rsa = sshKeygen("rsa", { dir, name: "dave" });
      for (const [name, key] of [
        ["carol", ed],
        ["dave", rsa],
      ] as const) {
        const add = await runCli(["-i", alice.identityFile, "-f", file, "recipients", "add", name, key.pub], {
          cwd: dir,
          tty: false,
        });
        expect(add.stderr).toContain(`added recipient ${name}`);
        expect(add.code).toBe(0);
      }
      const text = readFileSync(file, "utf8");
      expect(text).toContain(`carol: ${ed.pub}`);
      const all = stanzas(file);
      const dataKey = ageUnwrap(all.find((s) => s.recipient === alice.recipient)!.enc, alice.identityFile, dir);
      expect(dataKey).toHaveLength(32);
      expect(ageUnwrap(all.find((s) => s.recipient === ed.pub)!.enc, ed.path, dir).equals(dataKey)).toBe(true);
      expect(ageUnwrap(all.find((s) => s.recipient === rsa.pub)!.enc, rsa.path, dir).equals(dataKey)).toBe(true);

      // Every way an SSH key is found: --identity, SOPS_AGE_SSH_PRIVATE_KEY_FILE, VAULTFILE_…, ~/.ssh/id_ed25519, ~/.ssh/id_rsa.
      const home = join(dir, "home");
      mkdirSync(join(home, ".ssh"), { recursive: true });
      const ways: [string, string[], Record<string, string>][] = [
        ["--identity", ["-i", ed.path], {}],
        ["$SOPS_AGE_SSH_PRIVATE_KEY_FILE", [], { SOPS_AGE_SSH_PRIVATE_KEY_FILE: rsa.path }],
        ["$VAULTFILE_AGE_SSH_PRIVATE_KEY_FILE", [], { VAULTFILE_AGE_SSH_PRIVATE_KEY_FILE: ed.path }],
        ["$SOPS_AGE_SSH_PRIVATE_KEY_CMD", [], { SOPS_AGE_SSH_PRIVATE_KEY_CMD: `cat ${rsa.path}` }],
        ["$VAULTFILE_AGE_SSH_PRIVATE_KEY_CMD", [], { VAULTFILE_AGE_SSH_PRIVATE_KEY_CMD: `cat ${ed.path}` }],
      ];
      for (const [way, args, env] of ways) {
        const got = await runCli([...args, "-f", file, "get", "PYPI_TOKEN"], { cwd: dir, tty: false, env });
        expect(`${way}: ${got.stderr}${got.stdout}`).toBe(`${way}: pypi-old-value\n`);
      }
      copyFileSync(ed.path, join(home, ".ssh", "id_ed25519"));
      const byDefault = await runCli(["-f", file, "get", "PYPI_TOKEN"], { cwd: dir, tty: false, env: { HOME: home } });
      expect(byDefault.stdout).toBe("pypi-old-value\n");
      writeFileSync(join(home, ".ssh", "id_ed25519"), "not a key\n");
      copyFileSync(rsa.path, join(home, ".ssh", "id_rsa"));
      const rsaDefault = await runCli(["-f", file, "get", "PYPI_TOKEN"], { cwd: dir, tty: false, env: { HOME: home } });
      expect(rsaDefault.stdout).toBe("pypi-old-value\n");
      // decrypt (the plain sops engine) takes SSH keys too.
      const plain = await runCli(["-i", rsa.path, "decrypt", file], { cwd: dir, tty: false });
      expect(plain.code, plain.stderr).toBe(0);
      expect(plain.stdout).toContain("value: pypi-old-value");
    },
  );

  it("errors name the key, shortened; a post-quantum vault takes no SSH key; SSH and X25519 recipients mix", async () => {
    const { dir, file } = await makeVault();
    const ed = sshKeygen("ed25519", { dir });
    const run = (args: string[]) => runCli(["-i", alice.identityFile, "-f", file, ...args], { cwd: dir, tty: false });
    const ecdsa = sshKeygen("ecdsa", { dir });
    const bad = await run(["recipients", "add", "carol", ecdsa.pub]);
    expect(bad.stderr.split("\n")[0]).toBe(
      'vaultfile: error: recipient carol: "ecdsa-sha2-nistp256 …" is an SSH key vaultfile cannot use: ecdsa-sha2-nistp256 keys are not supported (only ssh-ed25519 and ssh-rsa)',
    );
    expect(bad.code).toBe(6);
    const notKey = await run(["recipients", "add", "carol", "carol@example.com"]);
    expect(notKey.stderr.split("\n")[0]).toBe(
      'vaultfile: error: recipient carol: "carol@example.com" is not an age recipient (age1…, age1pq1…, ssh-ed25519, ssh-rsa)',
    );
    const plugin = await run([
      "recipients",
      "add",
      "carol",
      "age1yubikey1qwt50d05nh5vutpdzmlg5wn80xq5negm4uj9ghv0snvdd3yysf5yw3rhl3t",
    ]);
    expect(plugin.stderr.split("\n")[0]).toMatch(/is an age plugin recipient: age plugins are not supported yet$/);
    expect((await run(["recipients", "add", "carol", ed.pub])).code).toBe(0);

    const pqDir = join(dir, "pq");
    mkdirSync(pqDir);
    const dana = testKey("pq-dana");
    const init = await runCli(["-i", dana.identityFile, "-f", join(pqDir, "v.yaml"), "init", "--name", "dana"], {
      cwd: pqDir,
      tty: false,
    });
    expect(init.code).toBe(0);
    const mixed = await runCli(
      ["-i", dana.identityFile, "-f", join(pqDir, "v.yaml"), "recipients", "add", "carol", ed.pub],
      { cwd: pqDir, tty: false },
    );
    expect(mixed.stderr).toMatch(/cannot mix post-quantum/);
    expect(mixed.code).toBe(6);
  });

  it("your SSH key is marked (you) and kept from removal though the vault holds its .pub line with the comment", async () => {
    const { dir, file } = await makeVault();
    const key = sshKeygen("ed25519", { dir });
    expect(key.pub).toMatch(/ test@vaultfile$/);
    expect(
      (
        await runCli(["-i", alice.identityFile, "-f", file, "recipients", "add", "carol", key.pub], {
          cwd: dir,
          tty: false,
        })
      ).code,
    ).toBe(0);
    const list = await runCli(["-i", key.path, "-f", file, "recipients", "list"], { cwd: dir, tty: false });
    expect(list.stdout.split("\n").find((l) => l.startsWith("carol"))).toMatch(/\(you\)$/);
    expect(list.stdout.split("\n").find((l) => l.startsWith("alice"))).not.toMatch(/\(you\)/);
    const remove = await runCli(["-i", key.path, "-f", file, "recipients", "remove", "carol"], {
      cwd: dir,
      tty: false,
    });
    expect(remove.stderr.split("\n")[0]).toBe(
      "vaultfile: error: carol is your key: after removing it you could no longer open the vault",
    );
    expect(remove.code).toBe(2);
    const again = await runCli(
      ["-i", key.path, "-f", file, "recipients", "add", "carol2", key.pub.replace(/ test@vaultfile$/, " carol@laptop")],
      { cwd: dir, tty: false },
    );
    expect(again.stderr.split("\n")[0]).toBe("vaultfile: error: that key is already a recipient, named carol");
    expect(again.code).not.toBe(0);
  });

  it("a key that opens nothing: the hint shows SSH keys as ssh-keygen -lf fingerprints, and how to be added", async () => {
    const { dir, file } = await makeVault();
    const carol = sshKeygen("ed25519", { dir, name: "carol" });
    const dave = sshKeygen("rsa", { dir, name: "dave" });
    expect(
      (
        await runCli(["-i", alice.identityFile, "-f", file, "recipients", "add", "carol", carol.pub], {
          cwd: dir,
          tty: false,
        })
      ).code,
    ).toBe(0);
    const fingerprint = (k: { path: string }) =>
      execFileSync("ssh-keygen", ["-lf", `${k.path}.pub`], { encoding: "utf8" }).split(" ")[1]!;
    const got = await runCli(["-i", dave.path, "-f", file, "get", "PYPI_TOKEN"], { cwd: dir, tty: false });
    expect(got.code).toBe(4);
    const hint = got.stderr.split("\n").find((l) => l.startsWith("vaultfile: hint: "))!;
    expect(hint).toContain(
      `The file is encrypted to: alice (${alice.recipient}), carol (ssh-ed25519 ${fingerprint(carol)}).`,
    );
    expect(hint).toContain(`Your keys: ssh-rsa ${fingerprint(dave)} from ${dave.path}.`);
    expect(hint).toContain('Ask one of them to run `vaultfile recipients add NAME "$(cat YOUR_KEY.pub)"`');
    expect(got.stderr).not.toContain(carol.pub.split(" ")[1]!.slice(20, 40));
  });

  it("an SSH-labelled item opens as its own (the label keeps the .pub comment); swapped with another, it is refused", async () => {
    const { dir, file } = await makeVault();
    const carol = sshKeygen("ed25519", { dir, name: "carol" });
    expect(
      (
        await runCli(["-i", alice.identityFile, "-f", file, "recipients", "add", "carol", carol.pub], {
          cwd: dir,
          tty: false,
        })
      ).code,
    ).toBe(0);
    expect((await runCli(["-i", carol.path, "-f", file, "get", "PYPI_TOKEN"], { cwd: dir, tty: false })).stdout).toBe(
      "pypi-old-value\n",
    );
    const text = readFileSync(file, "utf8");
    const blocks = [...text.matchAll(/ {4}enc: \|\n((?: {6}.*\n)+)/g)].map((m) => m[1]!);
    expect(blocks).toHaveLength(2);
    writeFileSync(
      file,
      text.replace(blocks[0]!, "@@FIRST@@").replace(blocks[1]!, blocks[0]!).replace("@@FIRST@@", blocks[1]!),
    );
    const fingerprint = execFileSync("ssh-keygen", ["-lf", `${carol.path}.pub`], { encoding: "utf8" }).split(" ")[1]!;
    const got = await runCli(["-i", carol.path, "-f", file, "get", "PYPI_TOKEN"], { cwd: dir, tty: false });
    expect(got.stderr.split("\n")[0]).toBe(
      `vaultfile: error: sops.age item 1 in ${file} is labelled for ${alice.recipient} but opens with your key ssh-ed25519 ${fingerprint} (${carol.path}): the enc of two items was swapped, or one copied over another`,
    );
    expect(got.code).toBe(5);
  });

  it("init --recipient NAME=<ssh key> and .sops.yaml SSH keys, with your SSH key as the first recipient", async () => {
    const { dir } = await makeVault();
    const home = join(dir, "home");
    mkdirSync(join(home, ".ssh"), { recursive: true });
    const me = sshKeygen("ed25519", { dir: join(home, ".ssh"), name: "id_ed25519" });
    const carol = sshKeygen("rsa", { dir });
    const file = join(dir, "new.yaml");
    // .sops.yaml names an SSH key too (sops takes them in `age:`, comma-separated).
    const erin = sshKeygen("ed25519", { dir, name: "erin" });
    writeFileSync(join(dir, ".sops.yaml"), `creation_rules:\n  - age: "${erin.pub}, ${alice.recipient}"\n`);
    const init = await runCli(["-f", file, "init", "--name", "me", "--recipient", `carol=${carol.pub}`], {
      cwd: dir,
      tty: false,
      env: { HOME: home },
    });
    expect(init.code, init.stderr).toBe(0);
    expect(stanzas(file).map((s) => s.recipient)).toEqual([
      me.pub.split(" ").slice(0, 2).join(" "),
      carol.pub,
      erin.pub,
      alice.recipient,
    ]);
    expect((await runCli(["-f", file, "-i", erin.path, "status"], { cwd: dir, tty: false })).code).toBe(0);
    const got = await runCli(["-f", file, "-i", carol.path, "status"], {
      cwd: dir,
      tty: false,
      env: { HOME: join(dir, "nobody") },
    });
    expect(got.code, got.stderr).toBe(0);
  });

  it("a passphrase-protected SSH key: without a terminal a clear error (exit 4); on a terminal asked, never echoed", async () => {
    const { dir, file } = await makeVault();
    const key = sshKeygen("ed25519", { dir, passphrase: "s3cret-phrase" });
    expect(
      (
        await runCli(["-i", alice.identityFile, "-f", file, "recipients", "add", "carol", key.pub], {
          cwd: dir,
          tty: false,
        })
      ).code,
    ).toBe(0);
    const noTty = await runCli(["-i", key.path, "-f", file, "get", "PYPI_TOKEN"], { cwd: dir, tty: false });
    expect(noTty.stderr.split("\n")[0]).toBe(
      `vaultfile: error: ${key.path} is protected by a passphrase, and there is no terminal to ask for it`,
    );
    expect(noTty.code).toBe(4);

    const p = new PtyRun(["-i", key.path, "-f", file, "export", "--format", "dotenv"], {
      cwd: dir,
      env: cleanEnv({ VAULTFILE_NOW: "2026-11-25T12:00:00Z" }),
    });
    await p.waitFor(`Passphrase for ${key.path}:`);
    p.type("s3cret-phrase");
    const { exitCode } = await p.exit;
    expect(p.screen).toContain("PYPI_TOKEN=");
    expect(p.screen).not.toContain("s3cret-phrase");
    expect(exitCode).toBe(0);
  });

  it("an age -p identity file (scrypt): asked on a terminal, a clear error without one", async () => {
    const { dir, file } = await makeVault();
    const e = new Encrypter();
    e.setPassphrase("file-phrase");
    e.setScryptWorkFactor(12);
    const keys = join(dir, "keys.age");
    writeFileSync(keys, armor.encode(await e.encrypt(readFileSync(alice.identityFile))));
    const noTty = await runCli(["-i", keys, "-f", file, "get", "PYPI_TOKEN"], { cwd: dir, tty: false });
    expect(noTty.stderr.split("\n")[0]).toBe(
      `vaultfile: error: ${keys} is protected by a passphrase, and there is no terminal to ask for it`,
    );
    expect(noTty.code).toBe(4);
    const p = new PtyRun(["-i", keys, "-f", file, "get", "PYPI_TOKEN"], {
      cwd: dir,
      env: cleanEnv({ VAULTFILE_NOW: "2026-11-25T12:00:00Z" }),
    });
    await p.waitFor(`Passphrase for ${keys}:`);
    p.type("file-phrase");
    expect((await p.exit).exitCode).toBe(0);
    expect(p.screen).toContain("pypi-old-value");
    expect(p.screen).not.toContain("file-phrase");

    // recipients list looks the keys up twice (to open the vault, to mark you): the passphrase is asked once.
    const list = new PtyRun(["-i", keys, "-f", file, "recipients", "list"], {
      cwd: dir,
      env: cleanEnv({ VAULTFILE_NOW: "2026-11-25T12:00:00Z" }),
    });
    await list.waitFor(`Passphrase for ${keys}:`);
    const typed = list.type("file-phrase");
    await list.waitFor(/NAME\s+PUBLIC KEY/, typed); // a second prompt instead would time out here
    expect((await list.exit).exitCode).toBe(0);
    expect(list.screen).toMatch(/alice\s+age1\S+\s+\(you\)/);
    expect(list.screen.split(`✔ Passphrase for ${keys}:`)).toHaveLength(2);
  });
});

describe("history --verify with a passphrase-protected key", () => {
  it("asks for the passphrase on a terminal, as every other command does", async () => {
    const r = await legitimate();
    await r.change("rotate A", (v) => v.rotate("A", "A-1"));
    const e = new Encrypter();
    e.setPassphrase("file-phrase");
    e.setScryptWorkFactor(12);
    const keys = join(tempDir(), "keys.age");
    writeFileSync(keys, armor.encode(await e.encrypt(readFileSync(alice.identityFile))));
    const { VAULTFILE_AGE_KEY: _, ...env } = r.env;
    const p = new PtyRun(["-i", keys, "history", "--verify"], { cwd: r.repo, env });
    await p.waitFor(`Passphrase for ${keys}:`);
    p.type("file-phrase");
    expect((await p.exit).exitCode, p.screen).toBe(0);
    // validate --since verifies the chain, then opens the vault: one question for both.
    const v = new PtyRun(["-i", keys, "validate", "--since", "HEAD~1"], { cwd: r.repo, env });
    await v.waitFor(`Passphrase for ${keys}:`);
    v.type("file-phrase"); // a second question instead would keep it waiting: the test would time out
    expect((await v.exit).exitCode, v.screen).toBe(0);
    expect(v.screen.split(`✔ Passphrase for ${keys}:`), v.screen).toHaveLength(2);
  });
});

describe("keys from a command", () => {
  it("SOPS_AGE_KEY_CMD / VAULTFILE_AGE_KEY_CMD: run without a shell, SOPS_AGE_RECIPIENT set, output read as keys", async () => {
    const { dir, file } = await makeVault();
    const seen = join(dir, "recipient-seen");
    // A command line split shell-style: the quoted script is one argument; no shell parses the line itself.
    const cmd = `sh -c 'printf "%s" "$SOPS_AGE_RECIPIENT" > "$0"; cat "$1"' ${seen} ${alice.identityFile}`;
    for (const name of ["SOPS_AGE_KEY_CMD", "VAULTFILE_AGE_KEY_CMD"]) {
      const got = await runCli(["-f", file, "get", "PYPI_TOKEN"], { cwd: dir, tty: false, env: { [name]: cmd } });
      expect(`${name}: ${got.stderr}${got.stdout}`).toBe(`${name}: pypi-old-value\n`);
      expect(readFileSync(seen, "utf8")).toBe(alice.recipient);
    }
  });

  it("runs once per recipient and run, though recipients list looks the keys up twice", async () => {
    const { dir, file } = await makeVault();
    const runs = join(dir, "runs");
    const cmd = `sh -c 'echo run >> "$0"; cat "$1"' ${runs} ${alice.identityFile}`;
    const list = await runCli(["-f", file, "recipients", "list"], {
      cwd: dir,
      tty: false,
      env: { SOPS_AGE_KEY_CMD: cmd },
    });
    expect(list.stdout).toMatch(/alice\s+age1\S+\s+\(you\)/);
    expect(readFileSync(runs, "utf8")).toBe("run\n");
  });

  it("a failing command: its exit code, never its output; shell syntax is refused, not run", async () => {
    const { dir, file } = await makeVault();
    const leaky = `sh -c 'cat "$0"; cat "$0" >&2; exit 3' ${alice.identityFile}`;
    const got = await runCli(["-f", file, "status"], { cwd: dir, tty: false, env: { SOPS_AGE_KEY_CMD: leaky } });
    expect(got.stderr.split("\n")[0]).toBe("vaultfile: error: $SOPS_AGE_KEY_CMD: sh failed with exit code 3");
    expect(got.stderr + got.stdout).not.toContain(alice.secret.slice(16, 30));
    expect(got.code).toBe(4);
    const marker = join(dir, "ran");
    const piped = await runCli(["-f", file, "status"], {
      cwd: dir,
      tty: false,
      env: { SOPS_AGE_KEY_CMD: `touch ${marker} | cat` },
    });
    expect(piped.stderr.split("\n")[0]).toBe(
      "vaultfile: error: $SOPS_AGE_KEY_CMD uses shell syntax, but key commands run without a shell",
    );
    expect(() => readFileSync(marker)).toThrow();
    const missing = await runCli(["-f", file, "status"], {
      cwd: dir,
      tty: false,
      env: { VAULTFILE_AGE_KEY_CMD: "no-such-program-vf --x" },
    });
    expect(missing.stderr.split("\n")[0]).toBe(
      "vaultfile: error: $VAULTFILE_AGE_KEY_CMD: command not found: no-such-program-vf",
    );
  });

  it("an unclosed quote or a trailing backslash is refused (exit 4), not run as shell-quote would guess", async () => {
    const { dir, file } = await makeVault();
    const marker = join(dir, "ran");
    for (const [line, what] of [
      [`touch ${marker} 'KEY`, "an unclosed ' quote"],
      [`touch ${marker} "KEY`, 'an unclosed " quote'],
      [`touch ${marker} "it's`, 'an unclosed " quote'],
      [`touch ${marker} \\`, "a backslash at its end"],
    ]) {
      const got = await runCli(["-f", file, "status"], { cwd: dir, tty: false, env: { SOPS_AGE_KEY_CMD: line! } });
      expect(got.stderr.split("\n")[0], line).toBe(
        `vaultfile: error: $SOPS_AGE_KEY_CMD has ${what}, so it was not run`,
      );
      expect(got.code, line).toBe(4);
      expect(() => readFileSync(marker), line).toThrow();
    }
    // Balanced quotes of both kinds, and escapes, still split as before.
    const ok = await runCli(["-f", file, "get", "PYPI_TOKEN"], {
      cwd: dir,
      tty: false,
      env: { SOPS_AGE_KEY_CMD: `sh -c 'cat "$0"' "${alice.identityFile}" it\\'s` },
    });
    expect(ok.stdout).toBe("pypi-old-value\n");
  });

  it("git's drivers, which git runs unasked, never run a key command (nor ask for a passphrase)", async () => {
    const { dir, file } = await makeVault();
    const marker = join(dir, "ran");
    const cmd = `sh -c 'touch "$0"; cat "$1"' ${marker} ${alice.identityFile}`;
    const diff = await runCli(["git", "textconv", file], { cwd: dir, tty: true, env: { SOPS_AGE_KEY_CMD: cmd } });
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain("PYPI_TOKEN");
    expect(() => readFileSync(marker)).toThrow();
    // The same command is run by a command a person starts.
    expect(
      (await runCli(["-f", file, "get", "PYPI_TOKEN"], { cwd: dir, tty: false, env: { SOPS_AGE_KEY_CMD: cmd } }))
        .stdout,
    ).toBe("pypi-old-value\n");
    expect(readFileSync(marker, "utf8")).toBe("");
  });

  it("with no key anywhere, the hint lists every place searched, in order", async () => {
    const { dir, file } = await makeVault();
    const got = await runCli(["-f", file, "get", "PYPI_TOKEN"], { cwd: dir, tty: false });
    expect(got.code).toBe(4);
    const hint = got.stderr.split("\n").find((l) => l.startsWith("vaultfile: hint: looked in: "))!;
    const places = hint
      .replace(/^vaultfile: hint: looked in: /, "")
      .split(". ")[0]!
      .split("; ");
    expect(places.map((p) => p.replace(/ \(.*\)$/, "").replace(/^.*\/(\.ssh\/|\.config\/)/, "$1"))).toEqual([
      "$VAULTFILE_AGE_SSH_PRIVATE_KEY_FILE",
      "$SOPS_AGE_SSH_PRIVATE_KEY_FILE",
      "$VAULTFILE_AGE_SSH_PRIVATE_KEY_CMD",
      "$SOPS_AGE_SSH_PRIVATE_KEY_CMD",
      "$VAULTFILE_AGE_KEY",
      "$SOPS_AGE_KEY",
      "$VAULTFILE_AGE_KEY_FILE",
      "$SOPS_AGE_KEY_FILE",
      "$VAULTFILE_AGE_KEY_CMD",
      "$SOPS_AGE_KEY_CMD",
      ".config/sops/age/keys.txt",
      ".config/vaultfile/keys.txt",
      ".ssh/id_ed25519",
      ".ssh/id_rsa",
    ]);
  });
});

describe("the key code loads lazily", () => {
  /** The modules `vaultfile ARGS` resolves (the tsc output, so each module is its own file), via a resolve hook. */
  function loaded(args: string[], cwd: string, env: Record<string, string> = {}): string[] {
    const dir = tempDir();
    const log = join(dir, "loaded.txt");
    writeFileSync(log, "");
    const hook = `import { appendFileSync } from "node:fs"; export async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(log)}, r.url + "\\n"); return r; }`;
    const script = join(dir, "run.mjs");
    writeFileSync(
      script,
      `import { register } from "node:module";\nregister("data:text/javascript," + encodeURIComponent(${JSON.stringify(hook)}));\nconst { main } = await import(${JSON.stringify(pathToFileURL(join(ROOT, "dist", "cli", "main.js")).href)});\nprocess.exitCode = await main(process.argv.slice(2));\n`,
    );
    const r = spawnSync(process.execPath, [script, ...args], { cwd, env: cleanEnv(env), encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    return readFileSync(log, "utf8").split("\n");
  }
  const heavy = (urls: string[]) =>
    ["@noble/curves", "bcrypt-pbkdf", "shell-quote", "/crypto/age-ssh.js"].filter((m) =>
      urls.some((u) => u.includes(m)),
    );

  it.skipIf(!hasSshKeygen)(
    "export with an age key loads none of the SSH, bcrypt or key-command code; an SSH key loads only what it needs",
    async () => {
      const { dir, file } = await makeVault();
      expect(heavy(loaded(["-i", alice.identityFile, "-f", file, "export"], dir))).toEqual([]);
      const key = sshKeygen("ed25519", { dir });
      expect(
        (
          await runCli(["-i", alice.identityFile, "-f", file, "recipients", "add", "carol", key.pub], {
            cwd: dir,
            tty: false,
          })
        ).code,
      ).toBe(0);
      expect(heavy(loaded(["-i", key.path, "-f", file, "export"], dir))).toEqual([
        "@noble/curves",
        "/crypto/age-ssh.js",
      ]);
      expect(heavy(loaded(["-f", file, "export"], dir, { SOPS_AGE_KEY_CMD: `cat ${alice.identityFile}` }))).toEqual([
        "shell-quote",
      ]);
    },
  );
});
