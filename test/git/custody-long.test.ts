/**
 * A long history: a recipient added at commit K of N verifies from there on, and every version before is reported
 * as not verifiable, never as verified. 10 commits (added at 5, a re-key every 4) by default; 200 (added at 50, a re-key every 20)
 * with SLOW=1. Not timed: bench/custody-history.mjs measures it.
 */
import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { describe, expect, it } from "vitest";
import { alice, bob, repository } from "./custody-support.js";
import { createVault } from "../../src/io/vault-file.js";

const [COMMITS, ADDED_AT, REKEY] = process.env.SLOW ? [200, 50, 20] : [10, 5, 4];

describe(`history --verify over ${COMMITS} commits`, () => {
  it(
    `a recipient added at commit ${ADDED_AT} verifies from there on and reports the versions before as not verifiable`,
    async () => {
      const r = repository(bob);
      const spare = async () => identityToRecipient(await generateX25519Identity());
      const v = await createVault(r.file, { bob: bob.recipient, holder0: await spare() }, r.opts());
      v.set("A", "A-0");
      await v.save();
      r.git("add", ".secrets.yaml");
      r.git("commit", "-q", "-m", "vault");
      let holder = 0;
      for (let c = 1; c < COMMITS; c++) {
        const next = c % REKEY === 0 ? await spare() : undefined;
        await r.change(`commit ${c}`, async (u) => {
          if (c === ADDED_AT) await u.addRecipient("alice", alice.recipient);
          else if (next) {
            await u.addRecipient(`holder${holder + 1}`, next);
            await u.removeRecipient(`holder${holder}`);
            holder++;
          } else u.rotate("A", `A-${c}`);
        });
      }
      const res = r.run(["--json", "history", "--verify"], alice);
      expect(res.code).toBe(0);
      const kinds = (JSON.parse(res.stdout) as { versions: { kind: string; detail: string }[] }).versions;
      expect(kinds).toHaveLength(COMMITS);
      // Commits 0 … ADDED_AT - 1 do not open with alice's key; ADDED_AT opens, but its parent does not.
      expect(kinds.slice(0, ADDED_AT + 1).every((k) => k.kind === "unverifiable")).toBe(true);
      expect(kinds.slice(ADDED_AT + 1).every((k) => k.kind === "ok")).toBe(true);
      const rekeys = Math.floor((COMMITS - 1) / REKEY) - Math.floor(ADDED_AT / REKEY);
      expect(kinds.filter((k) => k.detail.includes("proof ok"))).toHaveLength(rekeys);
      expect(r.run(["history", "--verify"], alice).stderr).toContain(
        `vaultfile: warning: ${ADDED_AT + 1} version(s) not verifiable with your key`,
      );
    },
    process.env.SLOW ? 600_000 : 60_000,
  );
});
