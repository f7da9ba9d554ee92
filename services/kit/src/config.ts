import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { logger } from './log';

/**
 * Every setting the platform reads, with the embedded defaults that let one machine run
 * everything. A larger office overrides them through environment variables.
 */
const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
const bool = z
  .enum(['true', 'false', '1', '0', ''])
  .default('false')
  .transform((v) => v === 'true' || v === '1');
const url = (fallback: string) => z.url().default(fallback);

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^:\s]+:\d+$/, 'host:port')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TLS: bool,
  TEMPORAL_TLS_CERT: z.string().optional(),
  TEMPORAL_TLS_KEY: z.string().optional(),
  TEMPORAL_API_KEY: z.string().optional(),
  TEMPORAL_UI_PORT: port(8233),
  TEMPORAL_UI_URL: url('http://127.0.0.1:8233'),
  /**
   * The keyring that encrypts every Temporal payload (codec.ts): `id:key[,id:key...]`, each key
   * 32 random bytes in base64; the first one encrypts, the others only decrypt (rotation).
   * Unset: a development key derived from a public string (refused in production mode).
   */
  TEMPORAL_PAYLOAD_KEYS: z
    .string()
    .optional()
    .superRefine((value, ctx) => {
      if (value === undefined) return;
      try {
        parsePayloadKeys(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
      }
    }),
  /** Worker sizing (see docs/benchmarks.md for what each bought on 2 cores). */
  /** About 0.2 MiB of RSS each; an evicted registration replays its short history when it next moves. */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(1).default(100),
  WORKER_WORKFLOW_TASK_SLOTS: z.coerce.number().int().min(2).default(40),
  WORKER_ACTIVITY_SLOTS: z.coerce.number().int().min(1).default(100),
  /** Rendering and signing PDFs is synchronous CPU work: about one per core. */
  DOCUMENTS_ACTIVITY_SLOTS: z.coerce.number().int().min(1).default(2),

  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'postgres://user:password@host:port/database')
    .default('postgres://copyreg:copyreg@127.0.0.1:5433/copyreg'),
  PG_PORT: port(5433),

  S3_ENDPOINT: url('http://127.0.0.1:9000'),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY: z.string().min(3).default('copyreg'),
  S3_SECRET_KEY: z.string().min(8).default('copyreg-dev-secret'),
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{2,62}$/, 'an S3 bucket name')
    .default('copyreg'),
  MINIO_CONSOLE_PORT: port(9001),

  /** Signs session cookies; must be set (32+ characters) in production. */
  SESSION_SECRET: z.string().min(32).default('development-only-session-secret-change-me'),
  /** A session ends after this long without a request, and after SESSION_HOURS whatever happens. */
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).default(30),
  SESSION_HOURS: z.coerce.number().int().min(1).max(24).default(8),
  /** Where users reach the portal; links in mail and QR codes point here. */
  PUBLIC_URL: url('http://127.0.0.1:3000'),

  PORTAL_PORT: port(3000),
  IDENTITY_PORT: port(3001),
  FILING_PORT: port(3002),
  SIGNATURE_PORT: port(3003),
  PAYMENT_PORT: port(3004),
  CERTIFICATE_PORT: port(3005),
  DEV_OIDC_PORT: port(3010),
  DEV_GATEWAY_PORT: port(3011),
  MAIL_WEB_PORT: port(3012),
  /** The development remote-signing provider (CSC API, certificate's src/csc-dev): loopback only. */
  DEV_CSC_PORT: port(3013),
  /**
   * The stack's data directory; the development stand-ins keep their key stores under it. A
   * relative path is from the working directory: the repository root for every process the stack
   * starts (the tests set it absolute).
   */
  COPYREG_DATA_DIR: z
    .string()
    .min(1)
    .default('.data')
    .transform((dir) => path.resolve(dir)),
  /**
   * Encrypts the development key files under COPYREG_DATA_DIR/dev-keys (the development CA's root
   * and office key, the Alipay stand-in's keys). Its default is public: the stand-ins that use it
   * refuse production mode, and so does the key store itself.
   */
  DEV_KEY_PASSPHRASE: z.string().min(1).default('development-only-key-passphrase'),
  SMTP_PORT: port(1025),
  SMTP_HOST: z.string().default('127.0.0.1'),
  /** Production mail: credentials and TLS of the office's SMTP relay; the dev catcher needs none. */
  SMTP_USER: z.string().optional(),
  SMTP_PASS: z.string().optional(),
  SMTP_SECURE: bool,
  MAIL_FROM: z.string().default('作品自愿登记平台 <noreply@copyreg.localhost>'),

  /** The OpenID Connect provider users log in with (浙江政务服务网); unset: the development provider on DEV_OIDC_PORT. */
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).default('copyreg-portal'),
  OIDC_CLIENT_SECRET: z.string().min(8).default('development-only-oidc-client-secret'),

  /**
   * Rate limits (requests per window): per IP on login, public verification and gateway
   * notifications (per minute), per user on uploads (per hour) and signing confirmations (per
   * minute). Loopback is not counted in development unless RATE_LIMIT_LOOPBACK is set.
   */
  RATE_LIMIT_LOGIN: z.coerce.number().int().min(1).default(30),
  RATE_LIMIT_VERIFY: z.coerce.number().int().min(1).default(120),
  RATE_LIMIT_NOTIFY: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_UPLOAD: z.coerce.number().int().min(1).default(300),
  RATE_LIMIT_SIGN: z.coerce.number().int().min(1).default(30),
  RATE_LIMIT_REGISTRY: z.coerce.number().int().min(1).default(120),
  RATE_LIMIT_LOOPBACK: bool,
  /** What one user may upload in a rolling day, in MB (samples, attachments and proofs, per service). */
  UPLOAD_QUOTA_MB_PER_DAY: z.coerce.number().int().min(1).default(500),
  /** 登记公告: people's names as holders shown masked (张*) or in full; organisations always in full. */
  REGISTRY_PERSON_NAMES: z.enum(['masked', 'full']).default('masked'),
  /** 其他登记服务 (change, reissue, contract filing): the office's fee in yuan; 0 is no payment step. */
  SERVICE_REQUEST_FEE_YUAN: z.coerce.number().nonnegative().default(0),

  /**
   * Observability (docs/operations.md, "Metrics and traces"). Each service's `/metrics` wants
   * `Authorization: Bearer <METRICS_TOKEN>`; unset, it answers only unproxied loopback requests,
   * and a service refuses to start without it in production mode.
   */
  METRICS_TOKEN: z.string().min(32).optional(),
  /** Where a worker serves the Temporal SDK's own Prometheus metrics (host:port, one per process); unset: none. */
  TEMPORAL_METRICS_ADDRESS: z
    .string()
    .regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d+$/, 'host:port')
    .optional(),
  /** OTLP/HTTP collector for traces (e.g. http://otel-collector:4318); unset: no tracing, next to no cost. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** The service name traces carry; unset: the process's own name (filing, worker, …). */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
});

