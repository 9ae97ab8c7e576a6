/**
 * The audience's validation (pure): checks the JSON a client sent and returns the normalised audience,
 * or every problem, each naming its place (`audience.where[1].op …`). Whether named lists, campaigns
 * and segments exist is checked by AudiencesService against the database.
 */
import { DateTime } from 'luxon';
import { isUuid } from '../common/ids.js';
import {
  type Audience,
  DATE_COLUMNS,
  type FromCampaign,
  isDateColumn,
  isTextColumn,
  RETARGET_STATUSES,
  type RetargetStatus,
  TEXT_COLUMNS,
  WHERE_OPS,
  type WhereClause,
  type WhereOp,
} from './audience.js';

export const AUDIENCE_LIMITS = { lists: 50, where: 20, values: 1000, valueLength: 500, buttonLength: 256 } as const;

/** Attribute keys as the import stores them (lower_snake_case CSV headers). */
const ATTRIBUTE_KEY = /^[a-z][a-z0-9_]{0,99}$/;
const NUMBER_TEXT = /^-?\d+(\.\d+)?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const AUDIENCE_KEYS = ['listIds', 'excludeListIds', 'where', 'fromCampaign', 'segmentId'];
const CLAUSE_KEYS = ['field', 'op', 'value'];
const FROM_CAMPAIGN_KEYS = ['campaignId', 'statuses', 'replied', 'clickedButton'];

/** Which ops each kind of field takes. */
const TEXT_OPS: readonly WhereOp[] = ['eq', 'neq', 'in', 'notIn', 'contains', 'exists', 'notExists'];
const DATE_OPS: readonly WhereOp[] = ['before', 'after', 'exists', 'notExists'];

export type AudienceCheck = { ok: true; audience: Audience } | { ok: false; problems: string[] };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const quote = (value: unknown) => JSON.stringify(value);

/**
 * Validates an audience. `segmentAllowed`: false for the audience of a saved segment (segments do not
 * nest: a segment that names a segment could form a loop).
 */
export function checkAudience(input: unknown, path = 'audience', options: { segmentAllowed: boolean } = { segmentAllowed: true }): AudienceCheck {
  const problems: string[] = [];
  if (!isRecord(input)) return { ok: false, problems: [`${path} must be an object such as {"listIds": ["…"], "where": [{"field": "country", "op": "eq", "value": "DE"}]}`] };
  for (const key of Object.keys(input)) {
    if (!AUDIENCE_KEYS.includes(key)) problems.push(`${path}.${key} is not an audience option: use ${AUDIENCE_KEYS.join(', ')}`);
  }
  const audience: Audience = {};
  const listIds = uuidList(input.listIds, `${path}.listIds`, 'list', problems);
  if (listIds) audience.listIds = listIds;
  const excludeListIds = uuidList(input.excludeListIds, `${path}.excludeListIds`, 'list', problems);
  if (excludeListIds) audience.excludeListIds = excludeListIds;
  if (input.where !== undefined) {
    if (!Array.isArray(input.where)) problems.push(`${path}.where must be an array of {"field", "op", "value"} clauses`);
    else if (input.where.length > AUDIENCE_LIMITS.where) problems.push(`${path}.where has ${input.where.length} clauses: at most ${AUDIENCE_LIMITS.where}`);
    else {
      const where = input.where.map((clause, index) => checkClause(clause, `${path}.where[${index}]`, problems));
      if (where.every((clause): clause is WhereClause => clause !== null)) audience.where = where;
    }
  }
  if (input.fromCampaign !== undefined) {
    const fromCampaign = checkFromCampaign(input.fromCampaign, `${path}.fromCampaign`, problems);
    if (fromCampaign) audience.fromCampaign = fromCampaign;
  }
  if (input.segmentId !== undefined) {
    if (!options.segmentAllowed) problems.push(`${path}.segmentId: a saved segment cannot name another segment; copy its conditions instead`);
    else if (typeof input.segmentId !== 'string' || !isUuid(input.segmentId)) problems.push(`${path}.segmentId must be a segment id (a UUID), got ${quote(input.segmentId)}`);
    else audience.segmentId = input.segmentId;
  }
  const hasSource = (Array.isArray(input.listIds) && input.listIds.length > 0) || input.fromCampaign !== undefined || input.segmentId !== undefined;
  if (!hasSource) problems.push(`${path} needs someone to start from: give listIds, fromCampaign or segmentId`);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, audience };
}

