import { z } from 'zod';

const booleanish = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

const csvList = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0),
);

/**
 * The one place the engine's environment is described. Names and defaults follow docs/api.md.
 * loadConfig drops empty values before parsing (docker compose passes an unset `${VAR:-}` as ""), so
 * an empty variable is an unset one: it gets its default, and an optional one (e.g.
 * WEBHOOK_PARTNER_SECRET) stays undefined. app-config.spec.ts holds that rule.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  ROLE: z.enum(['all', 'api', 'worker']).default('all'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(20),
  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  REDIS_URL: z.string().url().optional(),
  API_TOKEN: z.string().min(16, 'API_TOKEN must be at least 16 characters').optional(),
  METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
  ENCRYPTION_KEY: z.string().optional(),
  PUBLIC_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  UPLOAD_LIMIT_MB: z.coerce.number().positive().default(100),
  BODY_LIMIT_KB: z.coerce.number().int().positive().default(1024),
  SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(100).default(1000),
  /** Every channel's template registry is re-listed from 360dialog this often (worker processes); 0: only on demand. */
  TEMPLATE_SYNC_INTERVAL_MINUTES: z.coerce.number().int().min(0).default(60),
  /** A campaign's template entry older than this is re-synced before the pre-flight check (schedule, launch). */
  TEMPLATE_MAX_AGE_SECONDS: z.coerce.number().int().min(0).default(300),
  SENDER_ENABLED: booleanish.default(true),
  SENDER_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(200),
  SENDER_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(2048).default(256),
  SENDER_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(250),
  SEND_LEASE_SECONDS: z.coerce.number().int().min(5).default(60),
  SEND_TIMEOUT_MS: z.coerce.number().int().min(100).default(15000),
  SEND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(6),
  /** 131049 (Meta's per-user marketing limit): retries after 24 h, then 48 h, … at most this many. */
  MARKETING_LIMIT_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** Identical template failures (132000/132001/132005/132012) in a campaign before it pauses. */
  TEMPLATE_FAILURE_PAUSE_AFTER: z.coerce.number().int().min(1).default(5),
  UNKNOWN_OUTCOME_GRACE_SECONDS: z.coerce.number().int().min(0).default(600),
  ONPREMISE_UNKNOWN_OUTCOME_POLICY: z.enum(['mark_unknown', 'resend']).default('mark_unknown'),
  WEBHOOK_PROCESSOR_INTERVAL_MS: z.coerce.number().int().min(10).default(200),
  WEBHOOK_PROCESSOR_BATCH_SIZE: z.coerce.number().int().min(1).max(10000).default(1000),
  WEBHOOK_PROCESSOR_YIELD_UTILIZATION: z.coerce.number().min(0).max(1).default(0.8),
  WEBHOOK_PROCESSOR_YIELD_MS: z.coerce.number().int().min(1).max(5000).default(200),
  WEBHOOK_PROCESSOR_MAX_LAG_SECONDS: z.coerce.number().int().min(0).default(30),
  WEBHOOK_UNKNOWN_MESSAGE_RETRY_SECONDS: z.coerce.number().int().min(0).default(3600),
  WEBHOOK_PARTNER_SECRET: z.string().optional(),
  // Retention (issue 15): processed webhook bodies and message events older than this are deleted in
  // small batches by the retention worker; 0 keeps them for ever.
  WEBHOOK_INBOX_RETENTION_DAYS: z.coerce.number().int().min(0).default(30),
  MESSAGE_EVENT_RETENTION_DAYS: z.coerce.number().int().min(0).default(180),
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(1000),
  OPT_OUT_KEYWORDS: csvList.prefault(
    'STOP,STOPP,STOP ALL,UNSUBSCRIBE,CANCEL,END,QUIT,OPT OUT,OPTOUT,ALTO,BAJA,PARAR,ARRET,ARRETER,DESABONNER,ABMELDEN,AUFHOREN,STOPPEN,FERMATI,DISISCRIVITI,SAIR,CANCELAR',
  ),
});

export type Env = z.input<typeof configSchema>;
export type ParsedEnv = z.output<typeof configSchema>;
