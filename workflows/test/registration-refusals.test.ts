import { readFileSync } from 'node:fs';
import type { ErrorCode, RegistrationInput, RegistrationStatus, ReviewUpdate } from '@copyreg/proto';
import { ApplicationFailure } from '@temporalio/workflow';
import { describe, expect, it } from 'vitest';
import { Registration } from '../src/registration-state';

/**
 * Every refusal of the pure rules (registration-state.ts), each with a state that triggers it and
 * the message that would be accepted there once the one thing is mended: removing or loosening a
 * rule fails its row, and a refusal added without a row fails the last test.
 */

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const applicantId = id(1);
const [writer, holder, stranger, reviewer, initialReviewer] = [id(2), id(3), id(4), id(5), id(6)];
const input: RegistrationInput = {
  filingId: id(9),
  versionNo: 1,
  applicantId,
  region: '330106',
  workType: 'fine_art',
  signers: [
    { signerId: writer, kind: 'writer' },
    { signerId: holder, kind: 'holder' },
  ],
};
const at = '2026-11-24T02:00:00.000Z';
const invoice = { bucket: 'b', key: 'invoice.pdf', sha256: '0'.repeat(64) };

/** A registration in `status`, its round opened and the first signer's turn. */
function reg(status: RegistrationStatus, change?: (r: Registration) => void): Registration {
  const r = new Registration(input, Registration.start(input, at));
  const round = r.currentRound();
  round.form = { bucket: 'b', key: 'form.pdf', sha256: '0'.repeat(64) };
  const first = round.signers[0];
  if (first) first.state = 'current';
  r.transition(status, 'x', at);
  change?.(r);
  return r;
}
const signer = (r: Registration, i: number) => {
  const s = r.currentRound().signers[i];
  if (!s) throw new Error('the input has two signers');
  return s;
};
const review = (u: Partial<ReviewUpdate> = {}): ReviewUpdate => ({
  stage: 'initial',
  reviewerId: reviewer,
  reviewerRole: 'initial_reviewer',
  decision: 'approve',
  reasons: [],
  ...u,
});
const finalReview = (u: Partial<ReviewUpdate> = {}) => review({ stage: 'final', reviewerRole: 'final_reviewer', ...u });
const sign = { signerId: writer, placementId: 'p1', versionNo: 1 };

interface Row {
  rule: string;
  when: string;
  code: ErrorCode;
  message: string;
  /** The check, on the refusing state. */
  refused: () => void;
  /** The same check with the one cause mended: accepted (so the row tests that cause). */
  accepted: () => void;
}

