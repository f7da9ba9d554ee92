import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  type ObjectRef,
  recordDeliveryUpdate,
  registrationRevokedSignal,
  reviewUpdate,
  SearchAttr,
  signUpdate,
  stateQuery,
  submitUpdate,
} from '@copyreg/proto';
import { assert, describe, expect, it } from 'vitest';
import {
  expectRefused,
  recordHistory,
  reviewer,
  setup,
  status,
  submitAndPay,
  until,
  waitingOn,
} from './registration-harness';

/**
 * The patches of the signing and review rules after the one-activity-per-transition path:
 * 2026-11-sign-answered-at-once (确认 answered before the PDF signature is applied),
 * 2026-11-separation-of-duties and 2026-11-registration-hears-revocation. One registration takes
 * all three, and its history is recorded for the replay test.
 */
describe('registration workflow: 确认 answered at once, separation of duties, revocation heard', () => {
  it('answers 确认 before the signature, refuses a reviewer who filed, signed or decided the initial review, and closes as 已撤销', async () => {
    const t = await setup({ signers: 2 });
    const [first, second] = t.people;
    assert(first && second, 'two signers');
    // The PDF signature waits for the test: the answer to 确认 must not.
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const apply = t.fakes.activities.applySignature;
    t.fakes.activities.applySignature = async (input): Promise<ObjectRef> => {
      if (input.signerIndex === 0) await held;
      return apply(input);
    };
    const signerUser = randomUUID();
    await t.withWorkers(async () => {
      await t.start();
      await until(t.handle, waitingOn('signer:1'));

      const answered = await t.handle.executeUpdate(signUpdate, {
        args: [{ signerId: first.signerId, placementId: 'p1', versionNo: 1, actorId: signerUser }],
      });
      expect(answered.signingRounds[0]?.signers.map((s) => s.state)).toEqual(['signing', 'waiting']);
      expect(answered.waitingOn).toBe('signer:1');
      // The same signer again, a second placement: refused while the first is applied.
      await expectRefused(
        t.handle.executeUpdate(signUpdate, { args: [{ signerId: first.signerId, placementId: 'p9', versionNo: 1 }] }),
        'CONFLICT',
        '您已确认签署，签章正在处理中，无需重复签署',
      );
      // The next signer's link is not open until the signature is applied.
      await expectRefused(
        t.handle.executeUpdate(signUpdate, { args: [{ signerId: second.signerId, placementId: 'p2', versionNo: 1 }] }),
        'NOT_CURRENT_SIGNER',
      );
      expect(t.fakes.named('signAndCommit')).toHaveLength(1); // started, held
      release();
      const turned = await until(t.handle, waitingOn('signer:2'));
      expect(turned.signingRounds[0]?.signers.map((s) => s.state)).toEqual(['signed', 'current']);
      expect(turned.signingRounds[0]?.signers[0]).toMatchObject({ confirmedBy: signerUser });
      expect(turned.signingRounds[0]?.signers[0]?.placementId).toBeUndefined();
      expect(t.fakes.outbox.filter((m) => m.kind === 'signer_turn')).toHaveLength(2);

      await t.handle.executeUpdate(signUpdate, {
        args: [{ signerId: second.signerId, placementId: 'p2', versionNo: 1 }],
      });
      await until(t.handle, status('awaiting_submission'));
      await submitAndPay(t);

      // Separation of duties, refused by the validator: nothing is written.
      const decide = (who: string, stage: 'initial' | 'final') =>
        t.handle.executeUpdate(reviewUpdate, {
          args: [
            {
              ...(stage === 'initial' ? reviewer.initial : reviewer.final),
              reviewerId: who,
              decision: 'approve',
              reasons: [],
            },
          ],
        });
      await expectRefused(
        decide(t.input.applicantId, 'initial'),
        'FORBIDDEN',
        '不能审核本人提交的作品，请由其他审核人员审核',
      );
      await expectRefused(decide(signerUser, 'initial'), 'FORBIDDEN', '不能审核本人签章的作品，请由其他审核人员审核');
      await decide(reviewer.initial.reviewerId, 'initial');
      await expectRefused(
        decide(reviewer.initial.reviewerId, 'final'),
        'FORBIDDEN',
        '终审须由初审以外的审核人员进行，您已对该作品作出初审决定',
      );
      expect((await t.handle.query(stateQuery)).reviewRounds).toHaveLength(1);
      await decide(reviewer.final.reviewerId, 'final');
      await until(t.handle, status('certified'));

      // 撤销登记: the revocation workflow's signal closes the registration (twice: heard once).
      const revocation = { revocationId: randomUUID(), decidedAt: new Date().toISOString() };
      await t.handle.signal(registrationRevokedSignal, revocation);
      await t.handle.signal(registrationRevokedSignal, { ...revocation, revocationId: randomUUID() });
      const result = await t.handle.result();
      expect(result).toMatchObject({ status: 'revoked', waitingOn: 'none', revocation });
      // The read model was marked by the revocation itself (revoked_at): no status row is written.
      expect(t.fakes.named('recordStatus').map((c) => (c.input as { status: string }).status)).not.toContain('revoked');
      const { typedSearchAttributes } = await t.handle.describe();
      expect(typedSearchAttributes.get(SearchAttr.RegistrationStatus)).toBe('revoked');
      // Ended: no paper certificate is recorded for it any more.
      await expect(
        t.handle.executeUpdate(recordDeliveryUpdate, { args: [{ kind: 'picked_up', actorId: randomUUID() }] }),
      ).rejects.toThrow();
      await recordHistory(t, 'signed-at-once-certified-revoked');
    });
  });

  it('takes a 提交 sent while the last signature is applied (the list already says 待提交) after it', async () => {
    const t = await setup({ signers: 1 });
    const [only] = t.people;
    assert(only, 'one signer');
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const apply = t.fakes.activities.applySignature;
    t.fakes.activities.applySignature = async (input): Promise<ObjectRef> => {
      await held;
      return apply(input);
    };
    await t.withWorkers(async () => {
      await t.start();
      await until(t.handle, waitingOn('signer:1'));
      await t.handle.executeUpdate(signUpdate, {
        args: [{ signerId: only.signerId, placementId: 'p1', versionNo: 1 }],
      });
      // Not the applicant: refused at once, even now.
      await expectRefused(
        t.handle.executeUpdate(submitUpdate, { args: [{ actorId: randomUUID() }] }),
        'FORBIDDEN',
        '只有申请人本人可以操作',
      );
      const submitted = t.handle.executeUpdate(submitUpdate, { args: [{ actorId: t.input.applicantId }] });
      const early = await Promise.race([submitted.then(() => 'answered'), sleep(500).then(() => 'waiting')]);
      expect(early).toBe('waiting'); // accepted, waiting for the signature
      release();
      const after = await submitted;
      expect(after.status).toBe('awaiting_payment');
      expect(after.signingRounds[0]?.signers.map((s) => s.state)).toEqual(['signed']);
      // Once, not twice: a second submit is the ordinary refusal of a submitted work.
      await expectRefused(
        t.handle.executeUpdate(submitUpdate, { args: [{ actorId: t.input.applicantId }] }),
        'INVALID_STATE',
        '作品已提交',
      );
    });
  });
});
