import ipaddr from 'ipaddr.js';

/**
 * Where the engine may send 360dialog calls (UPSTREAM_ALLOWED_HOSTS). Pure rules; upstream-agent.ts
 * applies them when a connection is made, channels apply checkBaseUrl when a baseUrl is stored.
 *
 * - A URL's host must be a listed name, match a `*.suffix` (a sub-domain, not the suffix itself), or be
 *   an IP address inside a listed address or CIDR range.
 * - The address a connection goes to (after DNS, so a name that rebinds to an inside address is caught)
 *   must be public unicast, or inside a listed address or CIDR range: loopback, private, link-local
 *   (cloud metadata 169.254.169.254), CGNAT, unique-local, NAT64, 6to4, IPv4-compatible/-mapped IPv6 and
 *   every other special range are reached only when listed explicitly.
 */
export interface UpstreamPolicy {
  readonly names: ReadonlySet<string>;
  /** `.360dialog.io` for `*.360dialog.io`. */
  readonly suffixes: readonly string[];
  readonly ranges: ReadonlyArray<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
}

export class UpstreamPolicyError extends Error {
  constructor(
    readonly code: 'UPSTREAM_HOST_REFUSED' | 'UPSTREAM_ADDRESS_REFUSED',
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamPolicyError';
  }
}

/** The policy refusal behind a transport error (undici may wrap it as a `cause`), or null. */
export function upstreamPolicyError(error: unknown, depth = 0): UpstreamPolicyError | null {
  if (error instanceof UpstreamPolicyError) return error;
  if (depth > 3 || typeof error !== 'object' || error === null) return null;
  return upstreamPolicyError((error as { cause?: unknown }).cause, depth + 1);
}

/** IPv4-compatible IPv6 (::a.b.c.d, deprecated): ipaddr.js calls it unicast, but it names an IPv4 address. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/** Entries as validated by the config schema: host names, `*.suffix`, IP addresses, CIDR ranges. */
export function parseUpstreamPolicy(entries: readonly string[]): UpstreamPolicy {
  const names = new Set<string>();
  const suffixes: string[] = [];
  const ranges: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> = [];
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase().replace(/^\[|\]$/g, '');
    if (ipaddr.isValidCIDR(entry)) {
      const [address, bits] = ipaddr.parseCIDR(entry);
      ranges.push(address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? [(address as ipaddr.IPv6).toIPv4Address(), bits - 96] : [address, bits]);
    } else if (ipaddr.isValid(entry)) {
      const address = ipaddr.process(entry);
      ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else if (entry.startsWith('*.')) {
      suffixes.push(withoutTrailingDot(entry.slice(1)));
    } else if (entry.length > 0) {
      names.add(withoutTrailingDot(entry));
    }
  }
  return { names, suffixes, ranges };
}

/** The URL's host (URL.hostname: lower case, IPv6 in brackets) may be called. */
export function hostAllowed(policy: UpstreamPolicy, hostname: string): boolean {
  const host = withoutTrailingDot(hostname.toLowerCase().replace(/^\[|\]$/g, ''));
  if (ipaddr.isValid(host)) return inListedRange(policy, ipaddr.process(host));
  if (policy.names.has(host)) return true;
  return policy.suffixes.some((suffix) => host.endsWith(suffix) && host.length > suffix.length);
}

/** A connection may go to this resolved address. Anything unparsable is refused. */
export function addressAllowed(policy: UpstreamPolicy, address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const parsed = ipaddr.process(address);
  if (inListedRange(policy, parsed)) return true;
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).match(IPV4_COMPATIBLE)) return false;
  return parsed.range() === 'unicast';
}

export type BaseUrlVerdict = { ok: true } | { ok: false; problem: string };

/**
 * A channel's baseUrl: http(s), no user info, query or fragment (each would change where or what the
 * engine calls), and a host the policy allows. `problem` completes "baseUrl …".
 */
export function checkBaseUrl(policy: UpstreamPolicy, raw: string): BaseUrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: 'must be an http(s) URL such as https://waba-v2.360dialog.io' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, problem: 'must use http or https' };
  const authority = raw.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split(/[/?#\\]/)[0] ?? '';
  if (url.username !== '' || url.password !== '' || authority.includes('@')) {
    return { ok: false, problem: 'must not contain user info (user:password@)' };
  }
  if (raw.includes('?')) return { ok: false, problem: 'must not contain a query (?…)' };
  if (raw.includes('#')) return { ok: false, problem: 'must not contain a fragment (#…)' };
  if (!hostAllowed(policy, url.hostname)) {
    return { ok: false, problem: `host ${url.hostname} is not allowed by UPSTREAM_ALLOWED_HOSTS (360dialog's hosts unless configured)` };
  }
  return { ok: true };
}

function inListedRange(policy: UpstreamPolicy, address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return policy.ranges.some(([range, bits]) => range.kind() === address.kind() && (address as ipaddr.IPv4).match(range as ipaddr.IPv4, bits));
}

function withoutTrailingDot(host: string): string {
  return host.endsWith('.') ? host.slice(0, -1) : host;
}
