import { loadConfig } from './app-config.js';

/** Issue 15's settings: UPSTREAM_ALLOWED_HOSTS (and its default per NODE_ENV), TRUST_PROXY, HTTP timeouts. */
const base = { API_TOKEN: 'a-test-token-0123456789', ENCRYPTION_KEY: '00'.repeat(32), DATA_DIR: '/tmp/wa-network-config-spec' };
const DIALOG360 = ['waba-v2.360dialog.io', 'waba.360dialog.io', 'hub.360dialog.io'];

describe('UPSTREAM_ALLOWED_HOSTS', () => {
  it.each<[string, Record<string, string>, string[]]>([
    ['production: 360dialog only', { NODE_ENV: 'production' }, DIALOG360],
    ['development: 360dialog and loopback', { NODE_ENV: 'development' }, [...DIALOG360, 'localhost', '127.0.0.0/8', '::1']],
    ['test: 360dialog and loopback', { NODE_ENV: 'test' }, [...DIALOG360, 'localhost', '127.0.0.0/8', '::1']],
    ['set: exactly the list', { NODE_ENV: 'production', UPSTREAM_ALLOWED_HOSTS: ' *.360dialog.io, gateway.internal ,10.0.0.0/8,[fd00::1]' }, ['*.360dialog.io', 'gateway.internal', '10.0.0.0/8', '[fd00::1]']],
    ['empty: the default', { NODE_ENV: 'production', UPSTREAM_ALLOWED_HOSTS: '' }, DIALOG360],
  ])('%s', (_name, env, expected) => {
    expect(loadConfig({ ...base, ...env }).upstreamAllowedHosts).toEqual(expected);
  });

  it.each(['http://waba.360dialog.io', 'host/path', 'a b', '*.', 'user@host', '10.0.0.0/33'])('refuses %j at start-up', (entry) => {
    expect(() => loadConfig({ ...base, UPSTREAM_ALLOWED_HOSTS: entry })).toThrow(/UPSTREAM_ALLOWED_HOSTS must be comma-separated host names/);
  });
});

describe('TRUST_PROXY', () => {
  it.each<[string | undefined, boolean | string[]]>([
    [undefined, false],
    ['false', false],
    ['0', false],
    ['true', true],
    ['10.0.0.1', ['10.0.0.1']],
    ['10.0.0.1, 192.168.0.0/16,::1', ['10.0.0.1', '192.168.0.0/16', '::1']],
  ])('%j → %j', (value, expected) => {
    expect(loadConfig({ ...base, ...(value !== undefined ? { TRUST_PROXY: value } : {}) }).env.TRUST_PROXY).toEqual(expected);
  });

  it.each(['yes', 'proxy.internal', '10.0.0.1,nope'])('refuses %j at start-up', (value) => {
    expect(() => loadConfig({ ...base, TRUST_PROXY: value })).toThrow(/TRUST_PROXY must be false, true, or comma-separated proxy IP addresses or CIDR ranges/);
  });
});

describe('HTTP timeouts', () => {
  it('default to 30 s for a request, 60 s for an idle connection, 72 s keep-alive', () => {
    expect(loadConfig(base).env).toMatchObject({ HTTP_REQUEST_TIMEOUT_MS: 30_000, HTTP_CONNECTION_TIMEOUT_MS: 60_000, HTTP_KEEP_ALIVE_TIMEOUT_MS: 72_000, JSON_MAX_DEPTH: 32, UPSTREAM_MAX_BODY_KB: 64 });
  });

  it('refuses a request timeout under a second', () => {
    expect(() => loadConfig({ ...base, HTTP_REQUEST_TIMEOUT_MS: '0' })).toThrow(/HTTP_REQUEST_TIMEOUT_MS/);
  });
});
