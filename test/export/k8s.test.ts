import fc from "fast-check";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { checkK8sKey, defaultK8sName, toK8sSecret } from "../../src/export/k8s.js";
import { envArb, errorOf, RUNS } from "./arbitraries.js";

/** What the API server and kubectl read: YAML 1.2 (sigs.k8s.io/yaml via go-yaml) and, for old tools, YAML 1.1. */
const readers = {
  "1.2": (t: string) => parse(t, { version: "1.2" }),
  "1.1": (t: string) => parse(t, { version: "1.1" }),
};

describe("Kubernetes Secret manifest", () => {
  it("is a v1 Secret whose data is base64 of each value, names as keys, in order", () => {
    const env = { PYPI_TOKEN: "pypi-AgEI", MULTI: "line1\nline2\n", EMOJI: "☃😀" };
    const text = toK8sSecret(env, { name: "release-secrets", namespace: "ci" });
    for (const read of Object.values(readers)) {
      const m = read(text);
      expect(m).toMatchObject({
        apiVersion: "v1",
        kind: "Secret",
        type: "Opaque",
        metadata: { name: "release-secrets", namespace: "ci" },
      });
      expect(Object.keys(m.data)).toEqual(Object.keys(env));
      expect(
        Object.fromEntries(
          Object.entries(m.data as Record<string, string>).map(([k, v]) => [
            k,
            Buffer.from(v, "base64").toString("utf8"),
          ]),
        ),
      ).toEqual(env);
    }
    expect(toK8sSecret({}, { name: "x" })).toBe(
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: "x"\ntype: Opaque\ndata: {}\n',
    );
  });

  it("round-trips any values and names through both YAML versions (keys like null, yes, 1234 stay strings)", () => {
    const tricky = fc.constantFrom("null", "true", "yes", "on", "No", "_1234", "y", "NULL");
    const env = fc
      .tuple(envArb(), fc.uniqueArray(tricky, { maxLength: 4 }))
      .map(([e, keys]) => ({ ...e, ...Object.fromEntries(keys.map((k) => [k, "1234"])) }));
    fc.assert(
      fc.property(env, (e) => {
        const text = toK8sSecret(e, { name: "s" });
        for (const read of Object.values(readers)) {
          const data = (read(text).data ?? {}) as Record<string, unknown>;
          expect(Object.keys(data)).toEqual(Object.keys(e));
          for (const [k, v] of Object.entries(e)) {
            expect(typeof data[k]).toBe("string");
            expect(Buffer.from(data[k] as string, "base64").toString("utf8")).toBe(v);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("checks Kubernetes' key charset and object names", () => {
    expect(() => checkK8sKey("a-b.c_D9")).not.toThrow();
    for (const bad of ["a b", "a/b", ".", "..", "..x", "é", ""])
      expect(errorOf(() => checkK8sKey(bad)).message).toContain("as a Kubernetes Secret key");
    expect(errorOf(() => toK8sSecret({ A: "1" }, { name: "Bad_Name" })).message).toContain(
      "not a valid Kubernetes Secret name",
    );
    expect(errorOf(() => toK8sSecret({ A: "1" }, { name: "ok", namespace: "a.b" })).message).toContain(
      "not a valid Kubernetes namespace",
    );
  });

  it("derives a default name from the vault file", () => {
    expect(defaultK8sName(".secrets.yaml")).toBe("secrets");
    expect(defaultK8sName(".secrets.prod.yaml")).toBe("secrets.prod");
    expect(defaultK8sName("Deploy_Vault.yml")).toBe("deploy-vault");
    expect(defaultK8sName("☃.yaml")).toBeUndefined();
  });
});
