/** `vaultfile decrypt FILE`: prints any sops YAML file with age recipients decrypted, like `sops -d`. */
import { resolve } from "node:path";
import type { Command } from "commander";
import { UsageError } from "../../errors.js";
import { readTextFile } from "../../io/text-file.js";
import { SopsFile } from "../../vault/sops-file.js";
import { audit } from "../audit.js";
import { globalsOf, out, type CliIO } from "../context.js";
import { findKeys } from "../vault-access.js";

const OUTPUT_TYPES = ["yaml", "json"] as const;

export function register(program: Command, io: CliIO): void {
  const cmd = program
    .command("decrypt")
    .description("print a sops YAML file (any, not only a vault) decrypted, after checking its MAC")
    .argument("<file>", "a sops-encrypted YAML file with age recipients")
    .option("--output-type <type>", "yaml (comments and order kept, no sops block) or json", undefined)
    .addHelpText(
      "after",
      "\nThe output holds every secret in clear: print it to a terminal or a pipe, not to a file you might commit.\n" +
        "Exit non-zero on any failure (no key, MAC mismatch, damaged value). --json implies --output-type json.\n\n" +
        "Examples:\n  vaultfile decrypt secrets.enc.yaml\n  vaultfile decrypt .secrets.yaml --output-type json | jq .secrets",
    )
    .action(async (file: string, opts: { outputType?: string }) => {
      const g = globalsOf(cmd, io);
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
    });
}
