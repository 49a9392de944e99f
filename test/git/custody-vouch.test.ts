/** `reseal --vouch REV`: a holder of both keys vouches for a re-key made by plain sops, so custody verifies again. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { openVault } from "../../src/io/vault-file.js";
import { PtyRun } from "../e2e/pty.js";
import { carol, legitimate, sopsRotate } from "./custody-support.js";

describe("reseal --vouch REV", () => {
  it("a committed `sops rotate` breaks custody until a holder of both keys vouches for it; then history --verify passes", async () => {
    const r = await legitimate();
    await sopsRotate(r.file);
    r.git("commit", "-q", "-am", "sops rotate");
    const rotated = r.git("rev-parse", "HEAD").trim().slice(0, 8);
    const before = r.run(["history", "--verify"]);
    expect(before.code).toBe(5);
    expect(before.stderr).toContain(`custody breaks at ${rotated}`);
    // No terminal and no --yes: refused before anything is written.
    const text = readFileSync(r.file, "utf8");
    const asked = r.run(["reseal", "--vouch", "HEAD~1"]);
    expect(asked.code).toBe(2);
    expect(asked.stderr).toContain("vaultfile reseal --vouch HEAD~1 --yes");
    expect(readFileSync(r.file, "utf8")).toBe(text);
    // Someone without the key at REV cannot vouch.
    expect(r.run(["reseal", "--vouch", "HEAD~1", "--yes"], carol).code).toBe(4);
    const vouched = r.run(["reseal", "--vouch", "HEAD~1", "--yes"]);
    expect(vouched.stderr).toContain("The data key of .secrets.yaml was replaced since HEAD~1 without a custody link");
    expect(vouched.stdout).toBe("  no secret or recipient changed (only the data key)\n");
    expect(vouched.code).toBe(0);
    r.git("commit", "-q", "-am", "vouch for the sops rotate");
    const after = r.run(["--json", "history", "--verify"]);
    expect(after.stderr).toBe("");
    expect(after.code).toBe(0);
    const report = JSON.parse(after.stdout) as { versions: { commit: string; kind: string; detail: string }[] };
    expect(report.versions.find((v) => v.commit.startsWith(rotated))).toMatchObject({
      kind: "ok",
      detail: expect.stringContaining("vouched for later"),
    });
    // Nothing left to vouch for.
    const again = r.run(["reseal", "--vouch", "HEAD~2", "--yes"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("already carries custody from HEAD~2; the file is unchanged");
  });

  it("before committing: lists what changed since REV by name only; the re-keyed commit then carries the proof", async () => {
    const r = await legitimate();
    const v = await openVault(r.file, r.opts());
    v.rotate("A", "A-SECRET-1");
    v.remove("C");
    v.set("D", "D-0");
    await v.addRecipient("carol", carol.recipient);
    await v.save();
    await sopsRotate(r.file);
    expect(r.run(["check"]).code).toBe(5); // the seal is stale: plain sops wrote it
    const res = r.run(["reseal", "--vouch", "HEAD", "--yes"]);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      [
        "  secrets added: D",
        "  secrets removed: C",
        "  values changed: A",
        `  recipients added: carol (${carol.recipient})`,
        "",
      ].join("\n"),
    );
    expect(res.stdout + res.stderr).not.toContain("A-SECRET-1");
    expect((await openVault(r.file, r.opts())).exportSecrets()).toEqual({ A: "A-SECRET-1", B: "B-0", D: "D-0" });
    r.git("commit", "-q", "-am", "sops rotate, vouched");
    const after = r.run(["--json", "history", "--verify"]);
    expect(after.code).toBe(0);
    expect((JSON.parse(after.stdout) as { versions: { detail: string }[] }).versions.at(-1)?.detail).toContain(
      "(proof ok)",
    );
    expect(r.run(["reseal", "--vouch", "HEAD", "--yes"]).stderr).toContain(
      "has the data key it had at HEAD: no re-key to vouch for",
    );
  });

  it("on a terminal shows the changes and asks; no leaves the file unchanged, yes writes the proof", async () => {
    const r = await legitimate();
    await sopsRotate(r.file);
    const text = readFileSync(r.file, "utf8");
    const ask = async (answer: string) => {
      const t = new PtyRun(["reseal", "--vouch", "HEAD"], { cwd: r.repo, env: r.env });
      try {
        await t.waitFor(/Vouch, as a holder of the key at HEAD/);
        expect(t.screen).toContain("no secret or recipient changed (only the data key)");
        t.type(answer);
        return { ...(await t.exit), screen: t.screen };
      } finally {
        t.kill();
      }
    };
    const no = await ask("n");
    expect(no.exitCode).toBe(0);
    expect(no.screen).toContain("nothing vouched for; the file is unchanged");
    expect(readFileSync(r.file, "utf8")).toBe(text);
    const yes = await ask("y");
    expect(yes.exitCode).toBe(0);
    expect(yes.screen).toContain("vouched for the data key of .secrets.yaml (custody link from HEAD) and resealed it");
    r.git("commit", "-q", "-am", "sops rotate, vouched");
    expect(r.run(["history", "--verify"]).code).toBe(0);
  }, 60_000);
});
