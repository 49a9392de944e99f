/** The formats `vaultfile export --format` accepts (a module of its own, so the CLI can declare them cheaply). */
export const EXPORT_FORMATS = ["dotenv", "shell", "json", "github", "k8s-secret"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The formats `vaultfile status --format` prints: the terminal table, JSON, a Markdown table, an iCalendar feed. */
export const STATUS_FORMATS = ["table", "json", "markdown", "ics"] as const;
export type StatusFormat = (typeof STATUS_FORMATS)[number];
