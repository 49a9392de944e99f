/**
 * Crash safety: a writer SIGKILLed at a random moment leaves the vault either exactly as it was or exactly as the
 * completed write made it, and it opens with a valid MAC and seal. Normal exits leave no temp file; temp files and
 * lock files left by a crash are ignored, and stale temp files are removed by the next save.
 * Kills: 15 by default, 200 with SLOW=1. SEED=n replays a run.
 */
import { readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers.js";
import { aliceOpts, cliEnv, count, expectOk, makeVault, Rng, seedFromEnv, start, tempFilesIn } from "./support.js";
import { writeArgs, writerKind, type WriteOp } from "./writers.js";
import { openVault } from "../../src/io/vault-file.js";

/** Name → value of every secret, in file order. */
async function valuesOf(path: string): Promise<[string, string][]> {
  const v = await openVault(path, aliceOpts);
  return v.secrets().map((s) => [s.name, s.value]);
}

describe("crash safety", () => {
  const kills = count(15, 200);
  const seed = seedFromEnv();

  it(`a SIGKILL at a random moment during set/rotate leaves the old or the new vault (${kills} kills, seed ${seed})`, async () => {
    const rng = new Rng(seed);
    const dir = tempDir();
    const vault = await makeVault(dir);
    const env = cliEnv();

    // Calibrate: how long a complete write takes here (the slowest of three), so kills spread over the whole run.
    let runMs = 0;
    for (let k = 0; k < 3; k++) {
      const t0 = Date.now();
      const calib = writeArgs("set", vault, "CALIBRATION", `calibration-${k}`);
      expectOk(await start(calib.args, { env, input: calib.input }).done, "calibration run", calib.input);
      runMs = Math.max(runMs, Date.now() - t0);
    }
    expect(tempFilesIn(dir)).toEqual([]);

    let killed = 0;
    let completed = 0;
    let killedAfterRename = 0;
    for (let i = 0; i < kills; i++) {
      const before = readFileSync(vault, "utf8");
      const beforeValues = await valuesOf(vault);
      const op: WriteOp = rng.next() < 0.5 ? "set" : "rotate";
      const name = op === "set" ? `CRASH_${i}` : rng.pick(["PYPI_TOKEN", "API_KEY", "CALIBRATION"]);
      // Secret types check formats: a pypi token must look like one.
      const value = `${name === "PYPI_TOKEN" ? "pypi-" : ""}crash-value-${seed}-${i}`;
      // Half the kills anywhere in the run, half around its end, where the file is written.
      const at = rng.next() < 0.5 ? rng.next() * runMs * 1.2 : runMs * (0.5 + rng.next() * 0.8);
      const w = writeArgs(op, vault, name, value);
      const run = start(w.args, { env, input: w.input });
      const timer = setTimeout(() => run.child.kill("SIGKILL"), at);
      const r = await run.done;
      clearTimeout(timer);
      if (r.signal === "SIGKILL") killed++;
      else {
        completed++;
        expectOk(r, `seed ${seed}, run ${i}`, value);
      }

      const after = readFileSync(vault, "utf8");
      const afterValues = await valuesOf(vault); // throws unless the MAC and seal are valid
      if (after === before) {
        expect(afterValues).toEqual(beforeValues);
        expect(r.signal, `seed ${seed}, run ${i}: a completed write changed nothing`).toBe("SIGKILL");
      } else {
        if (r.signal === "SIGKILL") killedAfterRename++;
        const expected =
          op === "set" && !beforeValues.some(([n]) => n === name)
            ? [...beforeValues, [name, value]]
            : beforeValues.map(([n, v]) => [n, n === name ? value : v]);
        expect(afterValues, `seed ${seed}, run ${i}: the new file must be exactly the completed write`).toEqual(
          expected,
        );
      }
    }
    console.log(
      `crash safety: ${kills} runs of ${writerKind("set")}/${writerKind("rotate")} (one run ≈ ${runMs} ms), ${killed} killed (${killedAfterRename} of them after the new file was in place), ${completed} finished first; seed ${seed}`,
    );
    expect(killed).toBeGreaterThan(0);

    // Whatever the kills left (a lock file of a dead process, temp files), a normal write still works and cleans up
    // after itself.
    const leftovers = tempFilesIn(dir);
    const w = writeArgs("set", vault, "AFTER_CRASHES", "ok");
    const r = await start(w.args, { env, input: w.input }).done;
    expectOk(r, "a normal write", w.input);
    expect(tempFilesIn(dir).filter((f) => !leftovers.includes(f))).toEqual([]);
    expect((await valuesOf(vault)).at(-1)).toEqual(["AFTER_CRASHES", "ok"]);
  }, 600_000);

  it("a save removes its own stale temp files (older than a minute) and leaves fresh ones and other files' alone", async () => {
    const dir = tempDir();
    const vault = await makeVault(dir);
    const stale = join(dir, ".vaultfile-tmp-.secrets.yaml.0123456789ab");
    const fresh = join(dir, ".vaultfile-tmp-.secrets.yaml.ba9876543210");
    const otherVault = join(dir, ".vaultfile-tmp-other.yaml.0123456789ab");
    for (const f of [stale, fresh, otherVault]) writeFileSync(f, "partial write");
    const old = (Date.now() - 120_000) / 1000;
    utimesSync(stale, old, old);
    utimesSync(otherVault, old, old);

    const w = writeArgs("set", vault, "NEW_ONE", "v");
    const r = await start(w.args, { env: cliEnv(), input: w.input }).done;
    expectOk(r, "a normal write", w.input);
    expect(tempFilesIn(dir).sort()).toEqual([
      ".vaultfile-tmp-.secrets.yaml.ba9876543210",
      ".vaultfile-tmp-other.yaml.0123456789ab",
    ]);
    // And a vault opens whatever temp files sit beside it.
    expect((await valuesOf(vault)).map(([n]) => n)).toContain("NEW_ONE");
  });
});
