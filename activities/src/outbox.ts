import { logger } from '@copyreg/kit';
import { createPaymentDeps } from '@copyreg/payment';
import type { NoticeInput, RegistrationState } from '@copyreg/proto';
import type { ActivityDeps } from './index';
import { sendRegistrationNotice } from './notice';
import { OUTBOX_CHANNEL } from './transitions';

/**
 * The outbox dispatcher: mails the notices the transition activities put in ops.notice_outbox, out
 * of the workflow (no activity, no history event per mail). Any number may run (each worker
 * process runs one): a batch is claimed with FOR UPDATE SKIP LOCKED, so two dispatchers never take
 * the same row. Each notice is mailed once: the payment service's sendNotice claims it in
 * payment.notices by its key and never sends a sent one again; the outbox row is then marked
 * sent. A failed send is retried later with backoff (the error is kept on the row for ops).
 */
export interface OutboxRow {
  notice_key: string;
  input: NoticeInput;
  state: RegistrationState | null;
  attempts: number;
}

export interface DispatcherDeps extends ActivityDeps {
  /** Tests: what sends a notice (default: sendRegistrationNotice over SMTP). */
  send?: (row: OutboxRow) => Promise<void>;
}

/**
 * Mails up to `limit` due notices; returns how many rows it took (sent or failed). Tests only:
 * `filingId` takes only that registration's notices, `asOf` those due by then (rows a test put far
 * in the future, which the dispatchers of running workers leave alone).
 */
export async function dispatchOutbox(
  deps: DispatcherDeps,
  opts: { limit?: number; filingId?: string; asOf?: Date } = {},
): Promise<number> {
  const payment = deps.send ? undefined : createPaymentDeps(deps);
  const send =
    deps.send ??
    (async (row: OutboxRow) => {
      if (!payment) return;
      // Rendered from the state at the transition (reasons, deadlines, the number), not a query.
      await sendRegistrationNotice({ ...payment, loadState: async () => row.state ?? undefined }, row.input);
    });
  return deps.db.transaction(async (trx) => {
    const rows: OutboxRow[] = await trx('ops.notice_outbox')
      .whereNull('sent_at')
      .where('next_attempt_at', '<=', opts.asOf ?? trx.fn.now())
      .modify((q) => {
        if (opts.filingId) q.where({ filing_id: opts.filingId });
      })
      .orderBy('created_at')
      .limit(opts.limit ?? 20)
      .forUpdate()
      .skipLocked()
      .select('notice_key', 'input', 'state', 'attempts');
    for (const row of rows) {
      try {
        await send(row);
        await trx('ops.notice_outbox').where({ notice_key: row.notice_key }).update({ sent_at: trx.fn.now() });
      } catch (err) {
        const delaySeconds = Math.min(2 ** row.attempts, 300);
        logger.warn({ err, noticeKey: row.notice_key }, 'notice not sent; retrying later');
        await trx('ops.notice_outbox')
          .where({ notice_key: row.notice_key })
          .update({
            attempts: row.attempts + 1,
            last_error: String((err as Error)?.message ?? err).slice(0, 1000),
            next_attempt_at: trx.raw(`now() + make_interval(secs => ?)`, [delaySeconds]),
          });
      }
    }
    return rows.length;
  });
}

export interface Dispatcher {
  /** Resolves when the loop has stopped (the batch in hand is finished first). */
  stop(): Promise<void>;
}

/**
 * Runs the dispatcher until stopped: woken by the transitions' NOTIFY (a notice leaves within
 * milliseconds of its transition), and polling every `pollMs` besides (retries, a lost NOTIFY).
 */
export function startOutboxDispatcher(deps: DispatcherDeps, opts: { pollMs?: number } = {}): Dispatcher {
  const pollMs = opts.pollMs ?? 2000;
  let stopped = false;
  /** A NOTIFY came since the last batch began: no nap. */
  let notified = false;
  let wake: (() => void) | undefined;
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  // biome-ignore lint/suspicious/noExplicitAny: knex's client has no public type for raw connections
  const client = deps.db.client as any;
  let listener: { on: (e: string, f: () => void) => void; query: (q: string) => Promise<unknown> } | undefined;
  const listening = (async () => {
    try {
      listener = await client.acquireRawConnection();
      listener?.on('notification', () => {
        notified = true;
        wake?.();
      });
      listener?.on('error', () => undefined);
      await listener?.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (err) {
      logger.warn({ err }, 'outbox dispatcher cannot LISTEN; polling only');
    }
  })();
  const loop = (async () => {
    await listening;
    while (!stopped) {
      let taken = 0;
      notified = false;
      try {
        taken = await dispatchOutbox(deps);
      } catch (err) {
        logger.warn({ err }, 'outbox dispatch failed; trying again');
      }
      if (!stopped && taken === 0 && !notified) await nap(pollMs);
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      if (listener) await Promise.resolve(client.destroyRawConnection(listener)).catch(() => undefined);
    },
  };
}
