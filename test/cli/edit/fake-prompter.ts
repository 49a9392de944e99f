/**
 * A scripted Prompter for the edit flows: each step names the prompt it expects (a pattern of its message) and
 * the answer. A select step picks the choice whose name matches a pattern, so the test also checks what the menu
 * lists. Input answers go through the prompt's own validation, as in a terminal.
 */
import { expect } from "vitest";
import { MultiLinePasteError, type Choice, type Prompter } from "../../../src/cli/prompts.js";

export type Step =
  | { select: RegExp; pick: RegExp }
  | { input: RegExp; answer: string; rejects?: string[] }
  | { password: RegExp; answer: string }
  /** A paste of several lines at a hidden prompt: the prompter refuses it. */
  | { password: RegExp; paste: true }
  | { confirm: RegExp; answer: boolean }
  | { abort: true };

/** Every prompt shown, with the choices of selects (names), for assertions. */
export interface Seen {
  kind: string;
  message: string;
  choices?: string[];
}

export function scriptedPrompter(steps: Step[]): { prompter: Prompter; seen: Seen[]; done(context?: string): void } {
  const queue = [...steps];
  const seen: Seen[] = [];
  const next = (kind: string, message: string): Step => {
    const step = queue.shift();
    if (!step) throw new Error(`unexpected ${kind} prompt after the script ended: ${message}`);
    if ("abort" in step)
      throw Object.assign(new Error("User force closed the prompt with SIGINT"), { name: "ExitPromptError" });
    if (!(kind in step)) throw new Error(`expected a ${Object.keys(step)[0]} prompt, got ${kind}: ${message}`);
    const pattern = (step as Record<string, unknown>)[kind] as RegExp;
    if (!pattern.test(message)) throw new Error(`${kind} prompt ${JSON.stringify(message)} does not match ${pattern}`);
    return step;
  };
  const prompter: Prompter = {
    async password(message, opts) {
      seen.push({ kind: "password", message });
      const step = next("password", message) as { answer: string } | { paste: true };
      if ("paste" in step) throw new MultiLinePasteError(opts?.pasteHint ?? "");
      const ok = opts?.validate?.(step.answer) ?? true;
      if (ok !== true) throw new Error(`the scripted password was refused: ${ok}`);
      return step.answer;
    },
    async input(message, opts) {
      seen.push({ kind: "input", message });
      const step = next("input", message) as { answer: string; rejects?: string[] };
      for (const bad of step.rejects ?? [])
        expect(opts?.validate?.(bad), `validation of ${JSON.stringify(bad)}`).toEqual(expect.any(String));
      const answer = step.answer === "" && opts?.default !== undefined ? opts.default : step.answer;
      const ok = opts?.validate?.(answer) ?? true;
      if (ok !== true) throw new Error(`the scripted answer ${JSON.stringify(answer)} was refused: ${ok}`);
      return answer;
    },
    async confirm(message) {
      seen.push({ kind: "confirm", message });
      return (next("confirm", message) as { answer: boolean }).answer;
    },
    async select<T>(message: string, choices: readonly Choice<T>[]): Promise<T> {
      seen.push({ kind: "select", message, choices: choices.map((c) => c.name) });
      const step = next("select", message) as { pick: RegExp };
      const hits = choices.filter((c) => step.pick.test(c.name));
      if (hits.length !== 1)
        throw new Error(`${step.pick} matches ${hits.length} choices of ${JSON.stringify(choices.map((c) => c.name))}`);
      return hits[0]!.value;
    },
  };
  return { prompter, seen, done: (context = "") => expect(queue, `unused script steps; ${context}`).toEqual([]) };
}
