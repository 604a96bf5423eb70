import { outboundAllowVar } from './outbound.config.js';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { type AiConfig, loadAiConfig } from './ai.config.js';
import { ConfigError } from './config-error.js';

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** `false` (default), `true` (every peer: only behind a proxy that strips the header), a hop count, or a list. */
const trustProxyVar = z
  .string()
  .trim()
  .default('false')
  .transform((value, ctx): boolean | number | string[] => {
    if (value === '' || value === 'false' || value === '0') return false;
    if (value === 'true') return true;
    if (/^[1-9]\d?$/.test(value)) return Number(value);
    const entries = value.split(',').map((entry) => entry.trim());
    for (const entry of entries) {
      const [address, bits, ...rest] = entry.split('/');
      const family = isIP(address ?? '');
      const maxBits = family === 6 ? 128 : 32;
      const validBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits);
      if (!PROXY_NAMES.has(entry) && (family === 0 || !validBits || rest.length > 0)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${entry}" is not loopback, linklocal, uniquelocal, an IP address or a CIDR range (use false, true, a hop count or a comma-separated list)`,
        });
        return z.NEVER;
      }
    }
    return entries;
  });

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const url = (protocols: string[]) =>
  optionalString.refine(
    (v) => v === undefined || protocols.some((p) => v.startsWith(`${p}://`)),
    `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`,
  );

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  SERVER_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./.data'),
  DATABASE_URL: url(['postgres', 'postgresql']),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  /** KurrentDB (EventStoreDB) as the event store; read models stay in PostgreSQL (DATABASE_URL). */
  EVENTSTORE_URL: url([
    'kurrentdb',
    'kurrentdb+discover',
    'kurrent',
    'kurrent+discover',
    'kdb',
    'kdb+discover',
    'esdb',
    'esdb+discover',
  ]),
  JWT_SECRET: optionalString.refine(
    (v) => v === undefined || v.length >= 32,
    'must be at least 32 characters',
  ),
  JWT_TTL_SEC: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600)
    .default(24 * 3600),
  /**
   * Threads that hash and check passwords (argon2id, ~85 ms each) off the event loop; 0 hashes on the
   * event loop itself (every register and login then stalls the API for that long).
   */
  PASSWORD_HASH_THREADS: z.coerce.number().int().min(0).max(64).default(Math.min(2, availableParallelism())),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: url(['redis', 'rediss']),
  PUBLIC_BASE_URL: optionalString,
  /** When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: optionalString.refine(
    (v) => v === undefined || v.length >= 16,
    'must be at least 16 characters',
  ),
  ADMIN_EMAILS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
    ),
  S3_ENDPOINT: url(['http', 'https']),
  S3_BUCKET: optionalString,
  S3_ACCESS_KEY: optionalString,
  S3_SECRET_KEY: optionalString,
  S3_REGION: z.string().trim().min(1).default('us-east-1'),
  S3_PART_SIZE_MIB: z.coerce.number().int().min(5).max(5120).default(16),
  MEDIA_URL_TTL_SEC: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(7 * 24 * 3600),
  /** Namespace of every Redis key this deployment writes (several deployments may share one Redis). */
  REDIS_KEY_PREFIX: z.string().trim().min(1).max(100).default('3kstory:'),
  RATE_LIMIT_AUTH_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  /**
   * Which peers may speak for the client through `X-Forwarded-For` (per-address limits and logs use the
   * address it names). Off by default: any local process could otherwise claim any address.
   */
  TRUST_PROXY: trustProxyVar,
  /**
   * How long an idle keep-alive connection stays open. Longer than the idle timeout of any proxy or client
   * pool in front (load balancers use 60 s), so the server never closes a connection the other side is
   * about to reuse (that race surfaces as ECONNRESET or a proxy's 502).
   */
  HTTP_KEEP_ALIVE_SEC: z.coerce.number().int().min(1).max(3600).default(65),
  RATE_LIMIT_LOGIN_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_GENERATION_PER_HOUR: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_GENERATION_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(200),
  /**
   * Fair use, per user (0 = no limit): dramas and video tasks in progress at once, the seconds of video
   * they ask for together, and the scenes one request may ask for. Over a limit: 429 naming it.
   */
  LIMIT_CONCURRENT_DRAMAS: z.coerce.number().int().min(0).max(10_000).default(5),
  LIMIT_QUEUED_VIDEO_SEC: z.coerce.number().int().min(0).max(10_000_000).default(14_400),
  LIMIT_SCENES_PER_REQUEST: z.coerce.number().int().min(0).max(10_000).default(100),
  IDEMPOTENCY_TTL_SEC: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 24 * 3600)
    .default(24 * 3600),
  RUN_WORKERS: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(availableParallelism()),
  PIPELINE_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  PIPELINE_RETRY_BASE_MS: z.coerce.number().int().min(1).max(600_000).default(2_000),
  /** A consumer of the log retries a failing event this many times (batch, then alone) before parking it. */
  CONSUMER_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  CONSUMER_RETRY_BASE_MS: z.coerce.number().int().min(1).max(60_000).default(200),
  CONSUMER_RETRY_MAX_MS: z.coerce.number().int().min(1).max(600_000).default(10_000),
  OUTBOUND_ALLOW: outboundAllowVar,
  WEBHOOK_ALLOW_PRIVATE_TARGETS: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    ),
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(30_000),
  WEBHOOK_RETRY_MAX_DELAY_MS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 3_600_000)
    .default(3_600_000),
  WEBHOOK_MAX_AGE_SEC: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 3600)
    .default(24 * 3600),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Kafka job bus (API and worker processes): comma-separated host:port list; empty = in-process bus. */
  KAFKA_BROKERS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every((b) => /^[^\s:/]+:\d{1,5}$/.test(b)), 'must be host:port[,host:port…]'),
  /** Prepended to topics (`<prefix>drama.jobs.<stage>`) and consumer groups: several deployments per broker. */
  KAFKA_TOPIC_PREFIX: z
    .string()
    .trim()
    .max(100)
    .regex(/^[A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only')
    .default(''),
  KAFKA_CLIENT_ID: z.string().trim().min(1).max(100).default('3kstory'),
  /** Partitions of each stage topic when it is created: the most worker processes one stage can use. */
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(12),
  /** Deliveries of a job whose handler throws or whose process dies before it goes to drama.jobs.dlq. */
  KAFKA_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  /** A worker that stops heartbeating for this long loses its jobs to another worker. */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(30_000),
  KAFKA_HEARTBEAT_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
  /** A publish to Kafka that takes longer fails, and the dispatcher retries it (and /health says so). */
  KAFKA_PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  /** On SIGTERM, running jobs get this long to finish before they are handed back to other workers. */
  WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  MODERATION_BLOCKLIST: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((w) => w.trim())
        .filter(Boolean),
    ),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface AppConfig extends Omit<RawConfig, 'JWT_SECRET'> {
  JWT_SECRET: string;
  dataDir: string;
  embedded: boolean;
  /** Generation providers (src/infrastructure/config/ai.config.ts). */
  ai: AiConfig;
}

export { ConfigError };

/** Reads the environment once, at start. Fails fast with every problem listed, naming each variable. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  warn: (message: string) => void = (m) => console.warn(m),
): AppConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const raw = parsed.data;
  const dataDir = resolve(raw.DATA_DIR);
  if (raw.S3_ENDPOINT) {
    const missing = (['S3_BUCKET', 'S3_ACCESS_KEY', 'S3_SECRET_KEY'] as const).filter((name) => !raw[name]);
    if (missing.length > 0) {
      throw new ConfigError(missing.map((name) => `${name}: required when S3_ENDPOINT is set`));
    }
  }
  if (raw.EVENTSTORE_URL && !raw.DATABASE_URL) {
    throw new ConfigError([
      'DATABASE_URL: required when EVENTSTORE_URL is set (read models, checkpoints and users live in PostgreSQL)',
    ]);
  }
  if (!raw.JWT_SECRET && raw.NODE_ENV === 'production') {
    throw new ConfigError(['JWT_SECRET: required when NODE_ENV=production (at least 32 characters)']);
  }
  let secret = raw.JWT_SECRET;
  if (!secret) {
    secret = embeddedSecret(dataDir);
    warn(`JWT_SECRET is not set: using a generated secret stored in ${join(dataDir, 'jwt-secret')}`);
  }
  return { ...raw, JWT_SECRET: secret, dataDir, embedded: !raw.DATABASE_URL, ai: loadAiConfig(env) };
}

function embeddedSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (existing.length >= 32) return existing;
  } catch {
    // first start: generate below
  }
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export const APP_CONFIG = Symbol('AppConfig');
