/** Every kind of tampering the issue lists is refused with a clear error, never silently accepted. */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VaultfileError } from "../../src/errors.js";
import { parseDocument } from "yaml";
import { tempDir, testKey } from "../helpers.js";
import { aliceOpts, sampleVaultText } from "./make.js";
import { openVaultText } from "../../src/io/vault-file.js";

async function openText(text: string): Promise<unknown> {
  return openVaultText(text, "t.yaml", aliceOpts()).then(
    () => "opened",
    (e: unknown) => e,
  );
}

/** Swaps the `value:` lines of the a-th and b-th secrets. */
function swapValueLines(text: string, a: number, b: number): string {
  const lines = text.split("\n");
  const at = lines.flatMap((l, i) => (/^ {4}value: ENC/.test(l) ? [i] : []));
  const [i, j] = [at[a]!, at[b]!];
  [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  return lines.join("\n");
}

describe("tamper detection", () => {
  it("the untouched file opens", async () => {
    expect(await openText(await sampleVaultText())).toBe("opened");
  });

  const cases: [string, (t: string) => string, string][] = [
    [
      "a changed ciphertext byte",
      (t) => t.replace(/(PYPI_TOKEN:\n {4}value: ENC\[AES256_GCM,data:)(.)/, (_, p, c) => p + (c === "A" ? "B" : "A")),
      "E_DECRYPT",
    ],
    [
      "a changed expires_at",
      (t) => t.replace('expires_at: "2027-01-01T00:00:00Z"', 'expires_at: "2028-01-01T00:00:00Z"'),
      "E_MAC",
    ],
    ["a changed type", (t) => t.replace("type: pypi", "type: pypj"), "E_MAC"],
    ["a removed description", (t) => t.replace("    description: upload token\n", ""), "E_MAC"],
    ["a changed required list", (t) => t.replace("required: [DOCKER_PASSWORD]", "required: []"), "E_MAC"],
    [
      "a changed lastmodified",
      (t) => t.replace(/lastmodified: "[^"]+"/, 'lastmodified: "2030-01-01T00:00:00Z"'),
      "E_MAC",
    ],
    ["ciphertexts swapped between entries", (t) => swapValueLines(t, 0, 2), "E_DECRYPT"],
    ["a renamed secret", (t) => t.replace("  DOCKER_USERNAME:", "  DOCKER_USER:"), "E_DECRYPT"],
    // sops's own MAC misses these: the values stay in the same order under other names. The seal catches them.
    [
      "expires_at and rotated_at names swapped",
      (t) => t.replace(/( {4})rotated_at:(.*)\n {4}expires_at:(.*)\n/, "$1expires_at:$2\n$1rotated_at:$3\n"),
      "E_SEAL_STALE",
    ],
    [
      "two recipients' names swapped",
      (t) => t.replace(/ {2}alice: (age1\S+)\n {2}bob: (age1\S+)/, "  bob: $1\n  alice: $2"),
      "E_SEAL_STALE",
    ],
    [
      "text shifted between two adjacent clear values",
      (t) =>
        t.replace("    type: pypi\n    description: upload token\n", "    type: pypiu\n    description: pload token\n"),
      "E_SEAL_STALE",
    ],
  ];

  it.each(cases)("%s is refused", async (_name, mutate, code) => {
    const original = await sampleVaultText();
    const mutated = mutate(original);
    expect(mutated).not.toBe(original);
    const err = await openText(mutated);
    expect(err).toBeInstanceOf(VaultfileError);
    expect((err as VaultfileError).code.startsWith(code)).toBe(true);
    // No value ever appears in the message or hint.
    const msg = `${(err as VaultfileError).message} ${(err as VaultfileError).hint ?? ""}`;
    for (const secret of ["pypi-secret-one", "hunter2-docker"]) expect(msg).not.toContain(secret);
  });

  it("reordered entries are refused", async () => {
    const original = await sampleVaultText();
    const doc = parseDocument(original);
    const secrets = doc.get("secrets", true) as { items: unknown[] };
    secrets.items.reverse();
    const err = await openText(doc.toString({ lineWidth: 0 }));
    expect((err as VaultfileError).code).toBe("E_MAC");
  });

  it("a sops.age entry that is not a named recipient is refused, even though its key is genuine", async () => {
    const original = await sampleVaultText();
    const dir = tempDir();
    // Unwrap the data key with the age CLI and wrap it for carol, as an attacker who knows it could.
    const enc = /enc: \|\n((?: {6}.*\n)+)/.exec(original)![1]!.replace(/^ {6}/gm, "");
    writeFileSync(join(dir, "dk.age"), enc);
    const dataKey = execFileSync("age", ["-d", "-i", testKey("alice").identityFile, join(dir, "dk.age")]);
    const wrapped = execFileSync("age", ["-a", "-r", testKey("carol").recipient], { input: dataKey }).toString();
    const stanza = `  - recipient: ${testKey("carol").recipient}\n    enc: |\n${wrapped
      .trimEnd()
      .split("\n")
      .map((l) => "      " + l)
      .join("\n")}\n`;
    const mutated = original.replace("  lastmodified:", stanza + "  lastmodified:");
    const err = await openText(mutated);
    expect((err as VaultfileError).code).toBe("E_RECIPIENTS");
    expect((err as VaultfileError).message).toContain(testKey("carol").recipient);
  });

  it("a removed sops.age entry of a named recipient is refused", async () => {
    const original = await sampleVaultText();
    // Drop bob's stanza (the second); alice can still open the file, so only the recipients check can object.
    const mutated = original.replace(
      new RegExp(` {2}- recipient: ${testKey("bob").recipient}\\n {4}enc: \\|\\n(?: {6}.*\\n)+`),
      "",
    );
    expect(mutated).not.toBe(original);
    const err = await openText(mutated);
    expect((err as VaultfileError).code).toBe("E_RECIPIENTS");
  });
});
