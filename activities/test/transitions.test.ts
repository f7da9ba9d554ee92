import { randomUUID } from 'node:crypto';
import { saveSnapshot } from '@copyreg/filing';
import { createDb, createObjectStore } from '@copyreg/kit';
import { startMailCatcher } from '@copyreg/notices/mail-catcher';
import { createPaymentDeps } from '@copyreg/payment';
import type { FilingSnapshot, RegistrationStatus } from '@copyreg/proto';
import type { Knex } from 'knex';
import nodemailer from 'nodemailer';
import { afterAll, describe, expect, it } from 'vitest';
import { indexCalendar, workingDayDeadline } from '../../workflows/src/working-days';
import { createCalendarActivities } from '../src/calendar';
import { sendRegistrationNotice } from '../src/notice';
import { dispatchOutbox, type OutboxRow } from '../src/outbox';
import { createTransitionActivities, stageNotices } from '../src/transitions';

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

describe('the stage mails the applicant waits on', () => {
  it('mails payment received and each review passed once, chosen from the transition', async () => {
    const mail = await startMailCatcher({ smtpPort: 0, webPort: 0 });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: mail.smtpPort, ignoreTLS: true });
    const filingId = randomUUID();
    const to = `applicant-${filingId.slice(0, 8)}@example.com`;
    try {
      await rolledBack(async (trx) => {
        const snapshot: FilingSnapshot = {
          filingId,
          versionNo: 1,
          applicantId: randomUUID(),
          serialNo: `ZJT${filingId.slice(0, 8)}`,
          region: '330100',
          content: {
            title: '西湖晨雾',
            workType: 'photography',
            creationNature: 'original',
            completedOn: '2026-03-01',
            published: false,
            ownershipMode: 'individual',
            acquisitionMode: 'original',
            rightsScope: 'all',
            rights: [],
            description: '一组西湖清晨的摄影作品。',
            creationProcess: '2026年春拍摄于西湖。',
            samples: [],
            attachments: [],
            holders: [
              {
                holderType: 'individual',
                name: '张三',
                idType: 'resident_id',
                idNumber: '11010519491231002X',
                region: '330100',
              },
            ],
            authors: [{ name: '张三' }],
            invoiceEmail: to,
            certificateDelivery: 'pickup',
          },
          signers: [
            {
              signerId: randomUUID(),
              kind: 'holder',
              name: '张三',
              idType: 'resident_id',
              idNumber: '11010519491231002X',
            },
          ],
          frozenAt: new Date().toISOString(),
        };
        await trx('filing.filings').insert({
          id: filingId,
          applicant_id: snapshot.applicantId,
          serial_no: snapshot.serialNo,
          content: JSON.stringify(snapshot.content),
        });
        await saveSnapshot(trx, snapshot);
        const { commitTransition } = createTransitionActivities({ ...deps, db: trx });
        let seq = 0;
        const step = async (status: RegistrationStatus, waitingOn: string) => {
          const record = {
            filingId,
            seq: ++seq,
            status,
            waitingOn,
            at: new Date().toISOString(),
            versionNo: 1,
            overdue: false,
          };
          await commitTransition({ filingId, transition: { record } });
          await commitTransition({ filingId, transition: { record } }); // retried after a lost answer
        };
        await step('awaiting_payment', 'payment-method');
        await step('initial_review', 'initial-review'); // the payment confirmed
        await step('initial_review', 'initial-review'); // overdue flagged, say: no stage passed
        await step('final_review', 'final-review'); // 初审通过
        await step('final_review', 'certification'); // 终审通过, the certificate follows
        const kinds = await trx('ops.notice_outbox').where({ filing_id: filingId }).orderBy('notice_key').pluck('kind');
        expect(kinds.sort()).toEqual(['final_review_passed', 'initial_review_passed', 'payment_received']);

        // As the dispatcher sends each row (whose own transaction would wait on this one here); twice: once.
        const payment = { ...createPaymentDeps({ ...deps, db: trx }), transport, loadState: async () => undefined };
        const rows: OutboxRow[] = await trx('ops.notice_outbox').where({ filing_id: filingId });
        for (const row of [...rows, ...rows]) await sendRegistrationNotice(payment, row.input);
      });
      const subjects = mail.messages(to).map((m) => m.subject);
      expect(subjects.sort()).toEqual(
        [
          '【作品自愿登记】已收到登记费：西湖晨雾',
          '【作品自愿登记】初审通过：西湖晨雾',
          '【作品自愿登记】终审通过：西湖晨雾',
        ].sort(),
      );
      for (const m of mail.messages(to)) expect(m.text).toContain(`/filings/${filingId}`);
    } finally {
      await mail.close();
    }
  });

  it('chooses no stage mail for a stale or repeated record, nor for a resubmission after a return', () => {
    const at = new Date().toISOString();
    const to = (status: RegistrationStatus, waitingOn: string, seq: number) =>
      ({ filingId: 'f', seq, status, waitingOn, at, versionNo: 1, overdue: false }) as const;
    expect(
      stageNotices('f', { status: 'awaiting_payment', seq: 4 }, to('initial_review', 'initial-review', 4)),
    ).toEqual([]);
    expect(stageNotices('f', { status: 'returned', seq: 4 }, to('initial_review', 'initial-review', 5))).toEqual([]);
    expect(stageNotices('f', undefined, to('final_review', 'certification', 5))).toEqual([]);
    expect(
      stageNotices('f', { status: 'payment_verifying', seq: 4 }, to('initial_review', 'initial-review', 5)),
    ).toEqual([{ noticeKey: 'f:payment_received', kind: 'payment_received' }]);
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
