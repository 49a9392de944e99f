/** `vaultfile decrypt FILE`: prints any sops YAML file with age keys decrypted, as `sops -d` prints it. */
import { resolve } from "node:path";
import { ExitCode, StaleSealError, UsageError, type ExitCodeValue } from "../../errors.js";
import type { PlainMap } from "../../format/plain-tree.js";
import { readTextFile } from "../../io/text-file.js";
import { audit } from "../audit.js";
import { note, type CommandContext } from "../context.js";
import { findKeys } from "../vault-access.js";

const OUTPUT_TYPES = ["yaml", "json"] as const;

export async function decrypt(
  ctx: CommandContext,
  file: string,
  opts: { outputType?: string; acceptStaleSeal?: boolean },
): Promise<ExitCodeValue> {
  const { io, globals: g } = ctx;
  const type = opts.outputType ?? (g.json ? "json" : "yaml");
  if (!(OUTPUT_TYPES as readonly string[]).includes(type))
    throw new UsageError(`--output-type must be yaml or json, not ${JSON.stringify(type)}`);
  const path = resolve(io.cwd, file);
  const text = readTextFile(path);
  const keys = findKeys(g, io);
  const { decryptSops } = await import("../../sops/decrypt.js");
  const { documents, meta } = await decryptSops(text, path, keys);
  const first = documents[0]!;
  if (isVaultLayout(documents, meta.rules.encryptedRegex, meta.keyGroups === undefined)) {
    // A vault: its name seal must hold too, as for every other vault command.
    const { SopsFile } = await import("../../sops/sops-file.js");
    if ((await SopsFile.open(text, path, keys)).sealState === "stale") {
      const problem = `the name seal of ${path} is stale: its key names or metadata (recipient names, expires_at, rotated_at, …) were changed outside vaultfile, or it was last saved by plain sops`;
      if (!opts.acceptStaleSeal) {
        throw new StaleSealError(problem, {
          hint: "compare it with git (`git diff`); if the changes are right, run `vaultfile reseal`, or pass --accept-stale-seal to print it anyway",
        });
      }
      note(io, "warning", `${problem}; printing it because of --accept-stale-seal`);
    }
  }
  audit(io, g, "decrypt", namesOf(first), path);
  if (type === "json") {
    const { printSopsJson } = await import("../../format/sops-json-print.js");
    if (documents.length > 1)
      note(
        io,
        "note",
        `${path} holds ${documents.length} YAML documents; JSON output has the first only, as \`sops -d --output-type json\` prints`,
      );
    io.stdout.write(printSopsJson(first));
  } else {
    const { printSopsYaml } = await import("../../format/sops-yaml-print.js");
    io.stdout.write(printSopsYaml(documents));
  }
  return ExitCode.ok;
}

/** A vault's layout: one document, `encrypted_regex: ^value$`, flat age keys, a `secrets` or `recipients` mapping. */
function isVaultLayout(documents: readonly PlainMap[], encryptedRegex: string | undefined, flatKeys: boolean): boolean {
  if (documents.length !== 1 || encryptedRegex !== "^value$" || !flatKeys) return false;
  return documents[0]!.items.some(
    (i) => i.kind === "pair" && (i.key === "secrets" || i.key === "recipients") && i.value.kind === "map",
  );
}

/** The names the audit log records: the vault's secret names, else the top-level keys. */
function namesOf(doc: PlainMap): string[] {
  const pairs = doc.items.filter((i) => i.kind === "pair");
  const secrets = pairs.find((p) => p.key === "secrets")?.value;
  const from = secrets?.kind === "map" ? secrets.items.filter((i) => i.kind === "pair") : pairs;
  return from.map((p) => p.key);
}
