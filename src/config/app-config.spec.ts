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
