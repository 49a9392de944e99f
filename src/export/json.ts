/** A JSON object `{ "NAME": "value" }`, in order, two-space indented: `JSON.parse` gives the same record back. */
import { checkedEntries } from "./env-names.js";

export function toJson(env: Readonly<Record<string, string>>): string {
  // JSON can hold any string (NUL included), so only the names are checked.
  const checked = Object.fromEntries(checkedEntries(env, "json", false));
  return JSON.stringify(checked, null, 2) + "\n";
}
