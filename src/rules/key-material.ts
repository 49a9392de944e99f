/**
 * Paths and program names that came from a key variable (`SOPS_AGE_KEY_FILE`, `VAULTFILE_AGE_KEY_CMD`, `-i`, …)
 * are shown to a person only through {@link shownKeySource}: a key pasted into the variable meant for its path is a
 * common slip, and the "cannot read" or "command not found" line would otherwise print the key, into a CI log.
 */
import { shown } from "./text-safety.js";

/**
 * What key material looks like: an age identity or plugin identity (any case: bech32 is case-insensitive), a PEM or
 * OpenSSH armour line, or a long run of base64 or bech32 characters (a key body, a key without its prefix). No file
 * or program name has 40 letters and digits in a row.
 */
const KEY_MATERIAL = /AGE-SECRET-KEY-|AGE-PLUGIN-|-----BEGIN|[A-Za-z0-9+=]{40,}/i;

/** Whether `text` holds something that looks like key material (see {@link KEY_MATERIAL}). */
export function looksLikeKeyMaterial(text: string): boolean {
  return KEY_MATERIAL.test(text);
}

/** What is shown in place of text that looks like key material. */
export const REDACTED_KEY_SOURCE = "<not shown: it looks like a key>";

/**
 * A path or command from a key source, as it may be printed: {@link REDACTED_KEY_SOURCE} when it looks like key
 * material, else the text with control characters escaped ({@link shown}).
 */
export function shownKeySource(text: string): string {
  return looksLikeKeyMaterial(text) ? REDACTED_KEY_SOURCE : shown(text);
}
