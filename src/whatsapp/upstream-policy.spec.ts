import { addressAllowed, checkBaseUrl, hostAllowed, parseUpstreamPolicy } from './upstream-policy.js';

const production = parseUpstreamPolicy(['waba-v2.360dialog.io', 'waba.360dialog.io', 'hub.360dialog.io']);
const development = parseUpstreamPolicy(['waba-v2.360dialog.io', 'waba.360dialog.io', 'hub.360dialog.io', 'localhost', '127.0.0.0/8', '::1']);
const custom = parseUpstreamPolicy(['*.360dialog.io', 'gateway.internal', '10.1.2.3', '192.168.0.0/16', '[fd00::1]']);

describe('hostAllowed: the URL host against UPSTREAM_ALLOWED_HOSTS', () => {
  it.each<[string, ReturnType<typeof parseUpstreamPolicy>, string, boolean]>([
    ['a listed name', production, 'waba-v2.360dialog.io', true],
    ['a listed name with a trailing dot', production, 'waba-v2.360dialog.io.', true],
    ['an unlisted name', production, 'evil.example', false],
    ['a sub-domain of a listed name is not the name', production, 'x.waba-v2.360dialog.io', false],
    ['production refuses localhost', production, 'localhost', false],
    ['production refuses 127.0.0.1', production, '127.0.0.1', false],
    ['production refuses [::1]', production, '[::1]', false],
    ['production refuses the metadata address', production, '169.254.169.254', false],
    ['development allows localhost', development, 'localhost', true],
    ['development allows 127.0.0.1', development, '127.0.0.1', true],
    ['development allows [::1]', development, '[::1]', true],
    ['development allows IPv4-mapped loopback', development, '[::ffff:7f00:1]', true],
    ['development still refuses the metadata address', development, '169.254.169.254', false],
    ['development refuses a private address', development, '10.0.0.1', false],
    ['*.suffix matches a sub-domain', custom, 'waba-v2.360dialog.io', true],
    ['*.suffix matches a deeper sub-domain', custom, 'a.b.360dialog.io', true],
    ['*.suffix does not match the suffix itself', custom, '360dialog.io', false],
    ['*.suffix does not match a look-alike', custom, 'evil360dialog.io', false],
    ['a listed IP', custom, '10.1.2.3', true],
    ['an address inside a listed range', custom, '192.168.4.5', true],
    ['an address next to a listed one', custom, '10.1.2.4', false],
    ['a listed IPv6 in brackets', custom, '[fd00::1]', true],
  ])('%s', (_name, policy, host, expected) => {
    expect(hostAllowed(policy, host)).toBe(expected);
  });
});

describe('addressAllowed: where a connection goes, after DNS', () => {
  it.each<[string, ReturnType<typeof parseUpstreamPolicy>, string, boolean]>([
    ['public IPv4', production, '157.240.1.1', true],
    ['public IPv6', production, '2a03:2880:f10c:83:face:b00c:0:25de', true],
    ['loopback', production, '127.0.0.1', false],
    ['loopback elsewhere in 127/8', production, '127.1.2.3', false],
    ['IPv6 loopback', production, '::1', false],
    ['IPv4-mapped IPv6 loopback', production, '::ffff:127.0.0.1', false],
    ['IPv4-compatible IPv6 loopback', production, '::7f00:1', false],
    ['cloud metadata', production, '169.254.169.254', false],
    ['IPv4-mapped cloud metadata', production, '::ffff:169.254.169.254', false],
    ['AWS IPv6 metadata (unique local)', production, 'fd00:ec2::254', false],
    ['Alibaba metadata (CGNAT)', production, '100.100.100.200', false],
    ['private 10/8', production, '10.0.0.1', false],
    ['private 172.16/12', production, '172.16.5.4', false],
    ['private 192.168/16', production, '192.168.1.1', false],
    ['IPv6 link-local', production, 'fe80::1', false],
    ['unspecified', production, '0.0.0.0', false],
    ['NAT64 of loopback', production, '64:ff9b::7f00:1', false],
    ['multicast', production, '224.0.0.1', false],
    ['not an address', production, 'localhost', false],
    ['development: listed loopback range', development, '127.0.0.1', true],
    ['development: listed IPv6 loopback', development, '::1', true],
    ['development: IPv4-mapped loopback is loopback', development, '::ffff:127.0.0.1', true],
    ['development: metadata still refused', development, '169.254.169.254', false],
    ['custom: listed private address', custom, '10.1.2.3', true],
    ['custom: listed private range', custom, '192.168.200.1', true],
    ['custom: unlisted private address', custom, '10.1.2.4', false],
  ])('%s: %s', (_name, policy, address, expected) => {
    expect(addressAllowed(policy, address)).toBe(expected);
  });
});

describe('checkBaseUrl: what a channel may store', () => {
  it.each<[string, ReturnType<typeof parseUpstreamPolicy>, string, string | null]>([
    ['360dialog Cloud', production, 'https://waba-v2.360dialog.io', null],
    ['with a path', production, 'https://waba-v2.360dialog.io/v1/', null],
    ['user info', production, 'https://user:pass@waba-v2.360dialog.io', 'must not contain user info (user:password@)'],
    ['empty user info', production, 'https://@waba-v2.360dialog.io', 'must not contain user info (user:password@)'],
    ['a query', production, 'https://waba-v2.360dialog.io/?x=', 'must not contain a query (?…)'],
    ['an empty query', production, 'https://waba-v2.360dialog.io/?', 'must not contain a query (?…)'],
    ['a fragment', production, 'https://waba-v2.360dialog.io/#a', 'must not contain a fragment (#…)'],
    ['another scheme', production, 'file:///etc/passwd', 'must use http or https'],
    ['not a URL', production, 'waba.example', 'must be an http(s) URL such as https://waba-v2.360dialog.io'],
    ['loopback in production', production, 'http://127.0.0.1:6379', "host 127.0.0.1 is not allowed by UPSTREAM_ALLOWED_HOSTS (360dialog's hosts unless configured)"],
    ['hex loopback in production', production, 'http://0x7f000001:5432', "host 127.0.0.1 is not allowed by UPSTREAM_ALLOWED_HOSTS (360dialog's hosts unless configured)"],
    ['[::1] in production', production, 'http://[::1]:5432', "host [::1] is not allowed by UPSTREAM_ALLOWED_HOSTS (360dialog's hosts unless configured)"],
    ['metadata in production', production, 'http://169.254.169.254', "host 169.254.169.254 is not allowed by UPSTREAM_ALLOWED_HOSTS (360dialog's hosts unless configured)"],
    ['the sandbox in development', development, 'http://127.0.0.1:3360', null],
    ['localhost in development', development, 'http://localhost:3360', null],
    ['metadata in development', development, 'http://169.254.169.254/latest', "host 169.254.169.254 is not allowed by UPSTREAM_ALLOWED_HOSTS (360dialog's hosts unless configured)"],
  ])('%s', (_name, policy, url, problem) => {
    const verdict = checkBaseUrl(policy, url);
    expect(verdict.ok ? null : verdict.problem).toBe(problem);
  });
});