function uuidList(value: unknown, path: string, what: string, problems: string[]): string[] | null {
  if (value === undefined) return null;
  if (!Array.isArray(value)) {
    problems.push(`${path} must be an array of ${what} ids (UUIDs)`);
    return null;
  }
  if (value.length > AUDIENCE_LIMITS.lists) {
    problems.push(`${path} names ${value.length} ${what}s: at most ${AUDIENCE_LIMITS.lists}`);
    return null;
  }
  const bad = value.findIndex((id) => typeof id !== 'string' || !isUuid(id));
  if (bad >= 0) {
    problems.push(`${path}[${bad}] must be a ${what} id (a UUID), got ${quote(value[bad])}`);
    return null;
  }
  return [...new Set((value as string[]).map((id) => id.toLowerCase()))];
}

function checkClause(input: unknown, path: string, problems: string[]): WhereClause | null {
  if (!isRecord(input)) {
    problems.push(`${path} must be an object {"field", "op", "value"}`);
    return null;
  }
  const before = problems.length;
  for (const key of Object.keys(input)) {
    if (!CLAUSE_KEYS.includes(key)) problems.push(`${path}.${key} is not part of a clause: use field, op and value`);
  }
  const { field, op } = input;
  if (typeof field !== 'string' || !(isTextColumn(field) || isDateColumn(field) || ATTRIBUTE_KEY.test(field))) {
    problems.push(
      `${path}.field must be a contact column (${[...TEXT_COLUMNS, ...DATE_COLUMNS].join(', ')}) or an attribute key in lower_snake_case as the import stores it, got ${quote(field)}`,
    );
    return null;
  }
  if (typeof op !== 'string' || !(WHERE_OPS as readonly string[]).includes(op)) {
    problems.push(`${path}.op must be one of ${WHERE_OPS.join(', ')}, got ${quote(op)}`);
    return null;
  }
  const allowed = isTextColumn(field) ? TEXT_OPS : isDateColumn(field) ? DATE_OPS : WHERE_OPS;
  if (!allowed.includes(op as WhereOp)) {
    const kind = isTextColumn(field) ? 'a text column' : 'a date column';
    problems.push(`${path}.op ${op} does not apply to ${field} (${kind}): use ${allowed.join(', ')}`);
    return null;
  }
  const clause = clauseValue(field, op as WhereOp, input.value, `${path}.value`, problems, 'value' in input);
  return problems.length > before ? null : clause;
}

function clauseValue(field: string, op: WhereOp, value: unknown, path: string, problems: string[], given: boolean): WhereClause | null {
  // Country codes are stored upper case (ISO 3166-1 alpha-2, as the import writes them).
  const text = (raw: string) => (field === 'country' ? raw.toUpperCase() : raw);
  switch (op) {
    case 'exists':
    case 'notExists':
      if (given) problems.push(`${path} must be left out: ${op} takes no value`);
      return { field, op };
    case 'eq':
    case 'neq':
    case 'contains': {
      const scalar = scalarText(value, path, problems);
      if (scalar === null) return null;
      if (op === 'contains' && scalar === '') problems.push(`${path} must not be empty for contains`);
      return { field, op, value: text(scalar) };
    }
    case 'in':
    case 'notIn': {
      if (!Array.isArray(value) || value.length === 0 || value.length > AUDIENCE_LIMITS.values) {
        problems.push(`${path} must be an array of 1 to ${AUDIENCE_LIMITS.values} values for ${op}, got ${quote(value)}`);
        return null;
      }
      const values: string[] = [];
      for (const [index, item] of value.entries()) {
        const scalar = scalarText(item, `${path}[${index}]`, problems);
        if (scalar !== null) values.push(text(scalar));
      }
      return { field, op, value: [...new Set(values)] };
    }
    case 'gt':
    case 'lt': {
      const number = typeof value === 'number' ? value : typeof value === 'string' && NUMBER_TEXT.test(value.trim()) ? Number(value) : NaN;
      if (!Number.isFinite(number)) {
        problems.push(`${path} must be a number for ${op} (attributes are compared as numbers), got ${quote(value)}`);
        return null;
      }
      return { field, op, value: number };
    }
    case 'before':
    case 'after': {
      const instant = typeof value === 'string' ? isoInstant(value, isDateColumn(field)) : null;
      if (instant === null) {
        problems.push(`${path} must be an ISO 8601 date or timestamp for ${op}, e.g. 2026-01-01 or 2026-01-01T09:00:00+01:00, got ${quote(value)}`);
        return null;
      }
      return { field, op, value: instant };
    }
  }
}

