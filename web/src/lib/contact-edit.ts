/** The contact form's attribute lines ("key=value") → PATCH's `attributes` (a string sets, null removes). Pure. */
const KEY = /^[A-Za-z0-9_]{1,64}$/;

export function attributeChanges(current: Record<string, string>, text: string): { changes: Record<string, string | null> } | { error: string } {
  const next: Record<string, string> = {};
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line) continue;
    const at = line.indexOf('=');
    const key = (at === -1 ? line : line.slice(0, at)).trim();
    if (!KEY.test(key)) return { error: `Attributes line ${index + 1}: "${key}" is not a key (1–64 letters, digits or _), write key=value` };
    next[key] = at === -1 ? '' : line.slice(at + 1).trim();
  }
  const changes: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(next)) if (current[key] !== value) changes[key] = value;
  for (const key of Object.keys(current)) if (!(key in next)) changes[key] = null;
  return { changes };
}
