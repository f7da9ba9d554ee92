import { config, refuseInProduction } from '@copyreg/kit';
import { z } from 'zod';

/**
 * Settings only the payment service reads (the shared ones — ports, SMTP, PUBLIC_URL — are in
 * kit's config). Parsed once from the environment; a bad value names the variable.
 */
const schema = z.object({
  /** The fee per work in fen (150 元/件). */
  FEE_FEN: z.coerce.number().int().positive().default(15000),
  /** Staff mailboxes for notices the workflow addresses to a role, not a person. */
  SUPERVISOR_EMAIL: z.email().default('supervisor@copyreg.localhost'),
  REVIEWER_EMAIL: z.email().default('reviewers@copyreg.localhost'),
  /** Real Alipay (unset: the development gateway and its key files, src/gateway-keys.ts). */
  ALIPAY_APP_ID: z.string().min(1).default('2026000000000001'),
  ALIPAY_PRIVATE_KEY: z.string().optional(),
  ALIPAY_PUBLIC_KEY: z.string().optional(),
  ALIPAY_GATEWAY: z.url().optional(),
  /** Where the gateway posts its asynchronous notifications: this service's public address. */
  PAYMENT_NOTIFY_URL: z.url().optional(),
  /** Development gateway: how many copies of each notification it posts (Alipay re-sends; duplicates are normal). */
  DEV_GATEWAY_NOTIFY_COPIES: z.coerce.number().int().min(1).max(20).default(2),
  /** Development gateway: seconds between re-sends while the notification is not answered `success`. */
  DEV_GATEWAY_RESEND_SECONDS: z.coerce.number().min(0).default(5),
});
// Unset, these fall back to the development gateway and its key files, whose private half (under
// a public passphrase) would let anyone forge a TRADE_SUCCESS notification: never in production mode.
refuseInProduction(
  {
    variable: 'ALIPAY_PUBLIC_KEY',
    fix: "Alipay's public key (unset: a development key whose private half is in a development key file)",
    isDefault: (_c, env) => !env.ALIPAY_PUBLIC_KEY,
  },
  {
    variable: 'ALIPAY_PRIVATE_KEY',
    fix: "the office's Alipay application key",
    isDefault: (_c, env) => !env.ALIPAY_PRIVATE_KEY,
  },
  { variable: 'ALIPAY_GATEWAY', fix: "Alipay's gateway address", isDefault: (_c, env) => !env.ALIPAY_GATEWAY },
);

export type PaymentConfig = z.infer<typeof schema> & { ALIPAY_GATEWAY: string; PAYMENT_NOTIFY_URL: string };

let cached: PaymentConfig | undefined;
export function paymentConfig(env: NodeJS.ProcessEnv = process.env): PaymentConfig {
  if (cached && env === process.env) return cached;
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration (配置有误):\n${lines.join('\n')}`);
  }
  const c = config();
  const out = {
    ...parsed.data,
    ALIPAY_GATEWAY: parsed.data.ALIPAY_GATEWAY ?? `http://127.0.0.1:${c.DEV_GATEWAY_PORT}/gateway.do`,
    PAYMENT_NOTIFY_URL:
      parsed.data.PAYMENT_NOTIFY_URL ?? `http://127.0.0.1:${c.PAYMENT_PORT}/api/payment/gateway/alipay/notify`,
  };
  if (env === process.env) cached = out;
  return out;
}
