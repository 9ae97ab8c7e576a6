import type { TemplateButtonSpec, TemplateComponentSpec, TemplateDefinition } from './templates.js';
import type { Template, TemplateComponent } from './types.js';

/**
 * The pre-flight check of a template send against the template as registered with WhatsApp: what
 * 132000 (parameter count mismatch), 132001 (no such template in that language), 132005/132012
 * (parameter format) and 132015/132016 (paused, disabled) would otherwise say one recipient at a time.
 * Pure: every problem names the template, the component and what to change.
 */

export type TemplateVerdict = { ok: true } | { ok: false; problems: string[] };

const MEDIA_PARAMETER: Record<string, string> = { IMAGE: 'image', VIDEO: 'video', DOCUMENT: 'document', LOCATION: 'location' };

/** Checks a campaign's template against the channel's registered templates (every name and language). */
export function checkTemplate(template: Template, registered: readonly TemplateDefinition[]): TemplateVerdict {
  const label = `template "${template.name}" (${template.language})`;
  const sameName = registered.filter((entry) => entry.name === template.name);
  if (sameName.length === 0) return fail(`no template named "${template.name}" is registered for this channel: check the name or sync the templates`);
  const definition = sameName.find((entry) => entry.language === template.language);
  if (!definition) {
    const languages = sameName.map((entry) => entry.language).sort().join(', ');
    return fail(`${label} does not exist in language "${template.language}": it exists in ${languages}`);
  }
  if (definition.status !== 'APPROVED') return fail(`${label} is ${definition.status}, not APPROVED: only approved templates can be sent`);
  const named = definition.parameterFormat === 'NAMED';

  const problems = [
    ...checkSection(label, 'header', definition.components.find((c) => c.type === 'HEADER'), given(template, 'header'), named),
    ...checkSection(label, 'body', definition.components.find((c) => c.type === 'BODY'), given(template, 'body'), named),
    ...checkButtons(label, definition.components.find((c) => c.type === 'BUTTONS')?.buttons ?? [], template.components.filter((c) => lower(c.type) === 'button')),
  ];
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

function fail(problem: string): TemplateVerdict {
  return { ok: false, problems: [problem] };
}

function lower(value: unknown): string {
  return typeof value === 'string' ? value.toLowerCase() : '';
}

function given(template: Template, type: 'header' | 'body'): TemplateComponent | undefined {
  return template.components.find((component) => lower(component.type) === type);
}

function parametersOf(component: TemplateComponent | undefined): Array<Record<string, unknown>> {
  return Array.isArray(component?.parameters) ? component.parameters : [];
}

function checkSection(
  label: string,
  name: 'header' | 'body',
  spec: TemplateComponentSpec | undefined,
  component: TemplateComponent | undefined,
  named: boolean,
): string[] {
  const parameters = parametersOf(component);
  const needed = spec?.parameterCount ?? 0;
  if (needed === 0) {
    return parameters.length > 0 ? [`${label}: the ${name} takes no parameters, but ${parameters.length} are given: remove the ${name} component`] : [];
  }
  const media = spec?.format ? MEDIA_PARAMETER[spec.format] : undefined;
  if (media) {
    if (parameters.length === 0) {
      return [`${label}: the header is ${spec!.format} and needs one ${media} parameter, e.g. {"type":"header","parameters":[{"type":"${media}","${media}":{"link":"https://…"}}]}`];
    }
    if (parameters.length > 1 || lower(parameters[0].type) !== media) {
      return [`${label}: the header is ${spec!.format}: give exactly one parameter of type "${media}" (given: ${describeTypes(parameters)})`];
    }
    return [];
  }
  if (parameters.length !== needed) {
    return [`${label}: the ${name} has ${needed} parameter${needed === 1 ? '' : 's'} (${placeholderList(spec!)}), but ${parameters.length} ${parameters.length === 1 ? 'is' : 'are'} given: give exactly ${needed}`];
  }
  if (named) {
    const missing = spec!.parameterNames.filter((n) => !parameters.some((p) => p.parameter_name === n));
    if (missing.length > 0) return [`${label}: the ${name} uses named parameters: give "parameter_name" ${missing.map((n) => `"${n}"`).join(', ')}`];
  }
  return [];
}

function checkButtons(label: string, buttons: readonly TemplateButtonSpec[], components: TemplateComponent[]): string[] {
  const problems: string[] = [];
  const byIndex = new Map<number, TemplateComponent>();
  for (const component of components) {
    const index = Number(component.index);
    const button = Number.isInteger(index) ? buttons[index] : undefined;
    if (!button) {
      problems.push(`${label}: a button component names index ${String(component.index)}, but the template has ${buttons.length} button${buttons.length === 1 ? '' : 's'} (index 0 to ${buttons.length - 1})`);
      continue;
    }
    byIndex.set(index, component);
    const count = parametersOf(component).length;
    // A quick reply may carry a payload parameter; any other button takes exactly what its text needs.
    if (button.type === 'QUICK_REPLY' ? count > 1 : count !== button.parameterCount) {
      problems.push(`${label}: button ${index} (${button.type}${button.text ? ` "${button.text}"` : ''}) takes ${button.type === 'QUICK_REPLY' ? 'at most 1 (payload)' : button.parameterCount} parameter${button.parameterCount === 1 ? '' : 's'}, ${count} given`);
    }
  }
  for (const button of buttons) {
    if (button.parameterCount > 0 && !byIndex.has(button.index)) {
      const subType = button.type === 'URL' ? 'url' : 'copy_code';
      problems.push(
        `${label}: button ${button.index} (${button.type}${button.text ? ` "${button.text}"` : ''}) needs ${button.parameterCount} parameter: add {"type":"button","sub_type":"${subType}","index":"${button.index}","parameters":[…]}`,
      );
    }
  }
  return problems;
}

function placeholderList(spec: TemplateComponentSpec): string {
  return spec.parameterNames.map((name) => `{{${name}}}`).join(', ');
}

function describeTypes(parameters: Array<Record<string, unknown>>): string {
  return parameters.map((parameter) => String(parameter.type ?? '?')).join(', ') || 'none';
}
