/**
 * The sandbox's template registry: what GET /v1/configs/templates lists (paginated like 360dialog,
 * `limit`/`offset`/`total`, both generations), the checks a template send must pass against it
 * (132001 unknown name or language, 132015 paused, 132016 disabled, 132000 wrong number of parameters),
 * and the checks on templates given to it. Written apart from the engine's whatsapp/templates.ts and
 * template-check.ts, so that the tests exercise one against the other; only the wire shapes are shared.
 */
import { createHash } from 'node:crypto';
import { RequestError } from './http.js';
import { type AcceptedSend, type Generation, isRecord, type SandboxTemplate, type WhatsAppError } from './sandbox-payloads.js';
import type { TemplateListAnswer, WabaTemplate } from '../whatsapp/wire.js';

const MAX_PAGE = 1000;
const CATEGORIES = new Set(['MARKETING', 'UTILITY', 'AUTHENTICATION']);
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
const MEDIA = new Set(['IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION']);

type WabaComponent = WabaTemplate['components'][number];

/** The template's components in Meta's form (`body` becomes a BODY component). */
export function componentsOf(template: SandboxTemplate): WabaComponent[] {
  const components = [...(template.components ?? [])];
  if (template.body !== undefined && !components.some((component) => component.type.toUpperCase() === 'BODY')) {
    components.splice(components[0]?.type.toUpperCase() === 'HEADER' ? 1 : 0, 0, { type: 'BODY', text: template.body });
  }
  return components;
}

function statusOf(template: SandboxTemplate): string {
  return (template.status ?? 'APPROVED').toUpperCase();
}

/** One page of GET /v1/configs/templates for a key (On-Premise lists statuses in lower case, as 360dialog does). */
export function templatePage(templates: readonly SandboxTemplate[], generation: Generation, namespace: string, query: URLSearchParams): TemplateListAnswer {
  const limit = Math.min(MAX_PAGE, positiveInteger(query.get('limit')) ?? MAX_PAGE);
  const offset = positiveInteger(query.get('offset')) ?? 0;
  const page = templates.slice(offset, offset + limit);
  return {
    count: page.length,
    filters: {},
    limit,
    offset,
    sort: ['id'],
    total: templates.length,
    waba_templates: page.map((template) => ({
      id: templateId(template),
      category: template.category,
      components: componentsOf(template),
      language: template.language,
      name: template.name,
      namespace,
      parameter_format: template.parameter_format ?? 'POSITIONAL',
      rejected_reason: 'NONE',
      status: generation === 'onpremise' ? statusOf(template).toLowerCase() : statusOf(template),
    })),
  };
}

function positiveInteger(raw: string | null): number | undefined {
  if (raw === null || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

function templateId(template: SandboxTemplate): string {
  return BigInt(`0x${createHash('sha256').update(`${template.name}/${template.language}`).digest('hex').slice(0, 13)}`).toString();
}

const distinctPlaceholders = (text: unknown): number => (typeof text === 'string' ? new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1])).size : 0);

interface Expected {
  /** header/body: how many parameters; a media header 1 of its type. */
  header: { count: number; media: string | null };
  body: number;
  /** Button index → parameters it takes. */
  buttons: Map<number, number>;
}

function expectedParameters(template: SandboxTemplate): Expected {
  const components = componentsOf(template);
  const header = components.find((component) => component.type.toUpperCase() === 'HEADER');
  const format = (header?.format ?? 'TEXT').toUpperCase();
  const buttons = new Map<number, number>();
  const buttonList = components.find((component) => component.type.toUpperCase() === 'BUTTONS')?.buttons ?? [];
  buttonList.forEach((button, index) => {
    const type = typeof button.type === 'string' ? button.type.toUpperCase() : '';
    if (type === 'URL' && distinctPlaceholders(button.url) > 0) buttons.set(index, 1);
    if (type === 'OTP' || type === 'COPY_CODE') buttons.set(index, 1);
  });
  return {
    header: header && MEDIA.has(format) ? { count: 1, media: format.toLowerCase() } : { count: distinctPlaceholders(header?.text), media: null },
    body: distinctPlaceholders(components.find((component) => component.type.toUpperCase() === 'BODY')?.text),
    buttons,
  };
}

