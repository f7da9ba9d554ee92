import { randomUUID } from 'node:crypto';
import { createDb, createObjectStore } from '@copyreg/kit';
import type { Knex } from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { indexCalendar, workingDayDeadline } from '../../workflows/src/working-days';
import { createCalendarActivities } from '../src/calendar';
import { dispatchOutbox, type OutboxRow } from '../src/outbox';
import { createTransitionActivities } from '../src/transitions';

/**
 * The one-activity-per-transition activities against the real Postgres: a retried transition
 * inserts no second notice, the review deadline comes from ops.calendar_days, and the outbox
 * dispatcher mails each notice once, whoever else dispatches at the same time.
 */
const db = createDb();
const deps = { db, store: createObjectStore(), bucket: 'copyreg-test' };

afterAll(() => db.destroy());

/** Runs fn in a transaction that is rolled back: the dispatchers of running workers never see its rows. */
async function rolledBack(fn: (trx: Knex.Transaction) => Promise<void>): Promise<void> {
  const rollback = new Error('rolled back');
  await db
    .transaction(async (trx) => {
      await fn(trx);
      throw rollback;
    })
    .catch((err) => {
      if (err !== rollback) throw err;
    });
}

describe('commitTransition', () => {
  it('is idempotent: the same transition again inserts no second notice', async () => {
    await rolledBack(async (trx) => {
      const { commitTransition } = createTransitionActivities({ ...deps, db: trx });
      const filingId = randomUUID();
      const transition = {
        notices: [
          { noticeKey: `${filingId}:payment_due`, kind: 'payment_due' as const },
          { noticeKey: `${filingId}:payment_reminder:1`, kind: 'payment_reminder' as const },
        ],
      };
      await commitTransition({ filingId, transition });
      await commitTransition({ filingId, transition }); // the activity retried after a lost answer
      const rows = await trx('ops.notice_outbox').where({ filing_id: filingId }).orderBy('notice_key');
      expect(rows.map((r) => r.notice_key)).toEqual([`${filingId}:payment_due`, `${filingId}:payment_reminder:1`]);
      expect(rows[0]?.input).toEqual({ noticeKey: `${filingId}:payment_due`, kind: 'payment_due', filingId });
    });
  });

  it('computes the review deadline from the official calendar in Postgres', async () => {
    const { commitTransition } = createTransitionActivities(deps);
    const from = '2026-09-21T02:00:00.000Z'; // before the National Day holidays
    const r = await commitTransition({
      filingId: randomUUID(),
      transition: { reviewClock: { from, workingDays: 30, warningWorkingDays: 5 } },
    });
    const cal = indexCalendar(
      await createCalendarActivities(deps).loadWorkingCalendar({ fromYear: 2026, toYear: 2027 }),
    );
    expect(r.reviewDeadline).toBe(workingDayDeadline(Date.parse(from), 30, cal).toISOString());
    expect(r.reviewWarningAt).toBe(workingDayDeadline(Date.parse(from), 25, cal).toISOString());
    expect(r.missingYears).toBeUndefined();
  });
});

describe('the outbox dispatcher', () => {
  it('mails each notice once, with concurrent dispatchers, and retries a failed one', async () => {
    const filingId = randomUUID();
    const keys = Array.from({ length: 6 }, (_, i) => `${filingId}:signer_reminder:r1:s0:${i + 1}`);
    // Due far in the future: only this test's dispatchers (asOf) take them.
    const asOf = new Date('2100-01-02T00:00:00Z');
    await db('ops.notice_outbox').insert(
      keys.map((noticeKey) => ({
        notice_key: noticeKey,
        filing_id: filingId,
        kind: 'signer_reminder',
        input: JSON.stringify({ noticeKey, kind: 'signer_reminder', filingId, round: 1, signerIndex: 0 }),
        next_attempt_at: new Date('2100-01-01T00:00:00Z'),
      })),
    );
    try {
      const sent: string[] = [];
      let failOnce = keys[2];
      const send = async (row: OutboxRow) => {
        await new Promise((r) => setTimeout(r, 20));
        if (row.notice_key === failOnce) {
          failOnce = undefined;
          throw new Error('relay refused');
        }
        sent.push(row.notice_key);
      };
      const dispatch = (limit?: number) =>
        dispatchOutbox({ ...deps, send }, { filingId, asOf, ...(limit ? { limit } : {}) });
      // Three dispatchers at once, two rows each: SKIP LOCKED gives each its own rows.
      await Promise.all([dispatch(2), dispatch(2), dispatch(2)]);
      expect([...sent].sort()).toEqual(keys.filter((k) => k !== keys[2]).sort());
      const failed = await db('ops.notice_outbox').where({ notice_key: keys[2] }).first();
      expect(failed).toMatchObject({ attempts: 1, last_error: 'relay refused', sent_at: null });
      // Due again (after its backoff): sent, once; then nothing is left to send.
      await Promise.all([dispatch(), dispatch()]);
      expect(await dispatch()).toBe(0);
      expect([...sent].sort()).toEqual([...keys].sort());
      const rows = await db('ops.notice_outbox').where({ filing_id: filingId });
      expect(rows.every((r) => r.sent_at !== null)).toBe(true);
    } finally {
      await db('ops.notice_outbox').where({ filing_id: filingId }).delete();
    }
  });
});
