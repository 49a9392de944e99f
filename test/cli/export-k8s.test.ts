/**
 * `export --format k8s-secret`: a v1 Secret manifest, and with --encrypt the same manifest as a sops file that the
 * real sops (the upstream library, as Flux's kustomize-controller links it) decrypts, with the `mac: ENC[` marker
 * Flux's decryptor looks for.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { ROOT, tempDir, testKey } from "../helpers.js";
import { workspace, writeVault, type Workspace } from "./lifecycle-support.js";

const VALUES = { API_TOKEN: "tok-never-in-clear", MULTI: "line 1\nline 2\n", yes: "1234" };
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

async function vault(): Promise<Workspace> {
  const w = workspace();
  await writeVault(
    w.file,
    (v) => {
      for (const [k, val] of Object.entries(VALUES)) v.set(k, val);
    },
    true,
  );
  return w;
}

/** The real sops -d (../shared/tools/real-sops), or why it cannot run here. */
const SOPS_D = resolve(ROOT, "..", "shared", "tools", "real-sops", "sops-d.sh");
const realSops = (() => {
  if (!existsSync(SOPS_D))
    return { ok: false, why: `${SOPS_D} is absent (the shared folder is not beside the checkout)` };
  if (spawnSync("unshare", ["-n", "true"]).status !== 0)
    return { ok: false, why: "`unshare -n` is not allowed here (needs root)" };
  return { ok: true, why: "" };
})();
if (!realSops.ok) console.warn(`SKIPPED: real sops decrypting the k8s-secret export: ${realSops.why}`);

describe("export --format k8s-secret", () => {
  it("prints a v1 Secret: names as keys, base64 of each value, name and namespace as given", async () => {
    const w = await vault();
    const r = w.run(["export", "--format", "k8s-secret", "--name", "app", "--namespace", "prod"]);
    expect(r.code).toBe(0);
    const m = parse(r.stdout);
    expect(m).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "app", namespace: "prod" },
      type: "Opaque",
      data: Object.fromEntries(Object.entries(VALUES).map(([k, v]) => [k, b64(v)])),
    });
    expect(parse(r.stdout, { version: "1.1" }).data.yes).toBe(b64("1234"));
  });

  it("refuses a secret that loads code (pods load a Secret as environment through envFrom) unless --allow-name, with --encrypt too", async () => {
    const w = workspace();
    await writeVault(w.file, (v) => {
      v.set("API_TOKEN", "tok");
      v.set("NODE_OPTIONS", "--require /tmp/evil.js");
    });
    for (const extra of [[], ["--encrypt"]]) {
      const r = w.run(["export", "--format", "k8s-secret", "--name", "app", ...extra]);
      expect(r.stderr).toBe(
        "vaultfile: error: refusing to export NODE_OPTIONS: a variable that changes which code a program runs (Node.js)\nvaultfile: hint: pass --allow-name NODE_OPTIONS if that is what you mean (SECURITY.md lists these names)\n",
      );
      expect(r.code).toBe(6);
      expect(r.stdout).toBe("");
    }
    const allowed = w.run(["export", "--format", "k8s-secret", "--name", "app", "--allow-name", "NODE_OPTIONS"]);
    expect(allowed.code).toBe(0);
    expect(parse(allowed.stdout).data.NODE_OPTIONS).toBe(b64("--require /tmp/evil.js"));
  });

  it("names the Secret after the vault file by default, writes -o with mode 0600, and checks names", async () => {
    const w = await vault();
    const r = w.run(["export", "--format", "k8s-secret", "-o", "secret.yaml", "--only", "API_TOKEN"]);
    expect(r.code).toBe(0);
    expect(parse(readFileSync(join(w.dir, "secret.yaml"), "utf8")).metadata).toEqual({ name: "secrets" });
    expect(statSync(join(w.dir, "secret.yaml")).mode & 0o777).toBe(0o600);
    const bad = w.run(["export", "--format", "k8s-secret", "--name", "Bad_Name"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^vaultfile: error: --name "Bad_Name" is not a valid Kubernetes Secret name\n/);
    expect(w.run(["export", "--namespace", "prod"]).stderr).toMatch(
      /^vaultfile: error: --namespace is an option of --format k8s-secret\n/,
    );
  });

  it("--encrypt: a sops file with data encrypted to the vault's recipients under a new data key, metadata readable", async () => {
    const w = await vault();
    const r = w.run(["export", "--format", "k8s-secret", "--name", "app", "--encrypt"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const m = parse(r.stdout);
    expect(m).toMatchObject({ apiVersion: "v1", kind: "Secret", metadata: { name: "app" }, type: "Opaque" });
    expect(Object.keys(m.data)).toEqual(Object.keys(VALUES));
    for (const v of Object.values(m.data as Record<string, string>))
      expect(v).toMatch(/^ENC\[AES256_GCM,data:.*,type:str\]$/);
    expect(m.sops.encrypted_regex).toBe("^(data|stringData)$");
    expect(m.sops.age.map((a: { recipient: string }) => a.recipient).sort()).toEqual(
      [testKey("alice").recipient, testKey("bob").recipient].sort(),
    );
    // Flux's decryptor recognises a sops YAML file by this marker.
    expect(r.stdout).toContain("\n  mac: ENC[");
    for (const v of Object.values(VALUES)) {
      expect(r.stdout).not.toContain(v.trim());
      expect(r.stdout).not.toContain(b64(v));
    }
    // A new data key: the vault's wrapped keys are not reused.
    const vaultAge = parse(w.text()).sops.age.map((a: { enc: string }) => a.enc);
    for (const a of m.sops.age as { enc: string }[]) expect(vaultAge).not.toContain(a.enc);
    // vaultfile's own sops decryption (MAC verified) with bob's key gives back the plain manifest's data.
    writeFileSync(join(w.dir, "app.sops.yaml"), r.stdout);
    const d = w.run(["decrypt", "app.sops.yaml", "--output-type", "json"], {
      env: { VAULTFILE_AGE_KEY_FILE: testKey("bob").identityFile },
    });
    expect(d.code).toBe(0);
    expect(JSON.parse(d.stdout).data).toEqual(Object.fromEntries(Object.entries(VALUES).map(([k, v]) => [k, b64(v)])));
  });

  it.skipIf(!realSops.ok)(
    "--encrypt: the real sops decrypts it and verifies its MAC",
    async () => {
      const w = await vault();
      const r = w.run(["export", "--format", "k8s-secret", "--name", "app", "--namespace", "prod", "--encrypt"]);
      const file = join(tempDir(), "app.sops.yaml");
      writeFileSync(file, r.stdout);
      const out = spawnSync("bash", [SOPS_D, file, testKey("bob").identityFile], {
        encoding: "utf8",
        timeout: 120_000,
      });
      const res = JSON.parse(out.stdout.trim().split("\n").at(-1)!) as {
        ok: boolean;
        reason: string;
        secretString: string;
      };
      expect(res.reason ?? "").toBe("");
      expect(res.ok).toBe(true);
      const doc = JSON.parse(res.secretString);
      expect(doc).toEqual({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "app", namespace: "prod" },
        type: "Opaque",
        data: Object.fromEntries(Object.entries(VALUES).map(([k, v]) => [k, b64(v)])),
      });
    },
    180_000,
  );
});
