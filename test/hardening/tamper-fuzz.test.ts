/**
 * Tamper fuzzing: random mutations of a valid vault (mutations.ts). Every mutated file is either refused with a
 * VaultfileError (never a TypeError or another crash) or opens to exactly the original data: names, values,
 * metadata, order, required, recipients, and the whole decrypted tree. Altered plaintext or metadata is never
 * accepted. 300 mutations by default, 10,000 with SLOW=1; SEED=n replays a run.
 */
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VaultfileError } from "../../src/errors.js";
import { parseIdentities } from "../../src/crypto/identities.js";
import { SopsFile } from "../../src/sops/sops-file.js";
import type { Vault } from "../../src/vault/vault.js";
import { NOW, tempDir } from "../helpers.js";
import { mutate, MUTATOR_NAMES } from "./mutations.js";
import { alice, count, makeVault, Rng, SECRETS, seedFromEnv } from "./support.js";
import { readFileSync } from "node:fs";
import { openVaultText } from "../../src/io/vault-file.js";

const opts = { identities: [alice.secret], env: {}, now: () => NOW };
const keys = { identities: parseIdentities(alice.secret, "test"), searched: [] };

/** Everything a vault tells its user, in order. */
function snapshot(v: Vault): unknown {
  return {
    secrets: v.secrets().map((s) => ({ ...s.toJSON(), value: s.value })),
    required: v.required,
    recipients: Object.entries(v.recipients()),
  };
}

describe("tamper fuzzing", () => {
  const runs = count(300, 10_000);
  const seed = seedFromEnv();

  it(`${runs} random mutations are refused with a VaultfileError or decrypt to exactly the original (seed ${seed})`, async () => {
    const rng = new Rng(seed);
    const original = readFileSync(await makeVault(tempDir()), "utf8");
    const base = await openVaultText(original, "v.yaml", opts);
    const expected = snapshot(base);
    const expectedTree = (await SopsFile.open(original, "v.yaml", keys)).toPlain();
    const outcomes = new Map<string, number>();
    const tally = (k: string): void => void outcomes.set(k, (outcomes.get(k) ?? 0) + 1);

    for (let i = 0; i < runs; i++) {
      const m = mutate(original, rng);
      const fail = (why: string): never => {
        const dump = join(tmpdir(), `vaultfile-fuzz-${seed}-${i}.yaml`);
        writeFileSync(dump, m.text);
        throw new Error(`seed ${seed}, mutation ${i} (${m.what}): ${why}; mutated file in ${dump}`);
      };
      let v: Vault;
      try {
        v = await openVaultText(m.text, "v.yaml", opts);
      } catch (err) {
        if (!(err instanceof VaultfileError)) fail(`crashed with ${err instanceof Error ? err.stack : String(err)}`);
        const e = err as VaultfileError;
        for (const secret of Object.values(SECRETS))
          if (e.message.includes(secret) || e.hint?.includes(secret)) fail("a secret value appears in the error");
        if (/\n/.test(e.message)) fail(`a multi-line error message: ${e.message}`);
        tally(e.code);
        continue;
      }
      const got = snapshot(v);
      if (JSON.stringify(got) !== JSON.stringify(expected))
        fail(`accepted with different data: ${JSON.stringify(got)}`);
      const tree = (await SopsFile.open(m.text, "v.yaml", keys)).toPlain();
      if (JSON.stringify(tree) !== JSON.stringify(expectedTree))
        fail(`accepted with a different tree: ${JSON.stringify(tree)}`);
      tally(m.text === original ? "unchanged" : "accepted, same data");
    }
    const summary = [...outcomes]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(", ");
    console.log(`tamper fuzzing: ${runs} mutations (${MUTATOR_NAMES.length} kinds), seed ${seed}: ${summary}`);
    // The fuzzer must actually reach the checks it is meant to test.
    for (const code of ["E_MAC", "E_DECRYPT", "E_FORMAT"])
      expect(outcomes.get(code) ?? 0, `no ${code} outcome: the mutations are too weak`).toBeGreaterThan(0);
  }, 900_000);
});
