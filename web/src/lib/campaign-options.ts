/**
 * The optional parts of a new campaign, from the form's text fields to the API's shapes
 * (docs/api.md § When a recipient may be sent, § Engagement and A/B variants). Pure. What the form
 * cannot read is caught by checkOptions before the request; the engine re-checks everything and its
 * 400 names what is wrong.
 */
import type { FrequencyCap, SendWindow, WinnerRule } from '../api/types';
import { localInputToIso } from './format';

/** Meta's bounds for message_send_ttl_seconds, in the hours the form asks for (the API's ttlSeconds: 12 h to 30 days). */
export const TTL_HOURS = { min: 12, max: 30 * 24 } as const;

export interface OptionsForm {
  windowStart: string;
  windowEnd: string;
  timezone: string;
  recipientZone: boolean;
  fallbackTimezone: string;
  capMax: string;
  capHours: string;
  winnerMetric: '' | WinnerRule['metric'];
  testShare: string;
  afterHours: string;
  /** datetime-local text: not sent after it. */
  validUntil: string;
  /** Hours WhatsApp keeps trying to deliver (Marketing Messages API channels). */
  ttlHours: string;
}

export const browserZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

export const EMPTY_OPTIONS: OptionsForm = {
  windowStart: '',
  windowEnd: '',
  timezone: 'UTC',
  recipientZone: false,
  fallbackTimezone: '',
  capMax: '',
  capHours: '',
  winnerMetric: '',
  testShare: '20',
  afterHours: '4',
  validUntil: '',
  ttlHours: '',
};

/** The send window, or undefined when neither end is given. "recipient": each recipient's own zone, with the fallback. */
export function sendWindowBody(form: OptionsForm): SendWindow | undefined {
  if (!form.windowStart && !form.windowEnd) return undefined;
  return form.recipientZone
    ? { start: form.windowStart, end: form.windowEnd, timezone: 'recipient', fallbackTimezone: form.fallbackTimezone.trim() }
    : { start: form.windowStart, end: form.windowEnd, timezone: form.timezone.trim() };
}

const toNumber = (text: string): number => (text.trim() === '' ? Number.NaN : Number(text));

/** The campaign's own frequency cap, or undefined (the engine's MARKETING_FREQUENCY_CAP) when both fields are empty. */
export function frequencyCapBody(form: OptionsForm): FrequencyCap | undefined {
  if (!form.capMax.trim() && !form.capHours.trim()) return undefined;
  return { max: toNumber(form.capMax), hours: toNumber(form.capHours) };
}

/** The A/B winner rule, or undefined when no metric is chosen (all variants go to everybody at once). */
export function winnerBody(form: OptionsForm): WinnerRule | undefined {
  if (!form.winnerMetric) return undefined;
  return { metric: form.winnerMetric, testShare: toNumber(form.testShare), afterHours: toNumber(form.afterHours) };
}

/** validUntil and ttlSeconds as the API takes them; an empty field is left out (no end; WhatsApp's default TTL). */
export function deliveryBody(form: OptionsForm): { validUntil?: string; ttlSeconds?: number } {
  const validUntil = form.validUntil ? localInputToIso(form.validUntil) : null;
  const ttlHours = toNumber(form.ttlHours);
  return { ...(validUntil ? { validUntil } : {}), ...(Number.isFinite(ttlHours) ? { ttlSeconds: Math.round(ttlHours * 3600) } : {}) };
}

/** What the form can tell before asking the engine: field → message. */
export function checkOptions(form: OptionsForm): Record<string, string> {
  const problems: Record<string, string> = {};
  if (Boolean(form.windowStart) !== Boolean(form.windowEnd)) problems.sendWindow = 'Give both the start and the end of the send window.';
  else if (form.recipientZone && form.windowStart && !form.fallbackTimezone.trim())
    problems.sendWindow = "Give a fallback time zone for recipients whose own zone is unknown (e.g. Europe/Berlin).";
  const cap = frequencyCapBody(form);
  if (cap && !(Number.isInteger(cap.max) && Number.isInteger(cap.hours))) problems.frequencyCap = 'Give both numbers of the frequency cap: at most N messages per H hours.';
  const winner = winnerBody(form);
  if (winner && !(Number.isFinite(winner.testShare) && Number.isFinite(winner.afterHours))) problems.winner = 'Give the test share (%) and the hours after which the winner is picked.';
  if (form.validUntil && !localInputToIso(form.validUntil)) problems.validUntil = 'Valid until is not a date and time.';
  const ttlHours = toNumber(form.ttlHours);
  if (form.ttlHours.trim() && !(Number.isInteger(ttlHours) && ttlHours >= TTL_HOURS.min && ttlHours <= TTL_HOURS.max))
    problems.ttlSeconds = `Keep delivering for a whole number of hours from ${TTL_HOURS.min} to ${TTL_HOURS.max} (30 days), or leave it empty.`;
  return problems;
}
