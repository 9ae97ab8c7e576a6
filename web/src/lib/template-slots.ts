/**
 * A registry template → the parameter slots the New campaign form shows, and the slot values → the
 * `template.components` a campaign sends (docs/api.md § Campaigns). Pure.
 */
export interface RegistryComponent {
  type: string;
  format: string | null;
  parameterCount: number;
  parameterNames: string[];
  buttons: Array<{ index: number; type: string; text: string | null; parameterCount: number }>;
  text?: string | null;
}

export interface Slot {
  /** Unique in the form: "body:1", "header:first_name", "header:media", "button:0". */
  key: string;
  label: string;
  /** The placeholder in the template's text this slot fills ("1", "first_name"), or null. */
  placeholder: string | null;
  kind: 'text' | 'media';
}

const MEDIA = new Set(['IMAGE', 'VIDEO', 'DOCUMENT']);

export function slotsOf(components: RegistryComponent[], named: boolean): Slot[] {
  const slots: Slot[] = [];
  for (const component of components) {
    const type = component.type.toUpperCase();
    if (type === 'HEADER' && component.format && MEDIA.has(component.format)) {
      slots.push({ key: 'header:media', label: `Header ${component.format.toLowerCase()} link`, placeholder: null, kind: 'media' });
    } else if (type === 'HEADER' || type === 'BODY') {
      const names = named || component.parameterNames.length === component.parameterCount ? component.parameterNames : [];
      for (let i = 0; i < component.parameterCount; i += 1) {
        const name = names[i] ?? String(i + 1);
        slots.push({ key: `${type.toLowerCase()}:${name}`, label: `${type === 'HEADER' ? 'Header' : 'Body'} {{${name}}}`, placeholder: name, kind: 'text' });
      }
    } else if (type === 'BUTTONS') {
      for (const button of component.buttons.filter((b) => b.parameterCount > 0)) {
        slots.push({ key: `button:${button.index}`, label: `Button ${button.index + 1}${button.text ? ` “${button.text}”` : ''} ${button.type === 'URL' ? 'URL suffix' : 'code'}`, placeholder: null, kind: 'text' });
      }
    }
  }
  return slots;
}

export type SendComponent = { type: 'header' | 'body' | 'button'; sub_type?: string; index?: string; parameters: Array<Record<string, unknown>> };

export function componentsFor(components: RegistryComponent[], named: boolean, values: Record<string, string>): SendComponent[] {
  const out: SendComponent[] = [];
  for (const component of components) {
    const type = component.type.toUpperCase();
    if (type === 'HEADER' && component.format && MEDIA.has(component.format)) {
      const media = component.format.toLowerCase();
      out.push({ type: 'header', parameters: [{ type: media, [media]: { link: values['header:media'] ?? '' } }] });
    } else if ((type === 'HEADER' || type === 'BODY') && component.parameterCount > 0) {
      const names = named || component.parameterNames.length === component.parameterCount ? component.parameterNames : [];
      const parameters = Array.from({ length: component.parameterCount }, (_, i) => {
        const name = names[i] ?? String(i + 1);
        const text = values[`${type.toLowerCase()}:${name}`] ?? '';
        return named ? { type: 'text', parameter_name: name, text } : { type: 'text', text };
      });
      out.push({ type: type === 'HEADER' ? 'header' : 'body', parameters });
    } else if (type === 'BUTTONS') {
      for (const button of component.buttons.filter((b) => b.parameterCount > 0)) {
        const text = values[`button:${button.index}`] ?? '';
        const subType = button.type === 'URL' ? 'url' : button.type === 'COPY_CODE' ? 'copy_code' : button.type.toLowerCase();
        const parameter = subType === 'copy_code' ? { type: 'coupon_code', coupon_code: text } : { type: 'text', text };
        out.push({ type: 'button', sub_type: subType, index: String(button.index), parameters: [parameter] });
      }
    }
  }
  return out;
}

/** The reverse, to prefill the form from an earlier campaign's components. */
export function valuesFrom(components: Array<{ type: string; index?: unknown; parameters?: unknown[] }>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const component of components) {
    const parameters = (component.parameters ?? []) as Array<Record<string, unknown>>;
    if (component.type === 'button') {
      const first = parameters[0] ?? {};
      values[`button:${String(component.index)}`] = String(first.text ?? first.coupon_code ?? first.payload ?? '');
      continue;
    }
    parameters.forEach((parameter, i) => {
      const media = ['image', 'video', 'document'].find((kind) => kind in parameter);
      if (media) values['header:media'] = String((parameter[media] as { link?: string })?.link ?? '');
      else values[`${component.type}:${String(parameter.parameter_name ?? i + 1)}`] = String(parameter.text ?? '');
    });
  }
  return values;
}
