import type { DeliveryUpdate, RegistrationInput } from '@copyreg/proto';
import { describe, expect, it } from 'vitest';
import { Registration } from '../src/registration-state';

const input: RegistrationInput = {
  filingId: '00000000-0000-4000-8000-000000000001',
  versionNo: 1,
  applicantId: '00000000-0000-4000-8000-000000000002',
  region: '330106',
  workType: 'fine_art',
  signers: [{ signerId: '00000000-0000-4000-8000-000000000003', kind: 'writer' }],
};
const actorId = '00000000-0000-4000-8000-000000000004';
const at = '2026-11-24T02:00:00.000Z';

function registration(status: 'certified' | 'delivered', delivery?: Registration['state']['delivery']) {
  const reg = new Registration(input, Registration.start(input, at));
  reg.transition(status, status === 'certified' ? 'delivery' : 'none', at);
  if (delivery) reg.state.delivery = delivery;
  reg.state.payment.invoice = { bucket: 'b', key: 'invoice.pdf', sha256: '0'.repeat(64) };
  return reg;
}

const refusedWith = (fn: () => void) => {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
};

describe('recordDelivery: the same delivery again is a no-op, another is refused', () => {
  const mailed: DeliveryUpdate = { kind: 'mailed', waybillNo: 'SF1234567890', actorId };

  it('takes a first delivery once certified, and not before', () => {
    const reg = registration('certified');
    expect(reg.hasDelivery(mailed)).toBe(false);
    expect(refusedWith(() => reg.checkDelivery(mailed))).toBeUndefined();
    reg.transition('final_review', 'certification', at);
    expect(refusedWith(() => reg.checkDelivery(mailed))).toBe('证书尚未制作完成或已寄送/领取');
  });

  it('accepts the identical delivery again (by anyone: the actor is not part of it)', () => {
    const reg = registration('delivered', { kind: 'mailed', waybillNo: 'SF1234567890', at });
    const again = { ...mailed, actorId: '00000000-0000-4000-8000-000000000005' };
    expect(reg.hasDelivery(again)).toBe(true);
    expect(refusedWith(() => reg.checkDelivery(again))).toBeUndefined();
    const pickedUp = registration('delivered', { kind: 'picked_up', at });
    expect(refusedWith(() => pickedUp.checkDelivery({ kind: 'picked_up', actorId }))).toBeUndefined();
  });

  it('refuses a different waybill or kind with the existing words', () => {
    const reg = registration('delivered', { kind: 'mailed', waybillNo: 'SF1234567890', at });
    for (const other of [
      { kind: 'mailed', waybillNo: 'SF0000000001', actorId },
      { kind: 'picked_up', actorId },
    ] as DeliveryUpdate[]) {
      expect(reg.hasDelivery(other)).toBe(false);
      expect(refusedWith(() => reg.checkDelivery(other))).toBe('证书尚未制作完成或已寄送/领取');
    }
  });
});

describe('the changes a message makes, once its check has passed', () => {
  const inReview = (stage: 'initial_review' | 'final_review') => {
    const reg = new Registration(input, Registration.start(input, at));
    reg.transition(stage, stage === 'initial_review' ? 'initial-review' : 'final-review', at);
    reg.state.reviewDeadline = '2026-12-31T16:00:00.000Z';
    return reg;
  };
  const review = { reviewerId: actorId, reasons: [] as string[] };

  it('initial approval: 终审, no remark; final approval: certification left to the main loop', () => {
    const reg = inReview('initial_review');
    expect(
      reg.decide({ ...review, stage: 'initial', reviewerRole: 'initial_reviewer', decision: 'approve' }, at, at),
    ).toBe(undefined);
    expect([reg.state.status, reg.state.waitingOn, reg.data.certifying]).toEqual([
      'final_review',
      'final-review',
      false,
    ]);
    reg.decide({ ...review, stage: 'final', reviewerRole: 'final_reviewer', decision: 'approve' }, at, at);
    expect([reg.state.status, reg.state.waitingOn, reg.data.certifying]).toEqual([
      'final_review',
      'certification',
      true,
    ]);
    expect(reg.state.reviewRounds.map((r) => r.stage)).toEqual(['initial', 'final']);
  });

  it('return: the reply deadline set, the review clock stopped; the reasons are the remark', () => {
    const reg = inReview('initial_review');
    reg.state.overdue = true;
    reg.data.returnWarningSent = true;
    const reasons = ['样本不清晰', '缺少权利证明'];
    const due = '2027-01-30T16:00:00.000Z';
    expect(
      reg.decide(
        { ...review, reasons, stage: 'initial', reviewerRole: 'initial_reviewer', decision: 'return' },
        at,
        due,
      ),
    ).toBe('样本不清晰；缺少权利证明');
    expect(reg.state).toMatchObject({
      status: 'returned',
      waitingOn: 'applicant',
      returnReplyDeadline: due,
      overdue: false,
    });
    expect(reg.state.reviewDeadline).toBeUndefined();
    expect(reg.data.returnWarningSent).toBe(false);
  });

  it('refusal: the refund left to the main loop', () => {
    const reg = inReview('final_review');
    const reasons = ['不属于作品'];
    expect(
      reg.decide({ ...review, reasons, stage: 'final', reviewerRole: 'final_reviewer', decision: 'refuse' }, at, at),
    ).toBe('不属于作品');
    expect([reg.state.status, reg.state.waitingOn, reg.data.refundPending, reg.finished]).toEqual([
      'refused',
      'refund',
      true,
      false,
    ]);
  });

  it('amend: a new version and round, every signer waiting again, the reply deadline gone', () => {
    const reg = new Registration(input, Registration.start(input, at));
    reg.transition('returned', 'applicant', at);
    reg.state.returnReplyDeadline = at;
    reg.amend({ versionNo: 2, signers: input.signers }, at);
    expect(reg.state).toMatchObject({ status: 'awaiting_signatures', waitingOn: 'form', versionNo: 2 });
    expect(reg.currentRound()).toMatchObject({ round: 2, versionNo: 2, signers: [{ state: 'waiting' }] });
    expect(reg.state.returnReplyDeadline).toBeUndefined();
  });

  it('deliver: mailed keeps the waybill, a pickup has none; the registration is finished', () => {
    const mailed = registration('certified');
    mailed.deliver({ kind: 'mailed', waybillNo: 'SF1234567890', actorId }, at);
    expect(mailed.state.delivery).toEqual({ kind: 'mailed', waybillNo: 'SF1234567890', at });
    const picked = registration('certified');
    picked.deliver({ kind: 'picked_up', actorId }, at);
    expect(picked.state.delivery).toEqual({ kind: 'picked_up', at });
    expect([mailed.finished, picked.finished, picked.state.status]).toEqual([true, true, 'delivered']);
  });
});
