/**
 * Places the engine's error message beside the form field it concerns. Validation answers join their
 * messages with "; " and each starts with the property path ("name must be …",
 * "template.components.0.type must be …", "sendWindow.start must be …"); domain errors name the thing
 * in words ("template spring_sale …").
 */
export interface PlacedErrors {
  byField: Record<string, string[]>;
  general: string[];
}

/** `aliases`: extra words that point at a field, e.g. { template: ['template', 'parameter'] }. */
export function placeErrors(message: string, fields: readonly string[], aliases: Record<string, readonly string[]> = {}): PlacedErrors {
  const placed: PlacedErrors = { byField: {}, general: [] };
  for (const part of message.split(/;\s+/).map((text) => text.trim()).filter(Boolean)) {
    const head = part.split(/\s/)[0] ?? '';
    const root = head.split('.')[0];
    let field = fields.find((name) => name === root);
    if (!field) {
      const lower = part.toLowerCase();
      field = fields.find((name) => (aliases[name] ?? []).some((word) => lower.includes(word.toLowerCase())));
    }
    if (field) (placed.byField[field] ??= []).push(part);
    else placed.general.push(part);
  }
  return placed;
}
