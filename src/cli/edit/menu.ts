/**
 * The interactive `vaultfile edit` menu: lists the secrets with their status and offers every change a person
 * makes by hand. All changes go to the in-memory vault; the caller saves once at the end (or not at all).
 */
import { basename } from "node:path";
import { VaultfileError } from "../../errors.js";
import { checkRecipient } from "../../crypto/identities.js";
import { checkRecipientName } from "../../rules/names.js";
import { formatDay, formatTimestamp } from "../../rules/time.js";
import type { Vault } from "../../vault/vault.js";
import { statusLabel, statusRows, type StatusRow } from "../commands/status.js";
import { note, out, type CliIO } from "../context.js";
import { describeExpiry } from "../expiry-options.js";
import { countOf, table, type Painter } from "../output.js";
import type { Choice, Prompter } from "../prompts.js";
import { companionNotes, defaultRotation } from "../type-input.js";
import {
  checkExpiryAnswer,
  checkNewSecretName,
  checkRotateEveryAnswer,
  checkTypeAnswer,
  parseExpiryAnswer,
  parseRotateEveryAnswer,
  ValueNotConfirmed,
} from "./answers.js";
import { askValueForType } from "./value-for-type.js";

/** What the person chose at the end of the session. */
export type MenuOutcome = "save" | "discard";

/** One menu session over an open vault; `changes` says in words what was changed, for the summary. */
export class EditMenu {
  readonly changes: string[] = [];
  /** Names of the secrets and recipients changed, for the audit log. */
  readonly touched = new Set<string>();

  /** `beforeReveal` runs before a value is shown (the audit log: an access that cannot be logged does not happen). */
  constructor(
    private readonly vault: Vault,
    private readonly ui: Prompter,
    private readonly io: CliIO,
    private readonly paint: Painter,
    private readonly beforeReveal: (name: string) => void = () => {},
  ) {}

  /** Runs until "save and quit" or "quit without saving". Prompt aborts (Ctrl-C) propagate to the caller. */
  async run(): Promise<MenuOutcome> {
    let last: string | undefined;
    for (;;) {
      const rows = statusRows(this.vault, this.vault.warnDays);
      const pick = await this.ui.select(
        this.title(rows),
        this.mainChoices(rows),
        last === undefined ? {} : { default: last },
      );
      last = pick;
      if (pick === "save") return "save";
      if (pick === "quit") {
        if (this.changes.length === 0) return "discard";
        if (await this.ui.confirm(`Discard ${this.countChanges()}?`, { default: false })) return "discard";
        continue;
      }
      await this.guard(async () => {
        if (pick === "add") last = (await this.addSecret()) ?? last;
        else if (pick === "recipients") await this.recipientsMenu();
        else if (pick.startsWith("secret:")) {
          const name = pick.slice("secret:".length);
          if (this.vault.has(name)) await this.secretMenu(name);
          else await this.missingMenu(name);
        }
      });
    }
  }

  /** The rows include required names with no entry: they are counted apart, not as secrets. */
  private title(rows: readonly StatusRow[]): string {
    const missing = rows.filter((r) => r.status === "missing").length;
    const absent = missing === 0 ? "" : `, ${countOf(missing, "required name")} missing`;
    const unsaved = this.changes.length === 0 ? "" : `, ${this.countChanges()} not saved yet`;
    return `${basename(this.vault.path)}: ${countOf(rows.length - missing, "secret")}${absent}${unsaved}. Pick one, or an action:`;
  }

  private countChanges(): string {
    return countOf(this.changes.length, "change");
  }

  private mainChoices(rows: StatusRow[]): Choice<string>[] {
    const required = new Set(this.vault.required);
    const cells = rows.map((r) => [
      r.name,
      r.type ?? "-",
      statusLabel(r, this.paint),
      required.has(r.name) ? this.paint.dim("required") : "",
    ]);
    const lines = table(cells);
    return [
      ...rows.map((r, i) => ({ name: lines[i]!, value: `secret:${r.name}` })),
      { name: "+ add a secret", value: "add" },
      { name: "recipients…", value: "recipients" },
      { name: "save and quit", value: "save" },
      { name: "quit without saving", value: "quit" },
    ];
  }

  /** Runs one action; a refused change (bad date, duplicate key…) is reported and the menu goes on. */
  private async guard(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (err) {
      if (err instanceof ValueNotConfirmed) return note(this.io, "note", "value not changed");
      if (!(err instanceof VaultfileError)) throw err;
      this.io.stderr.write(`vaultfile: error: ${err.message}\n`);
      if (err.hint) note(this.io, "hint", err.hint);
    }
  }

  private changed(what: string, name: string): void {
    this.changes.push(what);
    this.touched.add(name);
    note(this.io, "note", `${what} (not saved yet)`);
  }

  // ---- one secret ----------------------------------------------------------------------------------------------

