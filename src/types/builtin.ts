/**
 * The built-in catalogue. Token shapes follow each provider's published format; rotation periods are a sensible
 * default for a release credential (the provider's own maximum where it has one), applied only when a new secret
 * is given none. README "Types" documents the same table: keep them in step.
 */
import {
  anyOf,
  anyValue,
  minLengthCheck,
  noSpaceCheck,
  pemCheck,
  tokenCheck,
  trimmedCheck,
  urlCheck,
} from "./checks.js";
import type { SecretRole, SecretType } from "./definition.js";

/** The shortest password the `password` type accepts. */
export const MIN_PASSWORD_LENGTH = 12;

const builtin = (
  t: Omit<SecretType, "source" | "roles" | "companions"> & Partial<Pick<SecretType, "roles">>,
): SecretType => ({ source: "builtin", roles: [], companions: [], ...t });

const GITHUB_CLASSIC = /^gh[pousr]_[A-Za-z0-9]{36}$/;
const GITHUB_FINE_GRAINED = /^github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}$/;
const DOCKER_PAT = /^dckr_pat_[A-Za-z0-9_-]{27,}$/;

const dockerRoles: SecretRole[] = [
  { id: "username", suffixes: ["_USERNAME", "_USER", "_LOGIN"], check: noSpaceCheck, identifier: true },
  {
    id: "password",
    suffixes: ["_PASSWORD", "_TOKEN", "_PAT", "_PASS"],
    // A Docker Hub access token has a known shape; any other password is only checked for pasted whitespace.
    check: (v) =>
      v.startsWith("dckr_pat_")
        ? tokenCheck(DOCKER_PAT, "a Docker access token: dckr_pat_ and at least 27 letters, digits, - or _")(v)
        : trimmedCheck(v),
  },
];

const awsRoles: SecretRole[] = [
  {
    id: "access-key-id",
    suffixes: ["_ACCESS_KEY_ID", "_KEY_ID"],
    check: tokenCheck(
      /^(AKIA|ASIA)[A-Z0-9]{16}$/,
      "an access key id: AKIA or ASIA and 16 upper-case letters or digits",
    ),
    identifier: true,
  },
  {
    id: "secret-access-key",
    suffixes: ["_SECRET_ACCESS_KEY", "_SECRET_KEY"],
    check: tokenCheck(/^[A-Za-z0-9/+]{40}$/, "a secret access key: 40 letters, digits, / or +"),
  },
  { id: "session-token", suffixes: ["_SESSION_TOKEN"], check: noSpaceCheck, optional: true },
];

/** The built-in types, in the order `vaultfile type list` shows them. */
export const BUILTIN_TYPES: readonly SecretType[] = [
  builtin({
    id: "pypi",
    description: "PyPI API token (pypi- and a base64url body)",
    check: tokenCheck(/^pypi-[A-Za-z0-9_-]+$/, "a PyPI API token: pypi- and a base64url body"),
    rotateEvery: "365d",
    rotateAt: "https://pypi.org/manage/account/token/",
    generate: null,
  }),
  builtin({
    id: "npm",
    description: "npm access token (npm_ and 36 letters or digits)",
    check: tokenCheck(/^npm_[A-Za-z0-9]{36}$/, "an npm token: npm_ and 36 letters or digits"),
    rotateEvery: "90d",
    rotateAt: "https://www.npmjs.com/settings/<user>/tokens (Generate New Token)",
    generate: null,
  }),
  builtin({
    id: "github",
    description: "GitHub token (ghp_, gho_, ghu_, ghs_, ghr_ and 36 characters, or github_pat_…)",
    check: anyOf(
      tokenCheck(
        GITHUB_CLASSIC,
        "a GitHub token: ghp_, gho_, ghu_, ghs_ or ghr_ and 36 letters or digits, or github_pat_, 22 letters or digits, _ and 59 more",
      ),
      tokenCheck(GITHUB_FINE_GRAINED, "a fine-grained GitHub token"),
    ),
    rotateEvery: "90d",
    rotateAt: "https://github.com/settings/personal-access-tokens",
    generate: null,
  }),
  builtin({
    id: "docker",
    description: "registry credentials: *_USERNAME (or _USER, _LOGIN) with *_PASSWORD (or _TOKEN, _PAT, _PASS)",
    check: anyOf(...dockerRoles.map((r) => r.check)),
    roles: dockerRoles,
    rotateEvery: "180d",
    rotateAt: "https://app.docker.com/settings/personal-access-tokens (Docker Hub), or your registry's settings",
    generate: null,
  }),
  builtin({
    id: "aws",
    description:
      "AWS access key: *_ACCESS_KEY_ID (AKIA/ASIA…) with *_SECRET_ACCESS_KEY (40 characters), optional *_SESSION_TOKEN",
    check: anyOf(...awsRoles.map((r) => r.check)),
    roles: awsRoles,
    rotateEvery: "90d",
    rotateAt:
      "https://console.aws.amazon.com/iam/home#/security_credentials (or `aws iam create-access-key`), then delete the old key",
    generate: null,
  }),
  builtin({
    id: "password",
    description: `a password of at least ${MIN_PASSWORD_LENGTH} characters`,
    check: minLengthCheck(MIN_PASSWORD_LENGTH),
    rotateEvery: "180d",
    rotateAt: "the account's own settings, with a new value from `vaultfile rotate {name} --generate`",
    generate: "alnum:32",
  }),
  builtin({
    id: "pem",
    description: "PEM key or certificate (each block must parse)",
    check: pemCheck,
    multiLine: true,
    rotateEvery: "365d",
    rotateAt: "reissue the key or certificate with the tool or authority that made it",
    generate: null,
  }),
  builtin({
    id: "url",
    description: "a URL that parses, credentials allowed (webhooks, connection strings)",
    check: urlCheck,
    rotateEvery: null,
    rotateAt: "regenerate the URL at the service that issued it",
    generate: null,
  }),
  builtin({
    id: "generic",
    description: "anything (the default type): no check",
    check: anyValue,
    rotateEvery: null,
    rotateAt: null,
    generate: null,
  }),
];