/**
 * A date column compares instants: a date alone is midnight UTC. An attribute holds text, compared as
 * ISO 8601 text (YYYY-MM-DD… sorts chronologically): a date alone stays a date, a timestamp becomes UTC.
 */
function isoInstant(value: string, column: boolean): string | null {
  const parsed = DateTime.fromISO(value.trim(), { zone: 'utc', setZone: false });
  if (!parsed.isValid) return null;
  if (!column && DATE_ONLY.test(value.trim())) return value.trim();
  return parsed.toUTC().toISO({ suppressMilliseconds: true });
}

function scalarText(value: unknown, path: string, problems: string[]): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') {
    problems.push(`${path} must be a string or a number, got ${quote(value)}`);
    return null;
  }
  if (value.length > AUDIENCE_LIMITS.valueLength) {
    problems.push(`${path} is ${value.length} characters long: at most ${AUDIENCE_LIMITS.valueLength}`);
    return null;
  }
  return value;
}

function checkFromCampaign(input: unknown, path: string, problems: string[]): FromCampaign | null {
  if (!isRecord(input)) {
    problems.push(`${path} must be an object such as {"campaignId": "…", "statuses": ["sent", "delivered"]}`);
    return null;
  }
  const before = problems.length;
  for (const key of Object.keys(input)) {
    if (!FROM_CAMPAIGN_KEYS.includes(key)) problems.push(`${path}.${key} is not a fromCampaign option: use ${FROM_CAMPAIGN_KEYS.join(', ')}`);
  }
  const { campaignId, statuses, replied, clickedButton } = input;
  if (typeof campaignId !== 'string' || !isUuid(campaignId)) problems.push(`${path}.campaignId must be a campaign id (a UUID), got ${quote(campaignId)}`);
  const result: FromCampaign = { campaignId: String(campaignId).toLowerCase() };
  if (statuses !== undefined) {
    const valid = Array.isArray(statuses) && statuses.length > 0 && statuses.every((status) => (RETARGET_STATUSES as readonly unknown[]).includes(status));
    if (!valid) problems.push(`${path}.statuses must be a non-empty array of recipient statuses (${RETARGET_STATUSES.join(', ')}), got ${quote(statuses)}`);
    else result.statuses = [...new Set(statuses as RetargetStatus[])];
  }
  if (replied !== undefined) {
    if (typeof replied !== 'boolean') problems.push(`${path}.replied must be true or false, got ${quote(replied)}`);
    else result.replied = replied;
  }
  if (clickedButton !== undefined) {
    if (typeof clickedButton !== 'string' || clickedButton === '' || clickedButton.length > AUDIENCE_LIMITS.buttonLength) {
      problems.push(`${path}.clickedButton must be the button's payload or text (1 to ${AUDIENCE_LIMITS.buttonLength} characters), got ${quote(clickedButton)}`);
    } else result.clickedButton = clickedButton;
  }
  return problems.length > before ? null : result;
}