function givenParameters(components: unknown[], type: string, index?: number): Array<Record<string, unknown>> | null {
  const component = components.find(
    (entry) => isRecord(entry) && typeof entry.type === 'string' && entry.type.toLowerCase() === type && (index === undefined || Number(entry.index) === index),
  ) as Record<string, unknown> | undefined;
  if (!component) return null;
  return Array.isArray(component.parameters) ? component.parameters.filter((parameter) => isRecord(parameter)) : [];
}

const mismatch = (where: string, given: number, expected: number): WhatsAppError => ({
  code: 132000,
  title: 'Number of parameters does not match the expected number of params',
  details: `${where}: number of localizable_params (${given}) does not match the expected number of params (${expected})`,
});

/** What WhatsApp answers a template send that does not fit its registered template, or null when it fits. */
export function checkTemplateSend(templates: readonly SandboxTemplate[], send: AcceptedSend): WhatsAppError | null {
  const template = templates.find((entry) => entry.name === send.templateName && entry.language === send.language);
  if (!template) {
    return { code: 132001, title: 'Template name does not exist in the translation', details: `template name (${send.templateName}) does not exist in ${send.language}` };
  }
  const status = statusOf(template);
  if (status === 'PAUSED') return { code: 132015, title: 'Template is Paused', details: 'Template is paused due to low quality so it cannot be sent in a template message.' };
  if (status === 'DISABLED') {
    return { code: 132016, title: 'Template is disabled', details: 'Template has been paused too many times due to low quality and is now permanently disabled.' };
  }
  if (status !== 'APPROVED') {
    return { code: 132001, title: 'Template name does not exist in the translation', details: `template name (${send.templateName}) is ${status}, not approved, in ${send.language}` };
  }
  const expected = expectedParameters(template);
  const header = givenParameters(send.components, 'header') ?? [];
  if (header.length !== expected.header.count) return mismatch('header', header.length, expected.header.count);
  if (expected.header.media && header[0]?.type !== expected.header.media) {
    return { code: 132012, title: 'Parameter format does not match format in the created template', details: `header: expected a parameter of type ${expected.header.media}` };
  }
  const body = givenParameters(send.components, 'body') ?? [];
  if (body.length !== expected.body) return mismatch('body', body.length, expected.body);
  for (const [index, count] of expected.buttons) {
    const given = givenParameters(send.components, 'button', index)?.length ?? 0;
    if (given !== count) return mismatch(`button at index ${index}`, given, count);
  }
  return null;
}

/** Rejects templates the sandbox could not list or check, naming the entry (admin callers are scripts). */
export function checkTemplates(value: unknown): asserts value is SandboxTemplate[] {
  if (!Array.isArray(value)) throw new RequestError(400, 'templates must be a list of {name,language,category,body|components[,status][,parameter_format]}');
  value.forEach((entry, index) => {
    const fail = (why: string) => {
      throw new RequestError(400, `templates[${index}]: ${why}`);
    };
    if (!isRecord<SandboxTemplate>(entry)) return fail('must be an object');
    if (typeof entry.name !== 'string' || !/^[a-z0-9_]{1,512}$/.test(entry.name)) fail('name must be lowercase letters, digits and underscores');
    if (typeof entry.language !== 'string' || entry.language.length === 0) fail('language is required');
    if (typeof entry.category !== 'string' || !CATEGORIES.has(entry.category)) fail('category must be MARKETING, UTILITY or AUTHENTICATION');
    if (entry.body !== undefined && typeof entry.body !== 'string') fail('body must be a string');
    if (entry.status !== undefined && typeof entry.status !== 'string') fail('status must be a string');
    if (entry.parameter_format !== undefined && entry.parameter_format !== 'POSITIONAL' && entry.parameter_format !== 'NAMED') fail('parameter_format must be POSITIONAL or NAMED');
    if (entry.components !== undefined && (!Array.isArray(entry.components) || entry.components.some((c) => !isRecord(c) || typeof c.type !== 'string'))) {
      fail('components must be a list of {type,…}');
    }
    if (entry.body === undefined && entry.components === undefined) fail('give body or components');
  });
}

/** `templates` with `changes` put in place of the entries of the same name and language (new ones appended). */
export function upsertTemplates(templates: readonly SandboxTemplate[], changes: readonly SandboxTemplate[]): SandboxTemplate[] {
  const key = (template: SandboxTemplate) => `${template.name}/${template.language}`;
  const byKey = new Map(changes.map((change) => [key(change), change]));
  const kept = templates.map((template) => byKey.get(key(template)) ?? template);
  const known = new Set(templates.map(key));
  return [...kept, ...changes.filter((change) => !known.has(key(change)))];
}
