/**
 * The Kubernetes Secret manifest of `k8s.ts`, sops-encrypted: what `sops --encrypt --encrypted-regex
 * '^(data|stringData)$' --age …` makes of it, and what Flux's kustomize-controller (and `sops -d`) decrypts. The
 * `data` values (the base64 text) are encrypted with a fresh data key wrapped for each recipient; `apiVersion`,
 * `kind` and `metadata` stay readable and are covered by the MAC. The sops engine does the encryption, MAC and
 * printing, so the file is the same format as a vault; its `mac: ENC[` line is what Flux looks for.
 */
import { Scalar, YAMLMap } from "yaml";
import { SopsFile } from "../sops/sops-file.js";
import { checkK8sMetadata, k8sData, type K8sSecretOptions } from "./k8s.js";

/** sops's rule for Kubernetes Secrets, as Flux's documentation writes it. */
export const K8S_ENCRYPTED_REGEX = "^(data|stringData)$";

export interface K8sSopsOptions extends K8sSecretOptions {
  /** age recipients (`age1…`) to wrap the new data key for: the vault's. */
  recipients: readonly string[];
  /** `sops.lastmodified`. */
  now: Date;
}

/** Double-quoted, so that YAML 1.1 readers (sigs.k8s.io/yaml) never take a `yes` or `null` key for a non-string. */
const q = (s: string): Scalar => Object.assign(new Scalar(s), { type: Scalar.QUOTE_DOUBLE });

/** The sops-encrypted manifest as YAML text. */
export async function toK8sSecretSops(env: Readonly<Record<string, string>>, opts: K8sSopsOptions): Promise<string> {
  checkK8sMetadata(opts);
  const data = k8sData(env);
  const nodes: [string, Scalar][] = [];
  const sf = await SopsFile.create(
    "<kubernetes secret>",
    opts.recipients,
    { encryptedRegex: K8S_ENCRYPTED_REGEX },
    (doc) => {
      const root = doc.contents as YAMLMap;
      root.set("apiVersion", "v1");
      root.set("kind", "Secret");
      const meta = new YAMLMap();
      meta.set("name", q(opts.name));
      if (opts.namespace !== undefined) meta.set("namespace", q(opts.namespace));
      root.set("metadata", meta);
      root.set("type", "Opaque");
      const map = new YAMLMap();
      for (const [k] of data) {
        const node = new Scalar("");
        map.items.push(doc.createPair(q(k), node));
        nodes.push([k, node]);
      }
      root.set("data", map);
    },
  );
  const values = new Map(data);
  for (const [k, node] of nodes) sf.setEncryptedString(node, ["data", k], values.get(k)!);
  return sf.serialize(opts.now);
}
