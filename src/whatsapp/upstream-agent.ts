import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { addressAllowed, hostAllowed, UpstreamPolicyError, type UpstreamPolicy } from './upstream-policy.js';

/** The shape of dns.lookup that net.connect calls (one address, or all of them with `all: true`). */
export type UpstreamLookup = (
  hostname: string,
  options: LookupOneOptions | LookupAllOptions,
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

export interface UpstreamAgentOptions extends Omit<Agent.Options, 'connect'> {
  connect?: buildConnector.BuildOptions;
  /** Name resolution (default dns.lookup); tests give their own to stand in for a rebinding DNS. */
  lookup?: UpstreamLookup;
}

/**
 * The undici Agent every 360dialog call goes through, with the upstream policy applied where the
 * connection is made: the host name is checked first (an IP literal is checked as an address), then
 * every address the name resolves to, so a name that is allowed but resolves to an inside address
 * (DNS rebinding) is refused before a single byte goes there. Nothing is connected for a refused call.
 */
export function createUpstreamAgent(policy: UpstreamPolicy, options: UpstreamAgentOptions = {}): Agent {
  const { connect: connectOptions = {}, lookup = dnsLookup as unknown as UpstreamLookup, ...agentOptions } = options;
  const guardedLookup: UpstreamLookup = (hostname, lookupOptions, callback) => {
    lookup(hostname, lookupOptions, (error, address, family) => {
      if (error) return callback(error, address, family);
      if (Array.isArray(address)) {
        const allowed = address.filter((entry) => addressAllowed(policy, entry.address));
        if (allowed.length === 0) return callback(refusedAddress(hostname, address.map((entry) => entry.address)), []);
        return callback(null, allowed);
      }
      if (!addressAllowed(policy, address)) return callback(refusedAddress(hostname, [address]), '', family);
      callback(null, address, family);
    });
  };
  const connector = buildConnector({ ...connectOptions, lookup: guardedLookup } as buildConnector.BuildOptions);
  return new Agent({
    ...agentOptions,
    connect: (connectTo, callback) => {
      const host = connectTo.hostname.replace(/^\[|\]$/g, '');
      if (!hostAllowed(policy, host)) {
        return callback(new UpstreamPolicyError('UPSTREAM_HOST_REFUSED', `the host ${host} is not allowed by UPSTREAM_ALLOWED_HOSTS`), null);
      }
      // net.connect does not look up an IP literal, so it is checked here.
      if (isIP(host) !== 0 && !addressAllowed(policy, host)) return callback(refusedAddress(host, [host]), null);
      connector(connectTo, callback);
    },
  });
}

function refusedAddress(hostname: string, addresses: string[]): UpstreamPolicyError {
  return new UpstreamPolicyError(
    'UPSTREAM_ADDRESS_REFUSED',
    `${hostname} resolves to ${addresses.join(', ')}, an address UPSTREAM_ALLOWED_HOSTS does not list (loopback, private, link-local and metadata addresses must be listed)`,
  );
}