  private describe(name: string): string {
    const s = this.vault.get(name);
    const row = statusRows(this.vault, this.vault.warnDays).find((r) => r.name === name);
    const expiry = describeExpiry(s);
    const every = s.rotateEvery ? `, rotate every ${s.rotateEvery.text}` : "";
    return `${name} (${s.type}, ${expiry}${every}${row ? `, ${statusLabel(row, this.paint)}` : ""})`;
  }

  private async secretMenu(name: string): Promise<void> {
    let last: string | undefined;
    while (this.vault.has(name)) {
      const s = this.vault.get(name);
      const isRequired = this.vault.required.includes(name);
      const choices: Choice<string>[] = [
        { name: "show value", value: "show", description: "prints the value in clear on this terminal" },
        { name: "change value", value: "value" },
        { name: "rotate (new value, renews the expiry)", value: "rotate" },
        { name: `type: ${s.type}`, value: "type" },
        { name: `description: ${s.description ?? "-"}`, value: "description" },
        { name: `expiry: ${s.expiresAt ? formatTimestamp(s.expiresAt) : "never"}`, value: "expiry" },
        { name: `rotate every: ${s.rotateEvery?.text ?? "-"}`, value: "every" },
        { name: isRequired ? "required: yes (make optional)" : "required: no (mark required)", value: "required" },
        { name: "delete", value: "delete" },
        { name: "back", value: "back" },
      ];
      const pick = await this.ui.select(
        `${this.describe(name)}:`,
        choices,
        last === undefined ? {} : { default: last },
      );
      last = pick;
      if (pick === "back") return;
      await this.guard(() => this.secretAction(name, pick));
    }
  }

  private async secretAction(name: string, action: string): Promise<void> {
    const v = this.vault;
    switch (action) {
      case "show":
        this.beforeReveal(name);
        out(this.io, `${name}:`);
        out(this.io, v.get(name).value);
        return;
      case "value": {
        const value = await this.newValue(name, v.get(name).type);
        if (value === v.get(name).value) return note(this.io, "note", `the value of ${name} is unchanged`);
        v.set(name, value);
        return this.changed(`changed the value of ${name}`, name);
      }
      case "rotate": {
        const s = v.get(name);
        const value = await this.newValue(name, s.type);
        const expiresAt = s.rotateEvery
          ? undefined
          : await this.askExpiry(
              `New expiry for ${name} (2027-01-31, 90d, never; empty keeps ${s.expiresAt ? formatDay(s.expiresAt) : "none"}):`,
              true,
            );
        const after = v.rotate(name, value, expiresAt === undefined ? {} : { expiresAt });
        this.changed(`rotated ${name}${after.expiresAt ? `, ${describeExpiry(after)}` : ""}`, name);
        return this.notes(companionNotes(v, name, "rotate"));
      }
      case "type": {
        const type = (
          await this.ui.input(`Type of ${name}:`, { default: v.get(name).type, validate: checkTypeAnswer })
        ).trim();
        if (type === v.get(name).type) return;
        // As `set --type` does: the stored value must fit its new type, or be kept on purpose.
        const finding = v.typeCatalogue().check(name, type, v.get(name).value);
        if (finding && !(await this.ui.confirm(`${finding.message}. Set the type anyway?`, { default: false })))
          return note(this.io, "note", `the type of ${name} is unchanged`);
        v.update(name, { type });
        return this.changed(`set the type of ${name} to ${type}`, name);
      }
      case "description": {
        const before = v.get(name).description ?? "";
        const text = (await this.ui.input(`Description of ${name} (empty for none):`, { default: before })).trim();
        if (text === before) return;
        v.update(name, { description: text === "" ? null : text });
        return this.changed(`${text === "" ? "removed" : "changed"} the description of ${name}`, name);
      }
      case "expiry": {
        const expiresAt = await this.askExpiry(
          `Expiry of ${name} (2027-01-31, RFC 3339, 90d from now, or never):`,
          false,
        );
        if (expiresAt === undefined) return;
        v.update(name, { expiresAt });
        return this.changed(
          expiresAt === null ? `removed the expiry of ${name}` : `${name} now expires ${formatTimestamp(expiresAt)}`,
          name,
        );
      }
      case "every": {
        const text = await this.ui.input(`Rotate ${name} every (90d, 6mo, 1y, or never; empty keeps it):`, {
          validate: checkRotateEveryAnswer,
        });
        if (text.trim() === "") return;
        const rotateEvery = parseRotateEveryAnswer(text);
        if (rotateEvery === (v.get(name).rotateEvery?.text ?? null)) return;
        v.update(name, { rotateEvery });
        return this.changed(
          rotateEvery === null
            ? `removed the rotation period of ${name}`
            : `${name} is now rotated every ${rotateEvery}`,
          name,
        );
      }
      case "required":
        if (v.required.includes(name)) {
          v.unrequire([name]);
          return this.changed(`${name} is no longer required`, name);
        }
        v.require([name]);
        return this.changed(`${name} is now required`, name);
      case "delete": {
        const warn = v.required.includes(name) ? " It stays in the required list and will show as MISSING." : "";
        if (!(await this.ui.confirm(`Delete ${name}?${warn}`, { default: false }))) return;
        v.remove(name);
        return this.changed(`deleted ${name}`, name);
      }
    }
  }

