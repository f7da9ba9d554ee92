import { randomUUID } from 'node:crypto';
import { amendUpdate, signUpdate, stateQuery, submitUpdate, withdrawUpdate } from '@copyreg/proto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { assert, describe, expect, it } from 'vitest';
import {
  expectRefused,
  openTimers,
  recordHistory,
  setup,
  signAll,
  status,
  until,
  waitingOn,
} from './registration-harness';

describe('registration workflow: signing (签章)', () => {
  it('refuses a second start for the same filing (a double click starts one registration)', async () => {
    const t = await setup();
    await t.withWorkers(async () => {
      await t.start();
      await expect(t.start()).rejects.toBeInstanceOf(WorkflowExecutionAlreadyStartedError);
      await until(t.handle, waitingOn('signer:1'));
      await t.handle.terminate('test done');
    });
  });

  it('signs one signer at a time in the form order; only the current signer may sign', async () => {
    const t = await setup({ signers: 3 });
    await t.withWorkers(async () => {
      await t.start();
      const s = await until(t.handle, waitingOn('signer:1'));
      expect(s.status).toBe('awaiting_signatures');
      expect(s.signingRounds[0]?.signers.map((x) => x.state)).toEqual(['current', 'waiting', 'waiting']);
      const [first, second, third] = t.people;
      assert(first && second && third, 'three people');

      // 准备签章: the second signer waits for the first.
      await expectRefused(
        t.handle.executeUpdate(signUpdate, { args: [{ signerId: second.signerId, placementId: 'p', versionNo: 1 }] }),
        'NOT_CURRENT_SIGNER',
        '您不是本份文件的签署者',
      );
      // Someone not on the form at all.
      await expectRefused(
        t.handle.executeUpdate(signUpdate, { args: [{ signerId: randomUUID(), placementId: 'p', versionNo: 1 }] }),
        'NOT_CURRENT_SIGNER',
        '您不是本份文件的签署者',
      );
      // Confirm without a placed signature.
      await expectRefused(
        t.handle.executeUpdate(signUpdate, { args: [{ signerId: first.signerId, versionNo: 1 }] }),
        'SIGNATURE_NOT_PLACED',
      );
      // A placement the signature service does not know: 确认 is answered (签章处理中), then the
      // service's refusal puts the signer back to 待签章 to place it again.
      const unknown = await t.handle.executeUpdate(signUpdate, {
        args: [{ signerId: first.signerId, placementId: 'unknown-placement', versionNo: 1 }],
      });
      expect(unknown.signingRounds[0]?.signers[0]?.state).toBe('signing');
      const back = await until(t.handle, (x) => x.signingRounds[0]?.signers[0]?.state === 'current');
      expect(back.waitingOn).toBe('signer:1');
      // A form version that is not the current one.
      await expectRefused(
        t.handle.executeUpdate(signUpdate, { args: [{ signerId: first.signerId, placementId: 'p', versionNo: 2 }] }),
        'CONFLICT',
      );
      // Submission before everyone signed.
      await expectRefused(
        t.handle.executeUpdate(submitUpdate, { args: [{ actorId: t.input.applicantId }] }),
        'INVALID_STATE',
      );
      expect(t.fakes.named('applySignature')).toHaveLength(1); // the unknown placement only

      const confirmed = await t.handle.executeUpdate(signUpdate, {
        args: [{ signerId: first.signerId, placementId: 'p1', versionNo: 1 }],
      });
      expect(confirmed.signingRounds[0]?.signers.map((x) => x.state)).toEqual(['signing', 'waiting', 'waiting']);
      const after1 = await until(t.handle, waitingOn('signer:2'));
      expect(after1.signingRounds[0]?.signers.map((x) => x.state)).toEqual(['signed', 'current', 'waiting']);
      expect(after1.signingRounds[0]?.signers[0]?.signedAt).toBeDefined();

      // A duplicate confirmation from the first signer changes nothing.
      await expectRefused(
        t.handle.executeUpdate(signUpdate, { args: [{ signerId: first.signerId, placementId: 'p1', versionNo: 1 }] }),
        'CONFLICT',
        '您已完成签章，无需重复签署',
      );
      expect(t.fakes.named('applySignature')).toHaveLength(2);

      await t.handle.executeUpdate(signUpdate, {
        args: [{ signerId: second.signerId, placementId: 'p2', versionNo: 1 }],
      });
      await until(t.handle, waitingOn('signer:3'));
      await t.handle.executeUpdate(signUpdate, {
        args: [{ signerId: third.signerId, placementId: 'p3', versionNo: 1 }],
      });
      const done = await until(t.handle, status('awaiting_submission'));
      expect(done.waitingOn).toBe('applicant');
      expect(done.signingRounds[0]?.signedForm?.key).toBe(`forms/${t.filingId}/r1-s2.pdf`);
      expect(t.fakes.outbox.filter((m) => m.kind === 'signer_turn').map((m) => m.noticeKey)).toEqual([
        `${t.filingId}:signer_turn:r1:s0`,
        `${t.filingId}:signer_turn:r1:s1`,
        `${t.filingId}:signer_turn:r1:s2`,
      ]);
      await t.handle.terminate('test done');
    });
  });

  it('applies one of two simultaneous confirmations from the same signer (a double click)', async () => {
    const t = await setup({ signers: 2 });
    await t.withWorkers(async () => {
      await t.start();
      await until(t.handle, waitingOn('signer:1'));
      const first = t.people[0];
      assert(first, 'a first signer');
      const sign = () =>
        t.handle.executeUpdate(signUpdate, { args: [{ signerId: first.signerId, placementId: 'p1', versionNo: 1 }] });
      const results = await Promise.allSettled([sign(), sign()]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected');
      expect((rejected as PromiseRejectedResult).reason.cause?.type).toBe('CONFLICT');
      await until(t.handle, waitingOn('signer:2'));
      expect(t.fakes.named('applySignature')).toHaveLength(1);
      await t.handle.terminate('test done');
    });
  });

  it('amend (修改) voids every signature, re-renders the form and restarts the order; the voided round is kept', async () => {
    const t = await setup({ signers: 2 });
    await t.withWorkers(async () => {
      await t.start();
      await until(t.handle, waitingOn('signer:1'));
      const [first, second] = t.people;
      assert(first && second, 'two people');
      await t.handle.executeUpdate(signUpdate, {
        args: [{ signerId: first.signerId, placementId: 'p1', versionNo: 1 }],
      });
      await until(t.handle, waitingOn('signer:2'));

      // A stale version number is refused.
      await expectRefused(
        t.handle.executeUpdate(amendUpdate, { args: [{ versionNo: 1, signers: t.input.signers }] }),
        'CONFLICT',
      );
      // The applicant changes the holders: now the second person signs first.
      const reordered = [...t.input.signers].reverse();
      const amended = await t.handle.executeUpdate(amendUpdate, { args: [{ versionNo: 2, signers: reordered }] });
      expect(amended.versionNo).toBe(2);
      expect(amended.signingRounds).toHaveLength(2);
      expect(amended.signingRounds[0]?.voidedAt).toBeDefined();
      expect(amended.signingRounds[0]?.signers.map((x) => x.state)).toEqual(['signed', 'current']);
      expect(t.fakes.named('voidSigningRound').map((c) => c.input)).toEqual([{ filingId: t.filingId, round: 1 }]);

      const s = await until(t.handle, waitingOn('signer:1'));
      expect(s.signingRounds[1]).toMatchObject({ round: 2, versionNo: 2 });
      expect(s.signingRounds[1]?.signers.map((x) => x.signerId)).toEqual([second.signerId, first.signerId]);
      expect(t.fakes.named('renderApplicationForm').map((c) => (c.input as { versionNo: number }).versionNo)).toEqual([
        1, 2,
      ]);
      // A signature on the voided version is refused; the old first signer is no longer current.
      await expectRefused(
        t.handle.executeUpdate(signUpdate, { args: [{ signerId: second.signerId, placementId: 'x', versionNo: 1 }] }),
        'CONFLICT',
      );
      await expectRefused(
        t.handle.executeUpdate(signUpdate, { args: [{ signerId: first.signerId, placementId: 'x', versionNo: 2 }] }),
        'NOT_CURRENT_SIGNER',
        '您不是本份文件的签署者',
      );
      const signed = await signAll(t);
      expect(signed.status).toBe('awaiting_submission');
      expect(signed.signingRounds[1]?.signers.map((x) => x.state)).toEqual(['signed', 'signed']);
      await t.handle.terminate('test done');
      await recordHistory(t, 'amended-during-signing');
    });
  });

  it('withdraws (撤回) before payment: the round is voided and the registration closes', async () => {
    const t = await setup();
    await t.withWorkers(async () => {
      await t.start();
      await until(t.handle, waitingOn('signer:1'));
      await expectRefused(t.handle.executeUpdate(withdrawUpdate, { args: [{ actorId: randomUUID() }] }), 'FORBIDDEN');
      const s = await t.handle.executeUpdate(withdrawUpdate, { args: [{ actorId: t.input.applicantId }] });
      expect(s.status).toBe('withdrawn');
      expect(s.signingRounds[0]?.voidedAt).toBeDefined();
      expect((await t.handle.result()).status).toBe('withdrawn');
      expect(t.fakes.named('voidSigningRound')).toHaveLength(1);
      // Closed: nothing more is accepted (the workflow has completed).
      await expect(t.handle.query(stateQuery)).resolves.toMatchObject({ status: 'withdrawn' });
      await recordHistory(t, 'withdrawn-during-signing');
    });
  });

  it('reminds the current signer on the configured interval', async () => {
    const t = await setup({ timing: { signerReminderEvery: '1 second' } });
    await t.withWorkers(async () => {
      await t.start();
      await until(t.handle, waitingOn('signer:1'));
      await expect
        .poll(() => t.fakes.outbox.filter((m) => m.kind === 'signer_reminder').length, { timeout: 10_000 })
        .toBeGreaterThanOrEqual(2);
      const reminders = t.fakes
        .named('sendNotice')
        .filter((c) => (c.input as { kind: string }).kind === 'signer_reminder');
      expect(reminders[0]?.input).toMatchObject({ signerIndex: 0, round: 1 });
      // The reminders stop once everyone signed: with the workflow idle, no timer is left to
      // send one (awaiting submission waits for the applicant alone).
      await signAll(t);
      await until(t.handle, status('awaiting_submission'));
      const count = t.fakes.outbox.filter((m) => m.kind === 'signer_reminder').length;
      expect(await openTimers(t.handle)).toEqual([]);
      expect(t.fakes.outbox.filter((m) => m.kind === 'signer_reminder').length).toBe(count);
      await t.handle.terminate('test done');
      await recordHistory(t, 'signer-reminded');
    });
  });
});
