/** The formats `vaultfile export --format` accepts (a module of its own, so the CLI can declare them cheaply). */
export const EXPORT_FORMATS = ["dotenv", "shell", "json", "github"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
