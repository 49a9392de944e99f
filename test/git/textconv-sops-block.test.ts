/**
 * `git diff` through textconv hides each sops.age item's enc (it says nothing to a person), so a pull request that
 * moves them between items must show in the review view some other way: as `age_items`, under the labels.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseIdentities } from "../../src/crypto/identities.js";
import { textconv } from "../../src/git/textconv.js";
import { FIXTURES, testKey } from "../helpers.js";

const keys = { identities: parseIdentities(testKey("alice").secret, "$VAULTFILE_AGE_KEY"), searched: [] };
const corpus = (name: string): string => readFileSync(join(FIXTURES, "invalid", name), "utf8");

describe("textconv of the sops block", () => {
  it("names an age item whose enc opens with your key under another's label", async () => {
    const view = await textconv(corpus("swapped-age-enc.yaml"), "v.yaml", { keys });
    expect(view).toContain(
      `  age_items: "item 2 is labelled for ${testKey("bob").recipient} but opens with your key ${testKey("alice").recipient}: its enc was swapped or copied"\n`,
    );
    expect(view).toContain("  mac: verified\n");
  });

  it("says nothing of the kind for the untouched file", async () => {
    expect(await textconv(corpus("base.yaml"), "v.yaml", { keys })).not.toContain("age_items");
  });
});