  /** A required name with no entry: add it, or drop it from the required list. */
  private async missingMenu(name: string): Promise<void> {
    const pick = await this.ui.select(`${name} is required but missing:`, [
      { name: "add a value", value: "add" },
      { name: "make optional (remove from the required list)", value: "unrequire" },
      { name: "back", value: "back" },
    ]);
    if (pick === "add") await this.addSecret(name);
    else if (pick === "unrequire") {
      this.vault.unrequire([name]);
      this.changed(`${name} is no longer required`, name);
    }
  }

  // ---- new secrets ---------------------------------------------------------------------------------------------

  /**
   * Asks for everything a new secret needs, the type first so that the value is checked against it; like `set`,
   * the secret gets its type's rotation period. Returns its menu entry.
   */
  private async addSecret(presetName?: string): Promise<string> {
    const v = this.vault;
    const name =
      presetName ??
      (
        await this.ui.input("Name of the new secret (e.g. PYPI_TOKEN):", { validate: checkNewSecretName(v.list()) })
      ).trim();
    const type = (await this.ui.input(`Type of ${name}:`, { default: "generic", validate: checkTypeAnswer })).trim();
    const value = await this.newValue(name, type);
    const expiresAt = (await this.askExpiry(`Expiry of ${name} (2027-01-31, 90d, or empty for none):`, true)) ?? null;
    const description = (await this.ui.input(`Description of ${name} (optional):`)).trim();
    const rotateEvery = defaultRotation(v, name, type, undefined, true);
    v.set(name, value, { type, expiresAt, rotateEvery, ...(description ? { description } : {}) });
    this.changed(`added ${name}`, name);
    if (rotateEvery !== undefined)
      note(
        this.io,
        "note",
        `${name} rotates every ${rotateEvery}, the default of type ${type} (change it with "rotate every")`,
      );
    this.notes(companionNotes(v, name, "set"));
    return `secret:${name}`;
  }

  /** A new value that fits the type (or is stored anyway on purpose). */
  private newValue(name: string, type: string): Promise<string> {
    return askValueForType(this.ui, this.io, this.vault.typeCatalogue(), name, type);
  }

  private notes(lines: readonly string[]): void {
    for (const n of lines) note(this.io, "note", n);
  }

  /** `undefined` when left empty (only when `optional`), `null` for never. */
  private async askExpiry(message: string, optional: boolean): Promise<Date | null | undefined> {
    const now = this.vault.now;
    const text = await this.ui.input(message, { validate: checkExpiryAnswer(now, optional) });
    return text.trim() === "" ? undefined : parseExpiryAnswer(text, now);
  }

  // ---- recipients ----------------------------------------------------------------------------------------------

  private async recipientsMenu(): Promise<void> {
    for (;;) {
      const rec = this.vault.recipients();
      const lines = table(
        Object.entries(rec).map(([n, k]) => [n, k.length > 24 ? `${k.slice(0, 16)}…${k.slice(-6)}` : k]),
      );
      const choices: Choice<string>[] = [
        ...Object.keys(rec).map((n, i) => ({ name: `remove ${lines[i]!}`, value: `remove:${n}` })),
        { name: "+ add a recipient", value: "add" },
        { name: "back", value: "back" },
      ];
      const pick = await this.ui.select("Recipients (who can decrypt this vault):", choices);
      if (pick === "back") return;
      await this.guard(async () => {
        if (pick === "add") await this.addRecipient();
        else await this.removeRecipient(pick.slice("remove:".length));
      });
    }
  }

  private async addRecipient(): Promise<void> {
    const name = (
      await this.ui.input("Recipient name (e.g. bob, ci):", {
        validate: validator((t) => checkRecipientName(t.trim())),
      })
    ).trim();
    const key = (
      await this.ui.input(`Public key of ${name} (age1…):`, {
        validate: validator((t) => checkRecipient(t.trim(), "recipient")),
      })
    ).trim();
    await this.vault.addRecipient(name, key);
    this.changed(`added recipient ${name}`, name);
  }

  private async removeRecipient(name: string): Promise<void> {
    const ok = await this.ui.confirm(
      `Remove ${name}? The data key is replaced and every value re-encrypted; ${name} could read them all until now, so rotate them at their source.`,
      { default: false },
    );
    if (!ok) return;
    const exposed = await this.vault.removeRecipient(name);
    this.changed(`removed recipient ${name}`, name);
    if (exposed.length > 0)
      note(this.io, "hint", `${name} could read: ${exposed.join(", ")}; rotate them at their source`);
  }
}

/** Turns a throwing check into a prompt validator that shows the error's message. */
function validator(check: (text: string) => unknown): (text: string) => true | string {
  return (text) => {
    try {
      check(text);
      return true;
    } catch (err) {
      return err instanceof VaultfileError ? err.message : String(err);
    }
  };
}
