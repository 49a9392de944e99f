/**
 * `vaultfile recipients list | add NAME age1… | remove NAME`: who can open the vault. `add` wraps the data key for
 * one more key; `remove` rolls the data key, re-encrypts every value, and names the secrets the removed holder could
 * read, because they still know those values: rotate them at their source.
 */
import type { Command } from "commander";
import { InvalidInputError, UsageError } from "../../errors.js";
import { audit } from "../audit.js";
import { globalsOf, note, out, type CliIO } from "../context.js";
import { countOf, painter, table } from "../output.js";
import { changeVault, myPublicKeys, readVault } from "../vault-access.js";

export function register(program: Command, io: CliIO): void {
  const group = program
    .command("recipients")
    .description("list, add or remove who can decrypt the vault")
    .addHelpText("after", "\nExamples:\n  vaultfile recipients list\n  vaultfile recipients add ci age1…\n  vaultfile recipients remove bob");

  const list = group
    .command("list", { isDefault: true })
    .description("show each recipient's name and public key; yours are marked")
    .addHelpText("after", "\nExamples:\n  vaultfile recipients list\n  vaultfile recipients list --json")
    .action(async () => {
      const g = globalsOf(list, io);
      const vault = await readVault(g, io);
      const mine = await myPublicKeys(g, io);
      const rows = Object.entries(vault.recipients()).map(([name, key]) => ({ name, recipient: key, you: mine.has(key) }));
      audit(io, g, "recipients list", []);
      if (g.json) return out(io, JSON.stringify(rows, null, 2));
      const p = painter(g.color);
      for (const line of table([["NAME", "PUBLIC KEY", ""].map(p.bold), ...rows.map((r) => [r.name, r.recipient, r.you ? p.green("(you)") : ""])])) out(io, line);
    });

  const add = group
    .command("add")
    .description("let another age key open the vault (wraps the data key for it)")
    .argument("<name>", "a name for the key holder: alice, ci, …")
    .argument("<recipient>", "their public key, age1… (from `vaultfile keygen` or `age-keygen -y`)")
    .addHelpText("after", "\nOnly the recipients list and the sops.age block change; values keep their ciphertext.\n\nExamples:\n  vaultfile recipients add ci age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p")
    .action(async (name: string, recipient: string) => {
      const g = globalsOf(add, io);
      refuseSecretKey(recipient);
      await changeVault(g, io, (v) => v.addRecipient(name, recipient));
      audit(io, g, "recipients add", [name]);
      io.stderr.write(`added recipient ${name}; commit the file so they can open it\n`);
    });

  const remove = group
    .command("remove")
    .description("stop a key from opening future versions: new data key, every value re-encrypted")
    .argument("<name>", "the recipient's name (see `recipients list`)")
    .option("--force", "remove even your own key, although you can then no longer open the vault")
    .addHelpText(
      "after",
      "\nThe removed holder can still read old versions from git history and already knows the values: the command\n" +
        "lists the secrets they could read, so you can rotate them at their source.\n\nExamples:\n  vaultfile recipients remove bob",
    )
    .action(async (name: string, opts: { force?: boolean }) => {
      const g = globalsOf(remove, io);
      const mine = await myPublicKeys(g, io);
      const exposed = await changeVault(g, io, (v) => {
        const rec = v.recipients();
        const key = rec[name];
        const keepsOne = Object.entries(rec).some(([n, k]) => n !== name && mine.has(k));
        if (key !== undefined && mine.has(key) && !keepsOne && !opts.force) {
          throw new UsageError(`${name} is your key: after removing it you could no longer open the vault`, { hint: "ask another recipient to remove you, or pass --force" });
        }
        return v.removeRecipient(name);
      });
      audit(io, g, "recipients remove", [name]);
      io.stderr.write(`removed recipient ${name}; the data key was replaced and every value re-encrypted\n`);
      if (exposed.length > 0) {
        note(io, "warning", `${name} could read ${countOf(exposed.length, "secret")} and may still know them: ${exposed.join(", ")}`);
        note(io, "hint", "rotate them at their source, then `vaultfile rotate NAME` for each");
      }
      if (g.json) out(io, JSON.stringify({ removed: name, exposed }));
    });
}

/** A private key pasted where its public key belongs: refused by what it is, without repeating any of it. */
function refuseSecretKey(recipient: string): void {
  if (/^\s*AGE-SECRET-KEY-/i.test(recipient)) {
    throw new InvalidInputError("E_RECIPIENT", "that is a secret key; pass its public key (age1…)", {
      hint: "the key file's `# public key:` line has it; keep the secret key itself private (replace it if it was shared)",
    });
  }
}
