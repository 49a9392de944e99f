/**
 * The export writers: pure functions from an ordered `{ NAME: value }` record to the text one reader takes back
 * exactly (design.md §5). No file, environment or process I/O here; the CLI decides where the text goes.
 */
export { toDotenv, dotenvLine, dotenvValue } from "./dotenv.js";
export { toShell, shellQuote } from "./shell.js";
export { toJson } from "./json.js";
export { toGithub, maskLines, escapeCommandData, type GithubExport, type GithubOptions } from "./github.js";
export { checkedEntries, ENV_NAME_RE } from "./env-names.js";
export { expiresText, statusText, type ReportRow, type ReportStatus } from "./report.js";
export { markdownCell, toMarkdownTable, type MarkdownOptions } from "./markdown.js";
export {
  eventUid,
  foldLine,
  icsText,
  toIcs,
  type CalendarEventKind,
  type CalendarSecret,
  type IcsOptions,
} from "./ics.js";
export {
  checkK8sKey,
  checkK8sMetadata,
  defaultK8sName,
  K8S_KEY_RE,
  k8sData,
  toK8sSecret,
  type K8sSecretOptions,
} from "./k8s.js";

export { EXPORT_FORMATS, type ExportFormat } from "./formats.js";
