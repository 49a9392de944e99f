import { describe, expect, it } from "vitest";
import { parseIdentities } from "../../src/crypto/identities.js";
import { InvalidIdentityError } from "../../src/errors.js";

/** What parseIdentities says about text that is not a private key, e.g. a public key passed to `-i` by mistake. */
function problemOf(text: string): string {
  try {
    parseIdentities(text, "KEY");
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidIdentityError);
    return (e as Error).message;
  }
  throw new Error("parsed");
}

describe("parseIdentities names what a public key is", () => {
  it("an age recipient", () => {
    expect(problemOf("age1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs3290gq")).toBe(
      "invalid age identity in KEY (line 1): that is a public key (age1…), not an identity",
    );
  });

  it("an SSH .pub line, without echoing it", () => {
    for (const pub of [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH carol@laptop",
      "ssh-rsa AAAAB3NzaC1yc2EAAAADAQAB x",
      "ecdsa-sha2-nistp256 AAAAE2V x",
    ]) {
      const message = problemOf(`# mine\n${pub}\n`);
      expect(message).toBe(
        "invalid age identity in KEY (line 2): that is an SSH public key (.pub), not its private key",
      );
      expect(message).not.toContain("AAAA");
    }
  });
});
