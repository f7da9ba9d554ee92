import { createDb } from '@copyreg/kit';
import { NoticeInput, RegistrationState, SearchAttr, StatusRecord } from '@copyreg/proto';
import { describe, expect, it } from 'vitest';
import { indexCalendar, workingDayDeadline } from '../../workflows/src/working-days';
import { createCalendarActivities } from '../src/calendar';
import { fullLifecycle, loadCalendar, recordHistory, setup, signAll, submitAndPay } from './registration-harness';

describe('registration workflow: the happy path', () => {
  it('goes from submission to a delivered certificate, in order, on the right queues', async () => {
    const t = await setup({ signers: 2 });
    const result = await t.withWorkers(() => fullLifecycle(t));
    expect(result.status).toBe('delivered');
    expect(result.registrationNumber).toMatch(/^浙作登字-\d{4}-A-\d{8}$/);
    expect(result.certificate?.key).toBe(`certificates/${t.filingId}.pdf`);
    expect(result.payment.invoice?.key).toBe(`invoices/${t.filingId}.pdf`);
    expect(result.delivery).toMatchObject({ kind: 'mailed', waybillNo: 'SF1234567890' });
    expect(result.signingRounds).toHaveLength(1);
    expect(result.signingRounds[0]?.signers.map((s) => s.state)).toEqual(['signed', 'signed']);
    expect(result.reviewRounds.map((r) => `${r.stage}:${r.decision}`)).toEqual(['initial:approve', 'final:approve']);

    // The read model saw every transition, with a strictly increasing seq.
    const records = t.fakes
      .named('recordStatus')
      .map((c) => c.input as { seq: number; status: string; waitingOn: string });
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    // (The filing service records awaiting_signatures when it starts the workflow; the first
    // transition is the first signer's turn, with the rendered form.)
    expect(records.map((r) => `${r.status}/${r.waitingOn}`)).toEqual([
      'awaiting_signatures/signer:1',
      'awaiting_signatures/signer:2',
      'awaiting_submission/applicant',
      'awaiting_payment/payment-method',
      'awaiting_payment/payment',
      'initial_review/initial-review',
      'final_review/final-review',
      'final_review/certification',
      'certified/delivery',
      'delivered/none',
    ]);

    // What the workflow sends and answers matches the contracts in proto.
    expect(RegistrationState.parse(result)).toEqual(result);
    for (const c of t.fakes.named('recordStatus')) StatusRecord.parse(c.input);
    for (const c of t.fakes.named('sendNotice')) NoticeInput.parse(c.input);

    // One activity per transition: document steps with their transition on the documents queue,
    // the other transitions on the registration queue, nothing else.
    const activities = t.fakes.calls.filter((c) =>
      ['commitTransition', 'renderAndOpenRound', 'signAndCommit', 'certifyAndCommit'].includes(c.name),
    );
    expect(activities.map((c) => c.name)).toEqual([
      'renderAndOpenRound',
      'signAndCommit',
      'signAndCommit',
      'commitTransition', // 提交: awaiting payment, payment_due notice
      'commitTransition', // online: the order, awaiting the gateway
      'commitTransition', // paid: initial review, the deadline from the calendar
      'commitTransition', // initial approval
      'certifyAndCommit', // final approval: number, certificate, invoice, notices
      'commitTransition', // mailed
    ]);
    for (const c of activities) {
      const docs = c.name !== 'commitTransition';
      expect(c.taskQueue, c.name).toBe(docs ? t.input.documentsTaskQueue : t.taskQueue);
    }
    // ... and so the history: at most 12 activities and 120 events (issue 15), counted from it.
    const events = (await t.handle.fetchHistory()).events ?? [];
    const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes);
    expect(scheduled).toHaveLength(9);
    expect(events.length).toBeLessThanOrEqual(120);
    await recordHistory(t, 'two-signers-online-mailed');
    expect(t.fakes.named('applySignature').map((c) => (c.input as { signerIndex: number }).signerIndex)).toEqual([
      0, 1,
    ]);
    expect(t.fakes.named('activateSigner').map((c) => (c.input as { signerIndex: number }).signerIndex)).toEqual([
      0, 1,
    ]);
    expect(t.fakes.outbox.map((m) => m.kind)).toEqual([
      'signer_turn',
      'signer_turn',
      'payment_due',
      'certified',
      'invoice',
      'mailed',
    ]);

    // The review deadline: 30 working days on the official calendar from the day review began.
    const calendar = loadCalendar();
    const started = Date.parse(result.reviewStartedAt ?? '');
    expect(result.reviewDeadline).toBe(workingDayDeadline(started, 30, indexCalendar(calendar)).toISOString());

    // Search attributes at the end.
    const sa = (await t.handle.describe()).typedSearchAttributes;
    expect(sa.get(SearchAttr.RegistrationStatus)).toBe('delivered');
    expect(sa.get(SearchAttr.WaitingOn)).toBe('none');
    expect(sa.get(SearchAttr.Region)).toBe('330106');
    expect(sa.get(SearchAttr.WorkType)).toBe('fine_art');
    expect(sa.get(SearchAttr.SerialNumber)).toBe(result.registrationNumber);
    expect(sa.get(SearchAttr.Overdue)).toBe(false);
    expect(sa.get(SearchAttr.StatusSince)?.toISOString()).toBe(result.statusSince);
  });
});

describe('registration workflow: the review deadline from ops.calendar_days', () => {
  it('reads the official calendar from Postgres through the real loadWorkingCalendar', async () => {
    const db = createDb();
    try {
      const t = await setup({ signers: 1 });
      const real = createCalendarActivities({ db, store: undefined as never, bucket: '' });
      t.fakes.activities.loadWorkingCalendar = real.loadWorkingCalendar;
      const s = await t.withWorkers(async () => {
        await t.start();
        await signAll(t);
        const inReview = await submitAndPay(t);
        await t.handle.terminate('test done');
        return inReview;
      });
      const started = Date.parse(s.reviewStartedAt ?? '');
      const year = new Date(started).getUTCFullYear();
      const cal = indexCalendar(await real.loadWorkingCalendar({ fromYear: year, toYear: year + 1 }));
      expect(cal.years.size).toBeGreaterThan(0);
      expect(s.reviewDeadline).toBe(workingDayDeadline(started, 30, cal).toISOString());
      expect(s.waitingOn).toBe('initial-review');
    } finally {
      await db.destroy();
    }
  });
});
