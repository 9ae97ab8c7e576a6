/**
 * Whether JSON text nests objects/arrays deeper than `maxDepth`, found by one pass over the text before
 * it is parsed (JSON.parse itself copes with any depth, but everything that walks the result
 * recursively — validation, transformation, JSON.stringify — overflows the stack on 100k levels).
 * Brackets inside strings do not count. Malformed text is left to the parser to refuse.
 */
export function jsonNestedDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c /* \ */) index++;
      else if (code === 0x22 /* " */) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      if (++depth > maxDepth) return true;
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}
