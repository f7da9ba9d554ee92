import type { SessionUser } from '@copyreg/proto';
import type { Request, RequestHandler } from 'express';
import type { Knex } from 'knex';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { type Config, config, isProductionMode } from './config';
import { createDb } from './db';
import { ApiError } from './errors';

/**
 * Rate limits, counted in Postgres (rate-limiter-flexible) so every replica of a service shares
 * them: per IP where the caller is anonymous (login, public verification, the gateway's
 * notifications), per user where one is logged in (uploads, signing confirmations).
 */
export const rateLimits = {
  login: { per: 'ip', seconds: 60, setting: 'RATE_LIMIT_LOGIN' },
  verify: { per: 'ip', seconds: 60, setting: 'RATE_LIMIT_VERIFY' },
  notify: { per: 'ip', seconds: 60, setting: 'RATE_LIMIT_NOTIFY' },
  upload: { per: 'user', seconds: 3600, setting: 'RATE_LIMIT_UPLOAD' },
  sign: { per: 'user', seconds: 60, setting: 'RATE_LIMIT_SIGN' },
  registry: { per: 'ip', seconds: 60, setting: 'RATE_LIMIT_REGISTRY' },
} as const satisfies Record<string, { per: 'ip' | 'user'; seconds: number; setting: keyof Config }>;
export type RateLimitName = keyof typeof rateLimits;

const LOOPBACK_IP = /^(127\.|::1$|::ffff:127\.)/;
const SCHEMA = 'rate_limit';

let db: Knex | undefined;
const limiters = new Map<RateLimitName, Promise<RateLimiterPostgres>>();

function limiter(name: RateLimitName, c: Config): Promise<RateLimiterPostgres> {
  let found = limiters.get(name);
  if (!found) {
    db ??= createDb(c.DATABASE_URL, { min: 0, max: 2 });
    const store = db;
    const { seconds, setting } = rateLimits[name];
    found = (async () => {
      await store.raw('create schema if not exists ??', [SCHEMA]);
      const make = () =>
        new Promise<RateLimiterPostgres>((resolve, reject) => {
          const made: RateLimiterPostgres = new RateLimiterPostgres(
            {
              storeClient: store,
              storeType: 'knex',
              schemaName: SCHEMA,
              tableName: 'hits',
              keyPrefix: name,
              points: c[setting],
              duration: seconds,
              clearExpiredByTimeout: true,
            },
            (err?: Error) => (err ? reject(err) : resolve(made)),
          );
        });
      // Two processes creating the table at once: one of them fails, and finds it made the second time.
      return make().catch(make);
    })();
    found.catch(() => limiters.delete(name));
    limiters.set(name, found);
  }
  return found;
}

/**
 * Counts one request against the limit; over it, 429 RATE_LIMITED with Retry-After. Loopback
 * callers are not counted in development (tests, the fuzzer and the bench all come from
 * 127.0.0.1) unless RATE_LIMIT_LOOPBACK is set.
 */
export async function consumeRateLimit(name: RateLimitName, req: Request, user?: SessionUser): Promise<void> {
  const c = config();
  const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
  if (!c.RATE_LIMIT_LOOPBACK && !isProductionMode(c) && LOOPBACK_IP.test(ip)) return;
  const key = rateLimits[name].per === 'user' && user ? `user:${user.userId}` : `ip:${ip}`;
  try {
    await (await limiter(name, c)).consume(key);
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    const retryAfterSeconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
    throw Object.assign(new ApiError('RATE_LIMITED', `操作过于频繁，请在 ${retryAfterSeconds} 秒后再试`), {
      retryAfterSeconds,
    });
  }
}

/** The same limit as Express middleware, for routes outside Api.route (e.g. the gateway's notification). */
export function rateLimit(name: RateLimitName): RequestHandler {
  return (req, _res, next) => {
    consumeRateLimit(name, req).then(() => next(), next);
  };
}
