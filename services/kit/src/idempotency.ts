import { createHash, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import type { MigrationSource } from './db';
import { ApiError } from './errors';
import { logger } from './log';

/**
 * Retry-safe commands (Idempotency-Key). A client sends one key per user action with every
 * state-changing request; a double click, a browser retry or a retry after a lost answer sends
 * the same key again and gets the first answer (success or refusal), and the command acts once.
 *
 * The first request with a key claims it in Postgres (`idempotency.responses`); a second one
 * with the same key waits for the first to finish and answers with its stored response. A
 * command that ends in a transient failure (5xx, e.g. the workflow did not answer within the
 * deadline) lets go of the key, so the retry acts again: commands that go to the registration
 * workflow use the key as the Update id, so Temporal itself hands back the first outcome.
 */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** The `idempotency` schema: one table of first responses, kept for a week. */
export const idempotencyMigrations: MigrationSource = {
  schema: 'idempotency',
  directory: fileURLToPath(new URL('../migrations', import.meta.url)),
};

export interface StoredResponse {
  status: number;
  body: unknown;
}

export interface IdempotencyOptions {
  /** How long a duplicate waits for the first request to finish before asking the client to retry. */
  waitMs?: number;
  /** A running request marks its claim alive this often (a claim's created_at is its last sign of life). */
  heartbeatMs?: number;
  /** A claim not marked alive for this long was left by a process that died: another may take it. */
  staleMs?: number;
  /** Answers older than this are forgotten. */
  retentionDays?: number;
}

const KEY = /^[\x21-\x7e]{1,255}$/;

/** The header's key, or undefined when the client sent none; a malformed one is refused. */
export function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!KEY.test(header)) {
    throw new ApiError(
      'VALIDATION_FAILED',
      '请求头 Idempotency-Key 应为1至255个可见的英文字符（建议使用 UUID）',
      IDEMPOTENCY_HEADER,
    );
  }
  return header;
}

/**
 * The id a command acts under: derived from who sent the key to which route, so the same key on
 * another route or from another user is another command. Without a key, a fresh id (no dedup).
 */
export function operationId(scope: string, key: string | undefined): string {
  if (key === undefined) return randomUUID();
  return createHash('sha256').update(`${scope}\n${key}`).digest('hex').slice(0, 32);
}

/** The request's identity for "same key, same request": its body (keys in a stable order) and query. */
export function fingerprintOf(body: unknown, query: unknown): string {
  return createHash('sha256')
    .update(stableJson({ body: body ?? null, query: query ?? null }))
    .digest('hex');
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class IdempotencyStore {
  private readonly waitMs: number;
  private readonly heartbeatMs: number;
  private readonly staleMs: number;
  private readonly retentionDays: number;
  private lastPrune = 0;

  constructor(
    private readonly db: Knex,
    opts: IdempotencyOptions = {},
  ) {
    this.waitMs = opts.waitMs ?? 30_000;
    this.heartbeatMs = opts.heartbeatMs ?? 5_000;
    this.staleMs = opts.staleMs ?? 20_000;
    this.retentionDays = opts.retentionDays ?? 7;
  }

  /**
   * Runs `handle` once for (scope, key) and answers every request with that key with its first
   * response. `replayed` says the answer is a stored one.
   */
  async once(
    scope: string,
    key: string,
    fingerprint: string,
    handle: () => Promise<StoredResponse>,
  ): Promise<StoredResponse & { replayed: boolean }> {
    const table = () => this.db('idempotency.responses');
    const deadline = Date.now() + this.waitMs;
    this.prune();
    for (;;) {
      const claimed = await table()
        .insert({ scope, key, fingerprint })
        .onConflict(['scope', 'key'])
        .ignore()
        .returning('key');
      if (claimed.length === 1) {
        return { ...(await this.run(scope, key, handle)), replayed: false };
      }
      const row = await table()
        .where({ scope, key })
        .first(
          'fingerprint',
          'status',
          'body',
          this.db.raw('created_at < now() - make_interval(secs => ?) as stale', [this.staleMs / 1000]),
        );
      if (!row) continue; // the first attempt failed transiently and let go: claim it again
      if (row.fingerprint !== fingerprint) {
        throw new ApiError(
          'IDEMPOTENCY_KEY_REUSED',
          '同一个 Idempotency-Key 已用于内容不同的另一请求；每次新的操作请使用新的 Idempotency-Key',
          IDEMPOTENCY_HEADER,
        );
      }
      if (row.status !== null) return { status: row.status, body: JSON.parse(row.body), replayed: true };
      if (row.stale) {
        // The process that claimed it died mid-request: take the claim over (once: created_at moves).
        const taken = await table()
          .where({ scope, key })
          .whereNull('status')
          .whereRaw('created_at < now() - make_interval(secs => ?)', [this.staleMs / 1000])
          .update({ created_at: this.db.fn.now() });
        if (taken === 1) return { ...(await this.run(scope, key, handle)), replayed: false };
      }
      if (Date.now() > deadline) {
        throw Object.assign(new ApiError('UPSTREAM_UNAVAILABLE', '同一请求仍在处理中，请稍后重试'), {
          retryAfterSeconds: 2,
        });
      }
      await sleep(100);
    }
  }

  private async run(scope: string, key: string, handle: () => Promise<StoredResponse>): Promise<StoredResponse> {
    const where = { scope, key };
    // While it runs, the claim says so: a request may take longer than staleMs (a workflow Update
    // waits up to its deadline), and only a claim nobody marks is a dead process's.
    const heartbeat = setInterval(() => {
      this.db('idempotency.responses')
        .where(where)
        .whereNull('status')
        .update({ created_at: this.db.fn.now() })
        .catch((err: unknown) => logger.warn({ err }, 'marking an idempotency claim alive failed'));
    }, this.heartbeatMs);
    let response: StoredResponse;
    try {
      response = await handle();
    } catch (err) {
      clearInterval(heartbeat);
      // A refusal is the command's first outcome: a retry gets it again. Anything transient
      // (5xx, too many requests) lets go of the key so the retry acts again.
      if (err instanceof ApiError && err.status < 500 && err.status !== 429) {
        await this.db('idempotency.responses')
          .where(where)
          .update({ status: err.status, body: JSON.stringify(err.toBody()), completed_at: this.db.fn.now() });
      } else {
        await this.db('idempotency.responses').where(where).delete();
      }
      throw err;
    }
    clearInterval(heartbeat);
    await this.db('idempotency.responses')
      .where(where)
      .update({
        status: response.status,
        body: JSON.stringify(response.body ?? null),
        completed_at: this.db.fn.now(),
      });
    return response;
  }

  /** Forgets answers past the retention, at most once an hour per process. */
  private prune(): void {
    if (Date.now() - this.lastPrune < 3_600_000) return;
    this.lastPrune = Date.now();
    this.db('idempotency.responses')
      .whereRaw('created_at < now() - make_interval(days => ?)', [this.retentionDays])
      .delete()
      .catch((err: unknown) => logger.warn({ err }, 'pruning idempotency keys failed'));
  }
}
