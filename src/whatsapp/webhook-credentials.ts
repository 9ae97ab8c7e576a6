import type { ApiGeneration } from './types.js';

/** Pure rules around a channel's webhook: its URL, and the Basic credentials 360dialog sends back. */

export function webhookUrl(publicUrl: string, channelId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/webhooks/360dialog/${channelId}`;
}

/** Cloud webhook URLs must contain no underscore and no `:port` (docs/whatsapp-api.md); 360dialog rejects or ignores them. */
export function webhookUrlWarnings(url: string, generation: ApiGeneration): string[] {
  if (generation !== 'cloud') return [];
  const warnings: string[] = [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [`${url} is not a valid URL`];
  }
  if (parsed.port !== '') warnings.push(`Cloud API webhook URLs must not contain a port (${parsed.host}); set PUBLIC_URL to a URL without one`);
  if (url.includes('_')) warnings.push('Cloud API webhook URLs must not contain an underscore; set PUBLIC_URL to a URL without one');
  if (parsed.protocol !== 'https:') warnings.push('360dialog delivers Cloud API webhooks to https URLs only');
  return warnings;
}

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

export interface BasicCredentials {
  username: string;
  password: string;
}

/** `Basic base64(user:pass)`; the password may itself contain colons. Null when the header is anything else. */
export function parseBasicAuthorization(header: string | undefined | null): BasicCredentials | null {
  if (!header) return null;
  const match = /^\s*basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
