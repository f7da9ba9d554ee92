import { z } from 'zod';

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
  /** Worker sizing (see docs/benchmarks.md for what each bought on 2 cores). */
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(1).default(1000),
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
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment once; a bad value names the variable and what it should be. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (issue) => `  ${issue.path.join('.')}=${JSON.stringify(env[String(issue.path[0])])}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration (配置有误):\n${lines.join('\n')}`);
  }
  if (parsed.data.NODE_ENV === 'production' && parsed.data.SESSION_SECRET.startsWith('development-only')) {
    throw new ConfigError(
      'Invalid configuration (配置有误):\n  SESSION_SECRET: set a secret of 32+ characters in production',
    );
  }
  return parsed.data;
}

let cached: Config | undefined;
/** The process-wide configuration (parsed on first use). */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
