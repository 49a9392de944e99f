/** `vaultfile decrypt FILE`: prints any sops YAML file with age recipients decrypted, like `sops -d`. */
import { resolve } from "node:path";
import { ExitCode, UsageError, type ExitCodeValue } from "../../errors.js";
import { readTextFile } from "../../io/text-file.js";
import { SopsFile } from "../../sops/sops-file.js";
import { audit } from "../audit.js";
import { out, type CommandContext } from "../context.js";
import { findKeys } from "../vault-access.js";

const OUTPUT_TYPES = ["yaml", "json"] as const;

export async function decrypt(ctx: CommandContext, file: string, opts: { outputType?: string }): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const type = opts.outputType ?? (g.json ? "json" : "yaml");
  if (!(OUTPUT_TYPES as readonly string[]).includes(type)) throw new UsageError(`--output-type must be yaml or json, not ${JSON.stringify(type)}`);
  const path = resolve(io.cwd, file);
  const sf = await SopsFile.open(readTextFile(path), path, findKeys(g, io));
  const plain = sf.toPlain();
  const secrets = plain.secrets;
  audit(io, g, "decrypt", Object.keys(secrets !== null && typeof secrets === "object" && !Array.isArray(secrets) ? secrets : plain), path);
  // Integers beyond 2^53 stay exact as strings (JSON numbers would round them).
  if (type === "json") out(io, JSON.stringify(plain, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2));
  else io.stdout.write(sf.decryptedYaml());
  return ExitCode.ok;
}