export type Config = z.infer<typeof configSchema>;

/** One key of the payload keyring; its id goes into every payload it encrypts. */
export interface PayloadKey {
  id: string;
  key: Buffer;
}

const PAYLOAD_KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Parses `id:base64key[,id:base64key...]`; the message of a bad entry names its position, never a key. */
export function parsePayloadKeys(value: string): PayloadKey[] {
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error('id:key[,id:key...], at least one key');
  const keys = entries.map((entry, i) => {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    const encoded = entry.slice(colon + 1);
    if (!PAYLOAD_KEY_ID.test(id)) throw new Error(`key ${i + 1}: an id of letters, digits, '.', '_' or '-', then ':'`);
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== 32 || key.toString('base64') !== encoded) {
      throw new Error(`key ${i + 1} (${id}): 32 bytes in base64 (openssl rand -base64 32)`);
    }
    return { id, key };
  });
  const ids = keys.map((k) => k.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new Error(`key id ${twice} appears twice`);
  return keys;
}

/** The development payload key: derived from a public string, so it protects nothing; loopback only. */
export const DEVELOPMENT_PAYLOAD_KEY: PayloadKey = {
  id: 'dev',
  key: createHash('sha256').update('copyreg development payload key: public, never for production').digest(),
};

/** The payload keyring: the configured keys (the first encrypts), or the development key when none is set. */
export function payloadKeyring(c: Pick<Config, 'TEMPORAL_PAYLOAD_KEYS'>): PayloadKey[] {
  return c.TEMPORAL_PAYLOAD_KEYS ? parsePayloadKeys(c.TEMPORAL_PAYLOAD_KEYS) : [DEVELOPMENT_PAYLOAD_KEY];
}

export class ConfigError extends Error {}

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Production mode is decided by the deployment, not by a variable one can forget: a portal
 * reached at anything but a loopback address, or NODE_ENV=production.
 */
export function isProductionMode(c: Pick<Config, 'NODE_ENV' | 'PUBLIC_URL'>): boolean {
  return c.NODE_ENV === 'production' || !LOOPBACK_HOSTS.test(new URL(c.PUBLIC_URL).hostname);
}

/** A development default that production mode refuses: the variable to set and how to recognise its default. */
export interface DevelopmentDefault {
  variable: string;
  /** What to do instead, in a few words. */
  fix: string;
  isDefault: (c: Config, env: NodeJS.ProcessEnv) => boolean;
}

const DEV_DB_PASSWORD = 'copyreg';

