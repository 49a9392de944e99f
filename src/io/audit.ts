/**
 * The opt-in audit log: with `VAULTFILE_AUDIT_LOG=PATH`, each command appends one JSON line saying when, who,
 * which command, which vault file and which secret names it read or touched, so that "which secrets were accessed
 * and when" has an answer. Values never appear in it. The file is created with mode 0600 and only appended to.
 */
import { appendFileSync } from "node:fs";
import { userInfo } from "node:os";
import { ioErrorFrom } from "../errors.js";
import { formatTimestamp } from "../rules/time.js";

/** The environment variable that turns the audit log on. */
export const AUDIT_ENV = "VAULTFILE_AUDIT_LOG";

export interface AuditEvent {
  /** The command as typed, e.g. `get`, `recipients remove`. */
  command: string;
  /** The vault (or sops) file, as an absolute path. */
  file: string;
  /** Secret (or recipient) names read or touched; never values. */
  names: readonly string[];
}

/** One line of the log, as written. */
export interface AuditRecord extends AuditEvent {
  time: string;
  user: string;
}

/** The log's path, or `undefined` when auditing is off. */
export function auditLogPath(env: NodeJS.ProcessEnv): string | undefined {
  const p = env[AUDIT_ENV];
  return p && p.trim() !== "" ? p : undefined;
}

function currentUser(env: NodeJS.ProcessEnv): string {
  if (env.USER) return env.USER;
  if (env.USERNAME) return env.USERNAME;
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

/**
 * Appends one record when auditing is on; does nothing otherwise. A log that cannot be written is an error
 * (`IoError`): an audit trail that silently stops is worse than a failed command.
 */
export function appendAudit(env: NodeJS.ProcessEnv, event: AuditEvent, now: Date = new Date()): void {
  const path = auditLogPath(env);
  if (!path) return;
  const record: AuditRecord = {
    time: formatTimestamp(now),
    user: currentUser(env),
    command: event.command,
    file: event.file,
    names: [...event.names],
  };
  try {
    // One write with O_APPEND: concurrent writers interleave whole lines, never parts of them.
    appendFileSync(path, JSON.stringify(record) + "\n", { mode: 0o600, flag: "a" });
  } catch (err) {
    throw ioErrorFrom(err, "append to the audit log", path);
  }
}
