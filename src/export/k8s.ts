/**
 * A Kubernetes `v1` `Secret` manifest: the secrets' names as keys of `data`, each value base64 of its UTF-8 bytes,
 * as the API server stores them. Every scalar is double-quoted, so that no key or value (`null`, `true`, `0123`,
 * base64 text such as `1234`) can be read by a YAML 1.1 or 1.2 parser as anything but the string it is.
 */
import { InvalidInputError, UsageError } from "../errors.js";

/** Keys of a Secret's `data` (Kubernetes' IsConfigMapKey). */
export const K8S_KEY_RE = /^[-._a-zA-Z0-9]+$/;
/** A DNS subdomain (RFC 1123), which a Secret's name must be. */
const DNS_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A DNS label (RFC 1123), which a namespace must be. */
const DNS_LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export interface K8sSecretOptions {
  /** `metadata.name`: a DNS subdomain of at most 253 characters. */
  name: string;
  /** `metadata.namespace`: a DNS label of at most 63 characters; omitted when undefined. */
  namespace?: string | undefined;
}

/** Throws unless `key` can be a key of a Secret's `data`. */
export function checkK8sKey(key: string): void {
  if (!K8S_KEY_RE.test(key) || key.length > 253 || key === "." || key === ".." || key.startsWith("..")) {
    throw new InvalidInputError("E_NAME", `cannot export ${JSON.stringify(key)} as a Kubernetes Secret key`, {
      hint: "keys of a Secret's data must match [-._a-zA-Z0-9]+ (at most 253 characters, not . or ..)",
    });
  }
}

/** Throws a usage error unless `name` and `namespace` are valid Kubernetes object names. */
export function checkK8sMetadata(opts: K8sSecretOptions): void {
  if (opts.name.length > 253 || !DNS_SUBDOMAIN_RE.test(opts.name)) {
    throw new UsageError(`--name ${JSON.stringify(opts.name)} is not a valid Kubernetes Secret name`, {
      hint: "lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. --name release-secrets)",
    });
  }
  if (opts.namespace !== undefined && (opts.namespace.length > 63 || !DNS_LABEL_RE.test(opts.namespace))) {
    throw new UsageError(`--namespace ${JSON.stringify(opts.namespace)} is not a valid Kubernetes namespace`, {
      hint: "at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit",
    });
  }
}

/**
 * The default Secret name for a vault file's base name: `.secrets.yaml` → `secrets`, `.secrets.prod.yaml` →
 * `secrets.prod`, `deploy_vault.yml` → `deploy-vault`; `undefined` when nothing valid is left.
 */
export function defaultK8sName(fileBaseName: string): string | undefined {
  const n = fileBaseName
    .replace(/\.ya?ml$/i, "")
    .replace(/^\.+/, "")
    .toLowerCase()
    .replace(/_/g, "-");
  return n.length <= 253 && DNS_SUBDOMAIN_RE.test(n) ? n : undefined;
}

/** The `data` map: each key checked, each value base64 of its UTF-8 bytes, in order. */
export function k8sData(env: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(env).map(([k, v]) => {
    checkK8sKey(k);
    return [k, Buffer.from(v, "utf8").toString("base64")];
  });
}

const q = (s: string): string => JSON.stringify(s);

/** The manifest as YAML text. */
export function toK8sSecret(env: Readonly<Record<string, string>>, opts: K8sSecretOptions): string {
  checkK8sMetadata(opts);
  const data = k8sData(env);
  const lines = ["apiVersion: v1", "kind: Secret", "metadata:", `  name: ${q(opts.name)}`];
  if (opts.namespace !== undefined) lines.push(`  namespace: ${q(opts.namespace)}`);
  lines.push("type: Opaque");
  if (data.length === 0) lines.push("data: {}");
  else lines.push("data:", ...data.map(([k, v]) => `  ${q(k)}: ${q(v)}`));
  return lines.join("\n") + "\n";
}