const rows: Row[] = [
  // --- sign
  {
    rule: 'sign',
    when: 'not awaiting signatures',
    code: 'INVALID_STATE',
    message: '当前不在签章阶段',
    refused: () => reg('awaiting_submission').checkSign(sign),
    accepted: () => reg('awaiting_signatures').checkSign(sign),
  },
  {
    rule: 'sign',
    when: 'for a voided version',
    code: 'CONFLICT',
    message: '申请表已修改，原签章作废，请重新打开签章链接',
    refused: () => reg('awaiting_signatures').checkSign({ ...sign, versionNo: 2 }),
    accepted: () => reg('awaiting_signatures', (r) => (r.state.versionNo = 2)).checkSign({ ...sign, versionNo: 2 }),
  },
  {
    rule: 'sign',
    when: 'confirmed again while being applied',
    code: 'CONFLICT',
    message: '您已确认签署，签章正在处理中，无需重复签署',
    refused: () => reg('awaiting_signatures', (r) => (signer(r, 0).state = 'signing')).checkSign(sign),
    accepted: () => reg('awaiting_signatures').checkSign(sign),
  },
  {
    rule: 'sign',
    when: 'another signer while one is being applied',
    code: 'NOT_CURRENT_SIGNER',
    message: '您不是本份文件的签署者',
    refused: () =>
      reg('awaiting_signatures', (r) => (signer(r, 0).state = 'signing')).checkSign({ ...sign, signerId: holder }),
    accepted: () =>
      reg('awaiting_signatures', (r) => {
        signer(r, 0).state = 'signed';
        signer(r, 1).state = 'current';
      }).checkSign({ ...sign, signerId: holder }),
  },
  {
    rule: 'sign',
    when: 'the form is still being rendered (no current signer)',
    code: 'INVALID_STATE',
    message: '申请表正在生成，请稍后再签章',
    refused: () => reg('awaiting_signatures', (r) => (signer(r, 0).state = 'waiting')).checkSign(sign),
    accepted: () => reg('awaiting_signatures').checkSign(sign),
  },
  {
    rule: 'sign',
    when: 'a signer who has signed signs again',
    code: 'CONFLICT',
    message: '您已完成签章，无需重复签署',
    refused: () =>
      reg('awaiting_signatures', (r) => {
        signer(r, 0).state = 'signed';
        signer(r, 1).state = 'current';
      }).checkSign(sign),
    accepted: () => reg('awaiting_signatures').checkSign(sign),
  },
  {
    rule: 'sign',
    when: 'not the current signer',
    code: 'NOT_CURRENT_SIGNER',
    message: '您不是本份文件的签署者',
    refused: () => reg('awaiting_signatures').checkSign({ ...sign, signerId: holder }),
    accepted: () => reg('awaiting_signatures').checkSign(sign),
  },
  {
    rule: 'sign',
    when: 'no signature placed',
    code: 'SIGNATURE_NOT_PLACED',
    message: '请先放置签章，再确认签署',
    refused: () => reg('awaiting_signatures').checkSign({ signerId: writer, versionNo: 1 }),
    accepted: () => reg('awaiting_signatures').checkSign(sign),
  },
  // --- amend
  {
    rule: 'amend',
    when: 'after submission',
    code: 'INVALID_STATE',
    message: '作品已提交，当前状态不能修改',
    refused: () => reg('awaiting_payment').checkAmend({ versionNo: 2, signers: input.signers }),
    accepted: () => reg('returned').checkAmend({ versionNo: 2, signers: input.signers }),
  },
  {
    rule: 'amend',
    when: 'a version not above the current',
    code: 'CONFLICT',
    message: '修改后的版本号必须大于当前版本',
    refused: () => reg('awaiting_submission').checkAmend({ versionNo: 1, signers: input.signers }),
    accepted: () => reg('awaiting_submission').checkAmend({ versionNo: 2, signers: input.signers }),
  },
  // --- submit
  {
    rule: 'submit',
    when: 'by someone other than the applicant',
    code: 'FORBIDDEN',
    message: '只有申请人本人可以操作',
    refused: () => reg('awaiting_submission').checkSubmit({ actorId: stranger }),
    accepted: () => reg('awaiting_submission').checkSubmit({ actorId: applicantId }),
  },
  {
    rule: 'submit (validator)',
    when: 'by someone else while the last signature is applied',
    code: 'FORBIDDEN',
    message: '只有申请人本人可以操作',
    refused: () =>
      reg('awaiting_signatures', (r) => {
        signer(r, 0).state = 'signed';
        signer(r, 1).state = 'signing';
      }).checkSubmitAccepted({ actorId: stranger }),
    accepted: () =>
      reg('awaiting_signatures', (r) => {
        signer(r, 0).state = 'signed';
        signer(r, 1).state = 'signing';
      }).checkSubmitAccepted({ actorId: applicantId }),
  },
  {
    rule: 'submit',
    when: 'signatures missing',
    code: 'INVALID_STATE',
    message: '尚有签章人未完成签章，不能提交',
    refused: () => reg('awaiting_signatures').checkSubmitAccepted({ actorId: applicantId }),
    accepted: () => reg('awaiting_submission').checkSubmitAccepted({ actorId: applicantId }),
  },
  {
    rule: 'submit',
    when: 'returned and not yet amended',
    code: 'INVALID_STATE',
    message: '退回修改的作品须先修改并重新签章后再提交',
    refused: () => reg('returned').checkSubmit({ actorId: applicantId }),
    accepted: () => reg('awaiting_submission').checkSubmit({ actorId: applicantId }),
  },
  {
    rule: 'submit',
    when: 'submitted already',
    code: 'INVALID_STATE',
    message: '作品已提交',
    refused: () => reg('initial_review').checkSubmit({ actorId: applicantId }),
    accepted: () => reg('awaiting_submission').checkSubmit({ actorId: applicantId }),
  },
  // --- choosePaymentMethod
  {
    rule: 'choosePaymentMethod',
    when: 'not in the payment phase',
    code: 'INVALID_STATE',
    message: '当前不在缴费阶段',
    refused: () => reg('initial_review').checkChoosePaymentMethod({ method: 'online' }),
    accepted: () => reg('awaiting_payment').checkChoosePaymentMethod({ method: 'online' }),
  },
  {
    rule: 'choosePaymentMethod',
    when: 'another method than the one chosen',
    code: 'PAYMENT_METHOD_LOCKED',
    message: '缴费方式一经选择不可更改',
    refused: () =>
      reg('payment_verifying', (r) => (r.state.payment.method = 'offline')).checkChoosePaymentMethod({
        method: 'online',
      }),
    accepted: () =>
      reg('payment_verifying', (r) => (r.state.payment.method = 'offline')).checkChoosePaymentMethod({
        method: 'offline',
      }),
  },
  // --- review
  {
    rule: 'review',
    when: 'initial review asked outside 初审',
    code: 'INVALID_STATE',
    message: '该作品当前不在初审阶段',
    refused: () => reg('final_review').checkReview(review()),
    accepted: () => reg('initial_review').checkReview(review()),
  },
  {
    rule: 'review',
    when: 'final review asked outside 终审',
    code: 'INVALID_STATE',
    message: '该作品当前不在终审阶段',
    refused: () => reg('initial_review').checkReview(finalReview()),
    accepted: () => reg('final_review').checkReview(finalReview()),
  },
  {
    rule: 'review',
    when: 'final review while certifying',
    code: 'INVALID_STATE',
    message: '该作品当前不在终审阶段',
    refused: () => reg('final_review', (r) => (r.data.certifying = true)).checkReview(finalReview()),
    accepted: () => reg('final_review').checkReview(finalReview()),
  },
  {
    rule: 'review',
    when: 'initial review by a final reviewer',
    code: 'FORBIDDEN',
    message: '只有初审员可以进行初审',
    refused: () => reg('initial_review').checkReview(review({ reviewerRole: 'final_reviewer' })),
    accepted: () => reg('initial_review').checkReview(review()),
  },
  {
    rule: 'review',
    when: 'final review by an initial reviewer',
    code: 'FORBIDDEN',
    message: '只有终审员可以进行终审',
    refused: () => reg('final_review').checkReview(finalReview({ reviewerRole: 'initial_reviewer' })),
    accepted: () => reg('final_review').checkReview(finalReview()),
  },
  {
    rule: 'review (separation of duties)',
    when: 'by the applicant',
    code: 'FORBIDDEN',
    message: '不能审核本人提交的作品，请由其他审核人员审核',
    refused: () => reg('initial_review').checkReview(review({ reviewerId: applicantId })),
    accepted: () => reg('initial_review').checkReview(review({ reviewerId: applicantId }), () => false),
  },
  {
    rule: 'review (separation of duties)',
    when: 'by a signer',
    code: 'FORBIDDEN',
    message: '不能审核本人签章的作品，请由其他审核人员审核',
    refused: () => reg('initial_review', (r) => (signer(r, 1).confirmedBy = reviewer)).checkReview(review()),
    accepted: () => reg('initial_review').checkReview(review()),
  },
  {
    rule: 'review (separation of duties)',
    when: 'final review by the initial reviewer',
    code: 'FORBIDDEN',
    message: '终审须由初审以外的审核人员进行，您已对该作品作出初审决定',
    refused: () =>
      reg('final_review', (r) =>
        r.state.reviewRounds.push({
          stage: 'initial',
          reviewerId: initialReviewer,
          decision: 'approve',
          reasons: [],
          decidedAt: at,
        }),
      ).checkReview(finalReview({ reviewerId: initialReviewer })),
    accepted: () => reg('final_review').checkReview(finalReview({ reviewerId: initialReviewer })),
  },
  {
    rule: 'review',
    when: 'a return without reasons',
    code: 'VALIDATION_FAILED',
    message: '退回修改须填写原因',
    refused: () => reg('initial_review').checkReview(review({ decision: 'return' })),
    accepted: () => reg('initial_review').checkReview(review({ decision: 'return', reasons: ['样本不清晰'] })),
  },
  {
    rule: 'review',
    when: 'a refusal without reasons',
    code: 'VALIDATION_FAILED',
    message: '不予登记须填写理由',
    refused: () => reg('final_review').checkReview(finalReview({ decision: 'refuse' })),
    accepted: () => reg('final_review').checkReview(finalReview({ decision: 'refuse', reasons: ['不属于作品'] })),
  },
  // --- withdraw
  {
    rule: 'withdraw',
    when: 'by someone other than the applicant',
    code: 'FORBIDDEN',
    message: '只有申请人本人可以操作',
    refused: () => reg('awaiting_payment').checkWithdraw({ actorId: stranger }),
    accepted: () => reg('awaiting_payment').checkWithdraw({ actorId: applicantId }),
  },
  {
    rule: 'withdraw',
    when: 'a payment heard, not yet applied',
    code: 'INVALID_STATE',
    message: '已缴费或付款核对中的作品不能撤回',
    refused: () =>
      reg('awaiting_payment', (r) => {
        r.data.pendingPayment = { paymentId: id(7), method: 'online', amountFen: 10000 };
      }).checkWithdraw({ actorId: applicantId }),
    accepted: () => reg('awaiting_payment').checkWithdraw({ actorId: applicantId }),
  },
  {
    rule: 'withdraw',
    when: 'the offline payment being verified',
    code: 'INVALID_STATE',
    message: '已缴费或付款核对中的作品不能撤回',
    refused: () => reg('payment_verifying').checkWithdraw({ actorId: applicantId }),
    accepted: () => reg('awaiting_payment').checkWithdraw({ actorId: applicantId }),
  },
  {
    rule: 'withdraw',
    when: 'in review',
    code: 'INVALID_STATE',
    message: '当前状态不能撤回',
    refused: () => reg('returned').checkWithdraw({ actorId: applicantId }),
    accepted: () => reg('awaiting_submission').checkWithdraw({ actorId: applicantId }),
  },
  // --- recordDelivery
  {
    rule: 'recordDelivery',
    when: 'revoked',
    code: 'INVALID_STATE',
    message: '该作品的登记已撤销，纸质证书不再寄送或领取',
    refused: () => reg('revoked').checkDelivery({ kind: 'mailed', waybillNo: 'SF1234567890', actorId: stranger }),
    accepted: () => reg('certified').checkDelivery({ kind: 'mailed', waybillNo: 'SF1234567890', actorId: stranger }),
  },
  {
    rule: 'recordDelivery',
    when: 'a revocation heard, not yet applied',
    code: 'INVALID_STATE',
    message: '该作品的登记已撤销，纸质证书不再寄送或领取',
    refused: () =>
      reg('certified', (r) => (r.data.pendingRevocation = { revocationId: id(8), decidedAt: at })).checkDelivery({
        kind: 'mailed',
        waybillNo: 'SF1234567890',
        actorId: stranger,
      }),
    accepted: () => reg('certified').checkDelivery({ kind: 'mailed', waybillNo: 'SF1234567890', actorId: stranger }),
  },
  {
    rule: 'recordDelivery',
    when: 'not certified',
    code: 'INVALID_STATE',
    message: '证书尚未制作完成或已寄送/领取',
    refused: () => reg('final_review').checkDelivery({ kind: 'mailed', waybillNo: 'SF1234567890', actorId: stranger }),
    accepted: () => reg('certified').checkDelivery({ kind: 'mailed', waybillNo: 'SF1234567890', actorId: stranger }),
  },
  {
    rule: 'recordDelivery',
    when: 'picked up before the e-invoice',
    code: 'INVALID_STATE',
    message: '电子发票开具后方可领取纸质证书',
    refused: () => reg('certified').checkDelivery({ kind: 'picked_up', actorId: stranger }),
    accepted: () =>
      reg('certified', (r) => (r.state.payment.invoice = invoice)).checkDelivery({
        kind: 'picked_up',
        actorId: stranger,
      }),
  },
];

function refusalOf(fn: () => void): { code: string; message: string } | undefined {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ApplicationFailure)) throw err;
    return { code: err.type ?? '', message: err.message };
  }
  return undefined;
}

describe('the pure rules: every refusal, each in a state that triggers it', () => {
  it.each(rows)('$rule: $when → $code', (row) => {
    expect(refusalOf(row.refused)).toEqual({ code: row.code, message: row.message });
    expect(refusalOf(row.accepted)).toBeUndefined();
  });

  it('has a row for every refusal in registration-state.ts', () => {
    const source = readFileSync(new URL('../src/registration-state.ts', import.meta.url), 'utf8');
    const written = [...source.matchAll(/refusal\('([A-Z_]+)', '([^']+)'\)/g)].map(([, code, message]) => ({
      code,
      message,
    }));
    expect(written.length).toBeGreaterThan(20);
    const covered = new Set(rows.map((r) => `${r.code} ${r.message}`));
    expect(written.filter((w) => !covered.has(`${w.code} ${w.message}`))).toEqual([]);
  });
});
