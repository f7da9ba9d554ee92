import { randomUUID } from 'node:crypto';
import { decodeHistory } from '@copyreg/kit';
import {
  choosePaymentMethodUpdate,
  paymentConfirmedSignal,
  RegistrationStatus,
  recordDeliveryUpdate,
  SearchAttr,
  stateQuery,
  submitUpdate,
} from '@copyreg/proto';
import type { registrationWorkflow } from '@copyreg/workflows';
import { assert, describe, expect, it } from 'vitest';
import { Registration } from '../../workflows/src/registration-state';
import { allText, personalDataIn } from './personal-data-scan';
import {
  approveBoth,
  fullLifecycle,
  payment,
  recordHistory,
  setup,
  signAll,
  status,
  until,
  waitingOn,
} from './registration-harness';

describe('registration workflow: durability and privacy', () => {
  it('resumes from carried state as continueAsNew passes it (no duplicate record, seq continues)', async () => {
    const t = await setup({ signers: 1 });
    const now = new Date().toISOString();
    const carried = Registration.start(t.input, now);
    const round = carried.state.signingRounds[0];
    const signer = round?.signers[0];
    assert(round && signer, 'the carried state has a first round with a signer');
    round.form = { bucket: 'copyreg-test', key: 'forms/x.pdf', sha256: '0'.repeat(64) };
    signer.state = 'signed';
    signer.signedAt = now;
    Object.assign(carried.state, { status: 'awaiting_payment', waitingOn: 'payment-method' });
    carried.seq = 7;
    carried.seenPaymentIds = ['00000000-0000-4000-8000-000000000001'];
    await t.withWorkers(async () => {
      await t.client.workflow.start<typeof registrationWorkflow>('registrationWorkflow', {
        workflowId: t.handle.workflowId,
        taskQueue: t.taskQueue,
        args: [t.input, carried],
      });
      expect((await t.handle.query(stateQuery)).status).toBe('awaiting_payment');
      await t.handle.executeUpdate(choosePaymentMethodUpdate, { args: [{ method: 'online' }] });
      // An event already applied before continueAsNew stays a duplicate.
      await t.handle.signal(paymentConfirmedSignal, {
        paymentId: '00000000-0000-4000-8000-000000000001',
        method: 'online',
        amountFen: 15000,
      });
      // Asserted once the workflow has taken the signal and is idle, not after a sleep.
      expect((await until(t.handle, () => true)).status).toBe('awaiting_payment');
      await t.handle.signal(paymentConfirmedSignal, payment('online'));
      await until(t.handle, status('initial_review'));
      expect(t.fakes.named('recordStatus').map((c) => (c.input as { seq: number }).seq)).toEqual([8, 9]);
      expect(t.fakes.named('renderApplicationForm')).toHaveLength(0);
      await t.handle.terminate('test done');
    });
  });

  it('survives its worker being stopped and restarted mid-lifecycle', async () => {
    const t = await setup({ signers: 2 });
    // First worker: up to payment.
    await t.withWorkers(async () => {
      await t.start();
      await signAll(t);
      await t.handle.executeUpdate(submitUpdate, { args: [{ actorId: t.input.applicantId }] });
      await t.handle.executeUpdate(choosePaymentMethodUpdate, { args: [{ method: 'online' }] });
    });
    // No worker: the gateway's notification still arrives (a signal is stored by the server).
    await t.handle.signal(paymentConfirmedSignal, payment('online'));
    // A new worker with an empty cache replays the history and carries on.
    const result = await t.withWorkers(async () => {
      await until(t.handle, status('initial_review'));
      await approveBoth(t);
      await t.handle.executeUpdate(recordDeliveryUpdate, {
        args: [{ kind: 'mailed', waybillNo: 'SF0000000001', actorId: randomUUID() }],
      });
      return t.handle.result();
    });
    expect(result.status).toBe('delivered');
    expect(t.fakes.named('openPaymentOrder')).toHaveLength(1);
    expect(t.fakes.named('applySignature')).toHaveLength(2);
    await recordHistory(t, 'restarted-worker-online-payment');
  });

  it('keeps names, ID numbers and addresses out of the workflow history', async () => {
    const t = await setup({ signers: 3 });
    const result = await t.withWorkers(() => fullLifecycle(t));
    expect(result.status).toBe('delivered');
    // The fakes knew the people (the notices they rendered name them) ...
    const mail = t.fakes.outbox.map((m) => m.text).join('\n');
    for (const p of t.people) expect(mail).toContain(p.name);
    // ... but none of it is anywhere in the history (every string and every payload's bytes
    // decoded), the search attributes or the description.
    const text = allText(await decodeHistory(await t.handle.fetchHistory()));
    expect(text).toContain(t.filingId); // looking at the right data: payloads decoded
    expect(text).toContain('浙作登字'); // and UTF-8 Chinese survives the decoding
    const described = allText(await t.handle.describe());
    const known = t.people.flatMap((p) => [p.name, p.idNumber, p.address]);
    expect(personalDataIn(text, known)).toEqual([]);
    expect(personalDataIn(described, known)).toEqual([]);
    await recordHistory(t, 'full-lifecycle-three-signers');
  });

  it('lists running registrations by search attribute, as ops do in the Temporal UI', async () => {
    const t = await setup();
    await t.withWorkers(async () => {
      await t.start();
      await until(t.handle, waitingOn('signer:1'));
      const query = `WorkflowId = '${t.handle.workflowId}' AND RegistrationStatus = 'awaiting_signatures' AND WaitingOn = 'signer:1' AND Region = '330106' AND ExecutionStatus = 'Running'`;
      await expect
        .poll(
          async () => {
            const ids: string[] = [];
            for await (const w of t.client.workflow.list({ query })) ids.push(w.workflowId);
            return ids;
          },
          { timeout: 10_000, interval: 250 },
        )
        .toEqual([t.handle.workflowId]);
      const sa = (await t.handle.describe()).typedSearchAttributes;
      expect(RegistrationStatus.options).toContain(sa.get(SearchAttr.RegistrationStatus));
      expect(sa.get(SearchAttr.StatusSince)).toBeInstanceOf(Date);
      expect(sa.get(SearchAttr.ReviewDeadline)).toBeUndefined();
      expect((await t.handle.query(stateQuery)).waitingOn).toBe('signer:1');
      await t.handle.terminate('test done');
    });
  });
});
