/** `check --since` and `validate --since`: the chain-of-custody gate a pull request's CI runs, in real git repositories. */
import { describe, expect, it } from "vitest";
import { alice, bob, carol, forgeInto, legitimate } from "./custody-support.js";

type Repo = Awaited<ReturnType<typeof legitimate>>;

/** A forged vault (`forgeInto`) committed on a branch off main; the forged commit. */
async function forge(r: Repo, recipients: Record<string, string>, keepCarol = false): Promise<string> {
  r.git("checkout", "-q", "-b", "forged", "main");
  await forgeInto(r, recipients, keepCarol);
  r.git("commit", "-q", "-am", "routine rotation");
  return r.git("rev-parse", "HEAD").trim().slice(0, 8);
}

describe("check --since REV", () => {
  it("passes a legitimate branch and fails a forged one with validate's verdict (exit 5, naming the commit)", async () => {
    const r = await legitimate();
    r.git("checkout", "-q", "-b", "offboard");
    await r.change("rotate A", (v) => v.rotate("A", "A-1"));
    await r.change("remove bob", (v) => v.removeRecipient("bob"));
    const ok = r.run(["check", "--since", "main"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("ok  .secrets.yaml (MAC and seal verified; custody since main verified)");
    r.git("checkout", "-q", "main");
    const forged = await forge(r, { alice: alice.recipient, bob: bob.recipient });
    expect(r.run(["check"]).code).toBe(0); // the forgery passes every other check
    for (const cmd of [
      ["check", "--since", "main"],
      ["validate", "--since", "main"],
    ]) {
      const res = r.run(cmd);
      expect(res.code).toBe(5);
      expect(res.stderr).toContain(
        `vaultfile: error: custody breaks at ${forged} by Alice Example: data key replaced without proof`,
      );
      expect(res.stdout).not.toContain("ok  ");
    }
  });

  it("without a key says it cannot verify custody and exits 4, never a silent pass", async () => {
    const r = await legitimate();
    await r.change("rotate A", (v) => v.rotate("A", "A-1"));
    expect(r.run(["check"], null).code).toBe(0); // no --since: the keyless checks pass as before
    for (const cmd of [
      ["check", "--since", "HEAD~2"],
      ["validate", "--since", "HEAD~2", "--no-decrypt"],
      ["history", "--verify"],
    ]) {
      const res = r.run(cmd, null);
      expect(res.code).toBe(4);
      expect(res.stderr).toContain(
        "vaultfile: error: cannot verify the chain of custody of .secrets.yaml without a key",
      );
      expect(res.stderr).toContain("vaultfile: hint: looked in:");
    }
    // A key of another vault opens none of the versions: not verified either.
    const other = r.run(["check", "--since", "HEAD~2"], carol);
    expect(other.code).toBe(4);
    expect(other.stderr).toContain(
      "none of your keys opens a version of .secrets.yaml since HEAD~2: the chain of custody is not verified",
    );
  });

  it("fails a forgery re-keyed for recipients the reviewer's key does not open (it opened the base)", async () => {
    const r = await legitimate();
    // "alice" is carol's key now: alice's key opens main's version but not the forged one.
    const forged = await forge(r, { alice: carol.recipient, bob: bob.recipient }, true);
    expect(r.run(["check"]).code).toBe(0); // a key that opens nothing is "no key for it" to a plain check
    for (const cmd of [
      ["check", "--since", "main"],
      ["validate", "--since", "main"],
    ]) {
      const res = r.run(cmd);
      expect(res.code).toBe(5);
      expect(res.stderr).toContain(
        `custody breaks at ${forged} by Alice Example: your key no longer opens this version`,
      );
    }
  });
});
