import ipaddr from 'ipaddr.js';
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

/** MARKETING_FREQUENCY_CAP: "<max>/<hours>h" or "<max>/<days>d", e.g. 1/24h, 3/7d (at most 720 h). */
const FREQUENCY_CAP = /^(\d{1,3})\/(\d{1,3})(h|d)$/i;
const frequencyCap = z
  .string()
  .transform((value) => value.replace(/\s+/g, ''))
  .refine((value) => FREQUENCY_CAP.test(value), 'MARKETING_FREQUENCY_CAP must be <max>/<hours>h or <max>/<days>d, e.g. 1/24h or 3/7d')
  .transform((value) => {
    const [, max, amount, unit] = FREQUENCY_CAP.exec(value)!;
    return { max: Number(max), hours: Number(amount) * (unit.toLowerCase() === 'd' ? 24 : 1) };
  })
  .refine((cap) => cap.max >= 1 && cap.hours >= 1 && cap.hours <= 720, 'MARKETING_FREQUENCY_CAP needs a max of at least 1 and a window of 1 h to 720 h (30 d)');
/** A host name, `*.suffix`, an IP address or a CIDR range (UPSTREAM_ALLOWED_HOSTS entries). */
const HOST_NAME = /^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;
function isUpstreamHostEntry(entry: string): boolean {
  return HOST_NAME.test(entry) || ipaddr.isValid(entry.replace(/^\[|\]$/g, '')) || ipaddr.isValidCIDR(entry);
}

/** A list of proxies to trust for X-Forwarded-For: IP addresses or CIDR ranges. */
function isProxyEntry(entry: string): boolean {
  return ipaddr.isValid(entry) || ipaddr.isValidCIDR(entry);
}

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
  /**
   * Cloud: the longest an unknown outcome waits, from its dispatch, while the channel's status webhooks
   * are silent (no status yet for a message sent after it); then it is resent (recipient-claim.queries.ts).
   */
  UNKNOWN_OUTCOME_MAX_WAIT_SECONDS: z.coerce.number().int().min(0).default(3600),
  WEBHOOK_PROCESSOR_INTERVAL_MS: z.coerce.number().int().min(10).default(200),
  WEBHOOK_PROCESSOR_BATCH_SIZE: z.coerce.number().int().min(1).max(10000).default(1000),
  WEBHOOK_PROCESSOR_YIELD_UTILIZATION: z.coerce.number().min(0).max(1).default(0.8),
  WEBHOOK_PROCESSOR_YIELD_ARRIVALS_PER_SECOND: z.coerce.number().int().min(0).default(1000),
  WEBHOOK_PROCESSOR_YIELD_MS: z.coerce.number().int().min(1).max(5000).default(200),
  WEBHOOK_PROCESSOR_MAX_LAG_SECONDS: z.coerce.number().int().min(0).default(30),
  WEBHOOK_UNKNOWN_MESSAGE_RETRY_SECONDS: z.coerce.number().int().min(0).default(3600),
  WEBHOOK_PARTNER_SECRET: z.string().optional(),
  /** Path of the rate card (JSON, README § Rate card); unset: the shipped EXAMPLE card, labelled as such in every answer. */
  PRICING_RATE_CARD: z.string().optional(),
  /** 360dialog Partner API (key rotation): the partner id, its token (a secret: never logged) and the hub's base URL. */
  PARTNER_ID: z.string().optional(),
  PARTNER_API_TOKEN: z.string().min(8, 'PARTNER_API_TOKEN must be the Partner API token (at least 8 characters)').optional(),
  PARTNER_API_URL: z.string().url().default('https://hub.360dialog.io/api/v2'),
  /** After a key rotation stores the new key: how long sends already holding the old key get to finish before it is deleted upstream. */
  API_KEY_ROTATION_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  /** At most this many MARKETING templates per contact in a moving window, across campaigns and channels; unset: no cap. */
  MARKETING_FREQUENCY_CAP: frequencyCap.optional(),
  // Retention (issue 15): processed webhook bodies and message events older than this are deleted in
  // small batches by the retention worker; 0 keeps them for ever.
  WEBHOOK_INBOX_RETENTION_DAYS: z.coerce.number().int().min(0).default(30),
  MESSAGE_EVENT_RETENTION_DAYS: z.coerce.number().int().min(0).default(180),
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(1000),
  OPT_OUT_KEYWORDS: csvList.prefault(
    'STOP,STOPP,STOP ALL,UNSUBSCRIBE,CANCEL,END,QUIT,OPT OUT,OPTOUT,ALTO,BAJA,PARAR,ARRET,ARRETER,DESABONNER,ABMELDEN,AUFHOREN,STOPPEN,FERMATI,DISISCRIVITI,SAIR,CANCELAR',
  ),
  /** An inbound message without context.id counts as a reply to the latest campaign message to that person on that channel sent this many hours before. */
  REPLY_ATTRIBUTION_HOURS: z.coerce.number({ message: 'REPLY_ATTRIBUTION_HOURS must be a number of hours' }).positive('REPLY_ATTRIBUTION_HOURS must be more than 0').max(8760).default(72),
  /**
   * Where the engine may send 360dialog calls: host names, `*.suffix`, IP addresses or CIDR ranges.
   * Unset: 360dialog's hosts, plus loopback (localhost, 127.0.0.0/8, ::1) unless NODE_ENV=production
   * (AppConfig.upstreamAllowedHosts). A loopback, private, link-local or metadata address is reached only
   * when it is listed itself (whatsapp/upstream-policy.ts).
   */
  UPSTREAM_ALLOWED_HOSTS: csvList
    .refine((entries) => entries.every(isUpstreamHostEntry), {
      message: 'UPSTREAM_ALLOWED_HOSTS must be comma-separated host names, *.suffix, IP addresses or CIDR ranges',
    })
    .optional(),
  /** Largest 360dialog answer read, in KB; a longer one is cut off there (its status still counts). */
  UPSTREAM_MAX_BODY_KB: z.coerce.number().int().min(1).max(10240).default(64),
  /** The whole request (headers and body) must arrive within this; a slower client gets 408 and is disconnected. */
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30000),
  /**
   * A connection with no traffic at all for this long is closed (Node's socket timeout). Also while a
   * handler works without writing: keep it above SEND_TIMEOUT_MS (a template sync waits on 360dialog).
   */
  HTTP_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60000),
  /** An idle kept-alive connection is closed after this (keep it above the load balancer's idle timeout). */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1000).default(72000),
  /** Deepest JSON body nesting accepted (objects and arrays); deeper answers 400. */
  JSON_MAX_DEPTH: z.coerce.number().int().min(2).max(1000).default(32),
  /**
   * Whose X-Forwarded-For to believe: `false` (default: the socket's address is the client), `true`
   * (anyone's — only behind a proxy that overwrites the header), or comma-separated proxy addresses/CIDRs.
   */
  TRUST_PROXY: z
    .string()
    .transform((value, context): boolean | string[] => {
      const trimmed = value.trim().toLowerCase();
      if (trimmed === 'false' || trimmed === '0') return false;
      if (trimmed === 'true' || trimmed === '1') return true;
      const entries = value.split(',').map((item) => item.trim()).filter((item) => item.length > 0);
      if (entries.length === 0 || !entries.every(isProxyEntry)) {
        context.addIssue({ code: 'custom', message: 'TRUST_PROXY must be false, true, or comma-separated proxy IP addresses or CIDR ranges' });
        return z.NEVER;
      }
      return entries;
    })
    .default(false),
});

export type Env = z.input<typeof configSchema>;
export type ParsedEnv = z.output<typeof configSchema>;
