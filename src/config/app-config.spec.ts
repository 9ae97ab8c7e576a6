import { loadConfig } from './app-config.js';

/**
 * docker compose passes an unset variable written `${VAR:-}` as an empty string. An empty value means
 * "not set": a WEBHOOK_PARTNER_SECRET of "" must not become a secret every webhook fails against.
 */
describe('loadConfig: an empty variable is an unset one', () => {
  const base = { NODE_ENV: 'test', API_TOKEN: 'a-test-token-0123456789', ENCRYPTION_KEY: '00'.repeat(32), DATA_DIR: '/tmp/wa-config-spec' };

  it.each<[string, (config: ReturnType<typeof loadConfig>) => unknown, unknown]>([
    ['WEBHOOK_PARTNER_SECRET', (config) => config.env.WEBHOOK_PARTNER_SECRET, undefined],
    ['REDIS_URL', (config) => config.env.REDIS_URL, undefined],
    ['DATABASE_URL', (config) => config.env.DATABASE_URL, undefined],
    ['PUBLIC_URL', (config) => config.publicUrl, 'http://localhost:3000'],
    ['PORT', (config) => config.env.PORT, 3000],
    ['ROLE', (config) => config.env.ROLE, 'all'],
    ['WEBHOOK_UNKNOWN_MESSAGE_RETRY_SECONDS', (config) => config.env.WEBHOOK_UNKNOWN_MESSAGE_RETRY_SECONDS, 3600],
  ])('%s="" is treated as unset', (name, read, expected) => {
    expect(read(loadConfig({ ...base, [name]: '' }))).toEqual(expected);
  });

  it('keeps a partner secret that is set', () => {
    expect(loadConfig({ ...base, WEBHOOK_PARTNER_SECRET: 's3cret' }).env.WEBHOOK_PARTNER_SECRET).toBe('s3cret');
  });

  it('still requires API_TOKEN in production when it is empty', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', API_TOKEN: '' })).toThrow(/API_TOKEN is required/);
  });
});

describe('loadConfig: the 360dialog Partner API settings', () => {
  const base = { NODE_ENV: 'test', API_TOKEN: 'a-test-token-0123456789', ENCRYPTION_KEY: '00'.repeat(32), DATA_DIR: '/tmp/wa-config-spec' };

  it('are optional, with 360dialog hub as the default URL', () => {
    const config = loadConfig(base);
    expect([config.env.PARTNER_ID, config.env.PARTNER_API_TOKEN, config.env.PARTNER_API_URL]).toEqual([undefined, undefined, 'https://hub.360dialog.io/api/v2']);
  });

  it.each([
    [{ PARTNER_ID: 'abcPA' }, /PARTNER_ID and PARTNER_API_TOKEN go together/],
    [{ PARTNER_API_TOKEN: 'partner-token-0001' }, /PARTNER_ID and PARTNER_API_TOKEN go together/],
    [{ PARTNER_ID: 'abcPA', PARTNER_API_TOKEN: 'short' }, /PARTNER_API_TOKEN must be the Partner API token/],
    [{ PARTNER_ID: 'abcPA', PARTNER_API_TOKEN: 'partner-token-0001', PARTNER_API_URL: 'hub' }, /PARTNER_API_URL/],
  ])('%j stops the start with a message naming it', (env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrow(message);
  });
});

describe('MARKETING_FREQUENCY_CAP', () => {
  const base = { NODE_ENV: 'test', API_TOKEN: 'a-test-token-0123456789', ENCRYPTION_KEY: '00'.repeat(32), DATA_DIR: '/tmp/wa-config-spec' };

  it.each([
    ['1/24h', { max: 1, hours: 24 }],
    ['3/7d', { max: 3, hours: 168 }],
    [' 2 / 12H ', { max: 2, hours: 12 }],
    ['', undefined],
  ])('%p → %p', (value, cap) => {
    expect(loadConfig({ ...base, MARKETING_FREQUENCY_CAP: value }).env.MARKETING_FREQUENCY_CAP).toEqual(cap);
  });

  it.each(['1/24', 'one a day', '0/24h', '1/0h', '1/31d', '-1/24h'])('%p stops the start with a message naming the variable', (value) => {
    expect(() => loadConfig({ ...base, MARKETING_FREQUENCY_CAP: value })).toThrow(/MARKETING_FREQUENCY_CAP/);
  });
});

describe('loadConfig: REPLY_ATTRIBUTION_HOURS', () => {
  const base = { NODE_ENV: 'test', API_TOKEN: 'a-test-token-0123456789', ENCRYPTION_KEY: '00'.repeat(32), DATA_DIR: '/tmp/wa-config-spec' };

  it.each([
    [undefined, 72],
    ['', 72],
    ['24', 24],
    ['0.5', 0.5],
  ])('%j → %d hours', (value, expected) => {
    expect(loadConfig({ ...base, ...(value === undefined ? {} : { REPLY_ATTRIBUTION_HOURS: value }) }).env.REPLY_ATTRIBUTION_HOURS).toBe(expected);
  });

  it.each([
    ['0', /REPLY_ATTRIBUTION_HOURS must be more than 0/],
    ['-3', /REPLY_ATTRIBUTION_HOURS must be more than 0/],
    ['three days', /REPLY_ATTRIBUTION_HOURS must be a number of hours/],
  ])('%j is refused at start-up, naming the variable', (value, message) => {
    expect(() => loadConfig({ ...base, REPLY_ATTRIBUTION_HOURS: value })).toThrow(message);
  });
});
