import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { configSchema, type Env, type ParsedEnv } from './config.schema.js';

export class ConfigError extends Error {}

/** 360dialog's API hosts: Cloud API, On-Premise, Partner API (docs/whatsapp-api.md). */
export const DIALOG360_HOSTS = ['waba-v2.360dialog.io', 'waba.360dialog.io', 'hub.360dialog.io'];
/** Added outside production, so the sandbox on this machine works without configuration. */
export const LOOPBACK_UPSTREAM_HOSTS = ['localhost', '127.0.0.0/8', '::1'];

/** Validated, derived configuration. Built once at boot; injected everywhere else. */
export class AppConfig {
  constructor(
    readonly env: ParsedEnv,
    readonly apiToken: string,
    readonly encryptionKey: Buffer,
    readonly publicUrl: string,
    readonly dataDir: string,
    readonly generatedApiToken: boolean,
  ) {}

  get isProduction(): boolean {
    return this.env.NODE_ENV === 'production';
  }
  /** UPSTREAM_ALLOWED_HOSTS, or its default: 360dialog's hosts, plus loopback unless NODE_ENV=production. */
  get upstreamAllowedHosts(): string[] {
    return this.env.UPSTREAM_ALLOWED_HOSTS ?? (this.isProduction ? DIALOG360_HOSTS : [...DIALOG360_HOSTS, ...LOOPBACK_UPSTREAM_HOSTS]);
  }
  get runsApi(): boolean {
    return this.env.ROLE !== 'worker';
  }
  get runsWorker(): boolean {
    return this.env.ROLE !== 'api';
  }
}

function decodeKey(raw: string): Buffer {
  const trimmed = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new ConfigError('ENCRYPTION_KEY must be 32 bytes, given as 64 hex characters or base64');
  }
  return key;
}

function readOrCreateSecret(dataDir: string, fileName: string, create: () => string): { value: string; created: boolean } {
  const file = join(dataDir, fileName);
  if (existsSync(file)) return { value: readFileSync(file, 'utf8').trim(), created: false };
  mkdirSync(dataDir, { recursive: true });
  const value = create();
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  return { value, created: true };
}

export function loadConfig(source: Record<string, string | undefined> = process.env): AppConfig {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = configSchema.safeParse(cleaned as Env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const env = parsed.data;
  const dataDir = isAbsolute(env.DATA_DIR) ? env.DATA_DIR : resolve(env.DATA_DIR);
  const production = env.NODE_ENV === 'production';

  if (production && !env.API_TOKEN) throw new ConfigError('API_TOKEN is required when NODE_ENV=production');
  if (production && !env.ENCRYPTION_KEY) throw new ConfigError('ENCRYPTION_KEY is required when NODE_ENV=production');
  if ((env.PARTNER_ID === undefined) !== (env.PARTNER_API_TOKEN === undefined)) {
    throw new ConfigError('PARTNER_ID and PARTNER_API_TOKEN go together: set both to use the 360dialog Partner API (key rotation), or neither');
  }

  const token = env.API_TOKEN
    ? { value: env.API_TOKEN, created: false }
    : readOrCreateSecret(dataDir, 'api-token', () => randomBytes(24).toString('base64url'));
  const key = env.ENCRYPTION_KEY
    ? env.ENCRYPTION_KEY
    : readOrCreateSecret(dataDir, 'encryption-key', () => randomBytes(32).toString('hex')).value;

  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  return new AppConfig(env, token.value, decodeKey(key), publicUrl, dataDir, !env.API_TOKEN);
}
