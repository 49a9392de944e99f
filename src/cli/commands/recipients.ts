/**
 * `vaultfile recipients list | add NAME age1… | remove NAME`: who can open the vault. `add` wraps the data key for
 * one more key; `remove` rolls the data key, re-encrypts every value, and names the secrets the removed holder could
 * read, because they still know those values: rotate them at their source.
 */
import { ExitCode, InvalidInputError, UsageError, type ExitCodeValue } from "../../errors.js";
import { audit } from "../audit.js";
import { note, out, type CommandContext } from "../context.js";
import { countOf, painter, table } from "../output.js";
import { changeVault, myPublicKeys, readVault } from "../vault-access.js";

export async function listRecipients(ctx: CommandContext): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const vault = await readVault(g, io);
  const mine = await myPublicKeys(g, io);
  const rows = Object.entries(vault.recipients()).map(([name, key]) => ({ name, recipient: key, you: mine.has(key) }));
  audit(io, g, "recipients list", []);
  if (g.json) {
    out(io, JSON.stringify(rows, null, 2));
    return ExitCode.ok;
  }
  const p = painter(g.color);
  for (const line of table([
    ["NAME", "PUBLIC KEY", ""].map(p.bold),
    ...rows.map((r) => [r.name, r.recipient, r.you ? p.green("(you)") : ""]),
  ]))
    out(io, line);
  return ExitCode.ok;
}

export async function addRecipient(ctx: CommandContext, name: string, recipient: string): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  refuseSecretKey(recipient);
  await changeVault(g, io, (v) => v.addRecipient(name, recipient));
  audit(io, g, "recipients add", [name]);
  io.stderr.write(`added recipient ${name}; commit the file so they can open it\n`);
  return ExitCode.ok;
}

export async function removeRecipient(
  ctx: CommandContext,
  name: string,
  opts: { force?: boolean },
): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const mine = await myPublicKeys(g, io);
  const exposed = await changeVault(g, io, (v) => {
    const rec = v.recipients();
    const key = rec[name];
    const keepsOne = Object.entries(rec).some(([n, k]) => n !== name && mine.has(k));
    if (key !== undefined && mine.has(key) && !keepsOne && !opts.force) {
      throw new UsageError(`${name} is your key: after removing it you could no longer open the vault`, {
        hint: "ask another recipient to remove you, or pass --force",
      });
    }
    return v.removeRecipient(name);
  });
  audit(io, g, "recipients remove", [name]);
  io.stderr.write(`removed recipient ${name}; the data key was replaced and every value re-encrypted\n`);
  if (exposed.length > 0) {
    note(
      io,
      "warning",
      `${name} could read ${countOf(exposed.length, "secret")} and may still know them: ${exposed.join(", ")}`,
    );
    note(
      io,
      "hint",
      "rotate them at their source, then `vaultfile rotate NAME` for each; `vaultfile status` shows them as EXPOSED until then",
    );
  }
  if (g.json) out(io, JSON.stringify({ removed: name, exposed }));
  return ExitCode.ok;
}

/** A private key pasted where its public key belongs: refused by what it is, without repeating any of it. */
function refuseSecretKey(recipient: string): void {
  if (/^\s*AGE-SECRET-KEY-/i.test(recipient)) {
    throw new InvalidInputError("E_RECIPIENT", "that is a secret key; pass its public key (age1…)", {
      hint: "the key file's `# public key:` line has it; keep the secret key itself private (replace it if it was shared)",
    });
  }
}
