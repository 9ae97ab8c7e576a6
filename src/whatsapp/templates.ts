/**
 * Message templates as 360dialog lists them (`GET {baseUrl}/v1/configs/templates`, both generations:
 * `waba_templates` in Meta's form, paginated with limit/offset/total), read into what the engine needs
 * to check a campaign before it sends: per component, how many parameters a send must carry, counted
 * from the template's own text. Pure and liberal: an entry that cannot be read is skipped and named.
 */
import { isJsonObject, type JsonObject, trimmedString } from './json-read.js';

export type TemplateStatus = 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED' | 'FLAGGED' | 'IN_APPEAL' | 'PENDING_DELETION' | 'DELETED' | string;
export type ParameterFormat = 'POSITIONAL' | 'NAMED';
export type HeaderFormat = 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION';

export interface TemplateButtonSpec {
  /** Position among the template's buttons: the `index` a send's button component names. */
  index: number;
  /** URL, QUICK_REPLY, COPY_CODE, PHONE_NUMBER, OTP, FLOW, … */
  type: string;
  text: string | null;
  /** Parameters a send must give this button: a URL's `{{1}}` suffix, a copy code's code. */
  parameterCount: number;
}

export interface TemplateComponentSpec {
  /** HEADER, BODY, FOOTER or BUTTONS. */
  type: string;
  /** HEADER only. */
  format: HeaderFormat | null;
  /** Text parameters ({{1}} … or named ones); a media or location header counts 1. */
  parameterCount: number;
  /** NAMED templates: the placeholder names in order of first appearance. */
  parameterNames: string[];
  buttons: TemplateButtonSpec[];
  /** HEADER (TEXT), BODY and FOOTER: the template's own text with its placeholders, for people to read (the console). */
  text?: string | null;
}

export interface TemplateDefinition {
  name: string;
  language: string;
  /** Upper-cased (360dialog answers `approved` on some paths, Meta `APPROVED`). */
  status: TemplateStatus;
  category: string | null;
  parameterFormat: ParameterFormat;
  namespace: string | null;
  components: TemplateComponentSpec[];
}

export interface TemplatePage {
  templates: TemplateDefinition[];
  /** `total` when the answer gives it, else null (then a page shorter than the limit is the last). */
  total: number | null;
  /** Entries skipped, with why. */
  ignored: string[];
}

const text = (value: unknown): string | null => (typeof value === 'string' ? trimmedString(value, 4096) : null);
const upper = (value: unknown): string | null => text(value)?.toUpperCase() ?? null;

/** `{{1}}`, `{{ 2 }}`, `{{first_name}}`: WhatsApp's placeholder syntax in template text. */
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The distinct placeholders of a text, in order of first appearance. */
export function placeholdersIn(value: string | null): string[] {
  if (!value) return [];
  return [...new Set([...value.matchAll(PLACEHOLDER)].map((match) => match[1]))];
}

const MEDIA_FORMATS = new Set(['IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION']);
/** Buttons whose send always carries one parameter (authentication OTP buttons carry the code). */
const CODE_BUTTONS = new Set(['COPY_CODE', 'OTP']);

function readButtons(raw: unknown): TemplateButtonSpec[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isJsonObject).map((button, index) => {
    const type = upper(button.type) ?? 'UNKNOWN';
    const parameterCount = type === 'URL' ? placeholdersIn(text(button.url)).length : CODE_BUTTONS.has(type) ? 1 : 0;
    return { index, type, text: text(button.text), parameterCount };
  });
}

function readComponent(raw: JsonObject): TemplateComponentSpec | null {
  const type = upper(raw.type);
  if (!type) return null;
  if (type === 'BUTTONS') return { type, format: null, parameterCount: 0, parameterNames: [], buttons: readButtons(raw.buttons) };
  const format = type === 'HEADER' ? ((upper(raw.format) ?? 'TEXT') as HeaderFormat) : null;
  if (format && MEDIA_FORMATS.has(format)) return { type, format, parameterCount: 1, parameterNames: [], buttons: [] };
  const names = type === 'FOOTER' ? [] : placeholdersIn(text(raw.text));
  return { type, format, parameterCount: names.length, parameterNames: names, buttons: [], text: text(raw.text) };
}

/** One `waba_templates` entry, or the reason it cannot be used. */
export function readTemplate(raw: unknown): TemplateDefinition | string {
  if (!isJsonObject(raw)) return 'an entry that is not an object';
  const name = text(raw.name);
  const language = text(raw.language);
  if (!name || !language) return `an entry without name or language (${JSON.stringify(raw).slice(0, 80)})`;
  const components = (Array.isArray(raw.components) ? raw.components : [])
    .filter(isJsonObject)
    .map(readComponent)
    .filter((component): component is TemplateComponentSpec => component !== null);
  const parameterFormat: ParameterFormat = upper(raw.parameter_format) === 'NAMED' ? 'NAMED' : 'POSITIONAL';
  return {
    name,
    language,
    status: upper(raw.status) ?? 'UNKNOWN',
    category: upper(raw.category),
    parameterFormat,
    namespace: text(raw.namespace),
    components,
  };
}

/** A page of `GET /v1/configs/templates`. */
export function readTemplatePage(body: unknown): TemplatePage {
  const root = isJsonObject(body) ? body : {};
  const entries = Array.isArray(root.waba_templates) ? root.waba_templates : Array.isArray(root.data) ? root.data : [];
  const templates: TemplateDefinition[] = [];
  const ignored: string[] = [];
  for (const entry of entries) {
    const read = readTemplate(entry);
    if (typeof read === 'string') ignored.push(read);
    else templates.push(read);
  }
  const total = typeof root.total === 'number' && Number.isInteger(root.total) ? root.total : null;
  return { templates, total, ignored };
}

/** The path of the page at `offset` (360dialog paginates with limit and offset). */
export function templatePagePath(offset: number, limit: number): string {
  return `/v1/configs/templates?limit=${limit}&offset=${offset}`;
}

/** Whether another page follows the one just read. */
export function hasNextTemplatePage(page: TemplatePage, offset: number, limit: number, entriesOnPage: number): boolean {
  if (entriesOnPage === 0) return false;
  if (page.total !== null) return offset + entriesOnPage < page.total;
  return entriesOnPage >= limit;
}
