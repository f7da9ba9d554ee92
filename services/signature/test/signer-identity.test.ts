import { randomUUID } from 'node:crypto';
import { saveProfile, upsertLogin } from '@copyreg/identity';
import { createDb } from '@copyreg/kit';
import { type ProfileInput, residentIdCheckChar } from '@copyreg/proto';
import { afterAll, describe, expect, it } from 'vitest';
import { idDocumentOf } from '../src/signer-identity';

const db = createDb();
afterAll(() => db.destroy());

const rid = (first17: string) => first17 + residentIdCheckChar(first17);
const victim = rid('33010219851112204');
const profileWith = (idNumber: string): ProfileInput => ({
  category: 'individual',
  name: '李四',
  idType: 'resident_id',
  idNumber,
  handler: '李四',
  handlerMobile: '13800000000',
  invoiceEmail: 'li@example.com',
  recipient: '李四',
  recipientMobile: '13800000000',
  mailingAddress: '浙江省杭州市西湖区文三路1号',
});

describe('the signer is matched only against what the login provider verified', () => {
  it('a number typed into a profile is no identity: a login without a verified document matches no signer', async () => {
    // The provider verified no document; the user types someone else's ID number into 资料完善.
    const user = await upsertLogin(db, { userId: randomUUID(), issuer: 'test', subject: randomUUID(), name: '某人' });
    await saveProfile(db, user.userId, profileWith(victim));
    expect(await idDocumentOf(db, user.userId)).toBeUndefined();
  });

  it('the verified document is the one matched', async () => {
    const own = rid('33010619900307123');
    const user = await upsertLogin(db, {
      userId: randomUUID(),
      issuer: 'test',
      subject: randomUUID(),
      name: '张三',
      idType: 'resident_id',
      idNumber: own,
    });
    expect(await idDocumentOf(db, user.userId)).toEqual({ idType: 'resident_id', idNumber: own });
  });
});
