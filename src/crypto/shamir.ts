/**
 * Shamir's secret sharing over GF(2^8), byte for byte as sops's `shamir` package (vendored from HashiCorp Vault)
 * does it: the field of AES (x^8 + x^4 + x^3 + x + 1), one random polynomial per secret byte whose constant term is
 * that byte, and each share laid out as `y1 … yN x` (the share's x coordinate, never 0, as its last byte). sops
 * splits the data key this way when a file has several `key_groups`: each group's keys wrap one share, and
 * `shamir_threshold` of them give the data key back.
 *
 * The field arithmetic is done with shifts and masks, not log/exp tables, so that its timing does not depend on the
 * secret bytes (sops 3.10 fixed a timing leak in its table code, GHSA-vq4h-9ghm-qmrr); the results are the same.
 */
import { randomBytes } from "node:crypto";

/** a + b (and a - b) in GF(2^8). */
function add(a: number, b: number): number {
  return a ^ b;
}

/** a · b in GF(2^8), reduced by the AES polynomial; eight rounds whatever the inputs. */
function mult(a: number, b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) {
    r ^= -(b & 1) & a;
    const carry = -((a >> 7) & 1) & 0x1b;
    a = ((a << 1) & 0xff) ^ carry;
    b >>= 1;
  }
  return r & 0xff;
}

/** a^-1 in GF(2^8) as a^254 (square and multiply, constant time). `inverse(0)` is 0. */
function inverse(a: number): number {
  let result = 1;
  let base = a;
  for (let e = 254; e > 0; e >>= 1) {
    if (e & 1) result = mult(result, base);
    base = mult(base, base);
  }
  return result;
}

function div(a: number, b: number): number {
  if (b === 0) throw new Error("shamir: divide by zero");
  return mult(a, inverse(b));
}

/** The polynomial with these coefficients (constant term first) at x, by Horner's method. */
function evaluate(coefficients: Uint8Array, x: number): number {
  let out = coefficients[coefficients.length - 1]!;
  for (let i = coefficients.length - 2; i >= 0; i--) out = add(mult(out, x), coefficients[i]!);
  return out;
}

/** Lagrange interpolation of the samples at x = 0. */
function interpolateAtZero(xs: readonly number[], ys: readonly number[]): number {
  let result = 0;
  for (let i = 0; i < xs.length; i++) {
    let basis = 1;
    for (let j = 0; j < xs.length; j++) {
      if (i === j) continue;
      basis = mult(basis, div(xs[j]!, add(xs[i]!, xs[j]!)));
    }
    result = add(result, mult(ys[i]!, basis));
  }
  return result;
}

/**
 * Splits `secret` into `parts` shares, any `threshold` of which give it back (sops's `shamir.Split`). Each share is
 * one byte longer than the secret. The x coordinates are distinct and random, as in sops.
 * @throws Error when `threshold < 2`, `parts < threshold`, `parts > 255` or the secret is empty.
 */
export function split(secret: Uint8Array, parts: number, threshold: number): Uint8Array[] {
  if (parts < threshold) throw new Error("shamir: parts cannot be less than threshold");
  if (parts > 255) throw new Error("shamir: parts cannot exceed 255");
  if (threshold < 2) throw new Error("shamir: threshold must be at least 2");
  if (secret.length === 0) throw new Error("shamir: cannot split an empty secret");
  const xs = randomPermutation(255)
    .slice(0, parts)
    .map((x) => x + 1);
  const out = xs.map((x) => {
    const share = new Uint8Array(secret.length + 1);
    share[secret.length] = x;
    return share;
  });
  for (let idx = 0; idx < secret.length; idx++) {
    const coefficients = new Uint8Array(randomBytes(threshold));
    coefficients[0] = secret[idx]!;
    for (let i = 0; i < parts; i++) out[i]![idx] = evaluate(coefficients, xs[i]!);
  }
  return out;
}

/**
 * Rebuilds a secret from at least two shares (sops's `shamir.Combine`). With fewer shares than the threshold the
 * result is wrong, not an error: the caller authenticates it (sops: the MAC, and each value's GCM tag).
 * @throws Error when fewer than two shares are given, they differ in length, or two share an x coordinate.
 */
export function combine(shares: readonly Uint8Array[]): Uint8Array {
  if (shares.length < 2) throw new Error("shamir: less than two parts cannot be used to reconstruct the secret");
  const len = shares[0]!.length;
  if (len < 2) throw new Error("shamir: parts must be at least two bytes");
  if (shares.some((s) => s.length !== len)) throw new Error("shamir: all parts must be the same length");
  const xs = shares.map((s) => s[len - 1]!);
  if (new Set(xs).size !== xs.length) throw new Error("shamir: duplicate part detected");
  const secret = new Uint8Array(len - 1);
  for (let idx = 0; idx < secret.length; idx++) {
    secret[idx] = interpolateAtZero(
      xs,
      shares.map((s) => s[idx]!),
    );
  }
  return secret;
}

/** A uniformly random permutation of 0 … n-1 (Fisher–Yates with rejection sampling). */
function randomPermutation(n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const limit = 256 - (256 % (i + 1));
    let r: number;
    do r = randomBytes(1)[0]!;
    while (r >= limit);
    const j = r % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}
