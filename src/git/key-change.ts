/**
 * Whether a vault version's data key differs from the version before it, and whether the change carries custody
 * (`crypto/custody.ts`): what `git textconv` shows a reviewer as `data_key: …`. With a key that opens both versions
 * the proof is checked; otherwise only the change is visible (every recipient's wrapped key differs).
 */
import { timingSafeEqual } from "node:crypto";
import type { KeySearch } from "../crypto/key-search.js";
import { SopsFile } from "../sops/sops-file.js";
import { readCustody } from "../vault/custody.js";
import type { ParentVersion, UnknownParent } from "./parent-version.js";
import { VersionText } from "./vault-view.js";

const SAME_KEY_PURPOSE = "vaultfile custody same-key check v1";

/** Whether two files share a data key (compared through a derived sub-key; the keys never leave the engine). */
export function sameDataKey(a: SopsFile, b: SopsFile): boolean {
  return timingSafeEqual(a.deriveKey(SAME_KEY_PURPOSE), b.deriveKey(SAME_KEY_PURPOSE));
}

/**
 * The version before as textconv has it: its text (parsed at most once), `null` when there is none, unknown, or
 * `undefined` when no lookup was asked for.
 */
export type VersionBefore = VersionText | null | UnknownParent | undefined;

/**
 * `replaced (proof ok)` / `replaced (NO PROOF)` when `self` (opened from `source`) has another data key than `parent`; the
 * keyless verdict when `keys` do not open `parent`; `unknown (…)` when the version before cannot be told; `undefined`
 * when the key did not change, the file was added, or no lookup was asked for.
 */
export async function keyedChange(
  self: SopsFile,
  source: VersionText,
  parent: VersionBefore,
  keys: KeySearch,
): Promise<string | undefined> {
  if (parent === null || parent === undefined) return undefined;
  if (!(parent instanceof VersionText)) return unknownChange(parent.unknown);
  let before: SopsFile;
  try {
    before = await SopsFile.open(parent.text, parent.file, keys, { parsed: parent.doc() });
  } catch {
    return keylessChange(source, parent, "your key does not open the version before");
  }
  if (sameDataKey(before, self)) return undefined;
  return self.custodyFrom(before, readCustody(self.doc.contents)) ? "replaced (proof ok)" : "replaced (NO PROOF)";
}

/**
 * Without a key: `changed (…)` when every recipient both versions share has a different wrapped key (a new data
 * key is wrapped anew for everyone; adding a recipient leaves the others' byte for byte). Reads both versions'
 * views, so it runs before the caller changes `source`'s tree. Never throws.
 */
export function keylessChange(
  source: VersionText | undefined,
  parent: VersionBefore,
  why = "no key to check its proof",
): string | undefined {
  if (parent === null || parent === undefined) return undefined;
  if (!(parent instanceof VersionText)) return unknownChange(parent.unknown);
  if (source === undefined || parent.text === source.text) return undefined;
  try {
    const [now, then] = [source.view().meta.age, parent.view().meta.age];
    const common = now.filter((a) => then.some((b) => b.recipient === a.recipient));
    if (now.length === 0 || then.length === 0) return undefined;
    if (common.length === 0) return `changed (no recipient in common; ${why})`;
    if (common.every((a) => then.find((b) => b.recipient === a.recipient)?.enc !== a.enc))
      return `changed (all recipients' enc blobs differ; ${why})`;
  } catch {
    // an unreadable version: nothing to tell
  }
  return undefined;
}

/** The version before for {@link keyedChange}: its text (to be parsed at most once), else as it is. */
export function versionBefore(parent: ParentVersion | undefined): VersionBefore {
  return typeof parent === "string" ? new VersionText(parent, "the version before") : parent;
}

/** A version whose parent cannot be told: said, never left out (a hidden marker is what a forger wants). No `: `, so YAML prints it plain. */
function unknownChange(why: string): string {
  return `unknown (cannot tell the version before, ${why}; vaultfile history --verify checks it)`;
}