/**
 * Every development default a production process refuses to start on. The platform-wide ones
 * are here; a service adds its own with `refuseInProduction` when its settings module loads.
 */
export const developmentDefaults: DevelopmentDefault[] = [
  {
    variable: 'SESSION_SECRET',
    fix: 'a random secret of 32+ characters',
    isDefault: (c) => c.SESSION_SECRET.startsWith('development-only'),
  },
  {
    variable: 'DATABASE_URL',
    fix: 'a Postgres password other than the development one',
    isDefault: (c) => {
      const password = decodeURIComponent(new URL(c.DATABASE_URL).password);
      return password === '' || password === DEV_DB_PASSWORD;
    },
  },
  { variable: 'S3_ACCESS_KEY', fix: 'the object store access key', isDefault: (c) => c.S3_ACCESS_KEY === 'copyreg' },
  {
    variable: 'S3_SECRET_KEY',
    fix: 'the object store secret key',
    isDefault: (c) => c.S3_SECRET_KEY === 'copyreg-dev-secret',
  },
  {
    variable: 'OIDC_ISSUER',
    fix: 'the real login provider (unset means the development provider and its seeded accounts)',
    isDefault: (c) => !c.OIDC_ISSUER,
  },
  {
    variable: 'OIDC_CLIENT_SECRET',
    fix: 'the client secret the login provider issued',
    isDefault: (c) => c.OIDC_CLIENT_SECRET.startsWith('development-only'),
  },
  {
    variable: 'TEMPORAL_TLS',
    fix: 'true (mTLS with TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY) or TEMPORAL_API_KEY',
    isDefault: (c) => !c.TEMPORAL_TLS && !c.TEMPORAL_API_KEY,
  },
  {
    variable: 'SIGNER_SIGNING_PROVIDER',
    fix: "csc with SIGNER_CSC_URL and its credentials (a CA's cloud signing service); dev signs with the development provider's keys",
    isDefault: (_c, env) => (env.SIGNER_SIGNING_PROVIDER ?? 'dev') === 'dev' || !env.SIGNER_CSC_URL,
  },
  {
    variable: 'TEMPORAL_PAYLOAD_KEYS',
    fix: 'the payload encryption keys, id:key with 32 random bytes in base64 (openssl rand -base64 32), the first encrypts',
    isDefault: (c) =>
      payloadKeyring(c).some((k) => k.id === DEVELOPMENT_PAYLOAD_KEY.id || k.key.equals(DEVELOPMENT_PAYLOAD_KEY.key)),
  },
];

/** Adds a service's own development defaults to the production check (e.g. SIGNING_CA=dev). */
export function refuseInProduction(...defaults: DevelopmentDefault[]): void {
  developmentDefaults.push(...defaults.filter((d) => !developmentDefaults.some((x) => x.variable === d.variable)));
  // Registered after the configuration was read: check again, so the order of imports cannot skip it.
  if (cached) checkProduction(cached, process.env);
}

/** In production mode, every development default still in use, named in one error. */
export function checkProduction(c: Config, env: NodeJS.ProcessEnv = process.env): void {
  if (!isProductionMode(c)) return;
  const offending = developmentDefaults.filter((d) => d.isDefault(c, env));
  if (offending.length === 0) return;
  throw new ConfigError(
    `Refusing to start in production mode (PUBLIC_URL=${c.PUBLIC_URL}, NODE_ENV=${c.NODE_ENV}) on development defaults ` +
      `(生产环境不能使用开发默认配置), set:\n${offending.map((d) => `  ${d.variable}: ${d.fix}`).join('\n')}`,
  );
}

/** A development stand-in (login provider, payment gateway, mail catcher) does not start in production mode. */
export function developmentOnly(what: string): void {
  const c = config();
  if (isProductionMode(c)) {
    throw new ConfigError(
      `Refusing to start ${what} in production mode (PUBLIC_URL=${c.PUBLIC_URL}): it is a development stand-in (开发替身，生产环境不可启动)`,
    );
  }
}

/** Variables whose values an error message does not repeat. */
const SECRET_VALUES = /^TEMPORAL_PAYLOAD_KEYS$/;

/** Parses the environment once; a bad value names the variable and what it should be. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      // A key's value never reaches a log, even a bad one.
      const shown = SECRET_VALUES.test(name) ? '(hidden)' : JSON.stringify(env[name]);
      return `  ${issue.path.join('.')}=${shown}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration (配置有误):\n${lines.join('\n')}`);
  }
  checkProduction(parsed.data, env);
  return parsed.data;
}

let cached: Config | undefined;
/** The process-wide configuration (parsed and checked on first use). */
export function config(): Config {
  if (!cached) {
    cached = loadConfig();
    logger.info({ productionMode: isProductionMode(cached) }, 'configuration checked');
  }
  return cached;
}
