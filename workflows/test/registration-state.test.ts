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
