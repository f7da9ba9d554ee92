import type { Config } from '@copyreg/kit';
import type { Knex } from 'knex';
import { Flow, filingContent, type Party, PNG, party, residentId } from '../../src/bench/flow';
import { Latencies } from '../../src/bench/stats';
import type { FuzzSession } from './openapi-fuzz';

/**
 * Real objects for the fuzzer to aim at, made through the real APIs as the portal makes them:
 * an applicant with a complete profile and an identity proof, a draft, a filing awaiting
 * signatures (with a placed, unconfirmed signature), one awaiting an offline payment's check,
 * and one certified; another applicant with a draft of their own; a session for each staff role.
 * The ids are read back from every table that holds one (users, proofs, uploads, filings,
 * signing links, placements, payments, refunds), so a path parameter can name a real object.
 */
export interface FuzzSeed {
  sessions: Record<string, FuzzSession>;
  ids: Record<string, string[]>;
  examples: Record<string, unknown[]>;
  /** The seeded filings' statuses, for the log. */
  statuses: Record<string, string>;
}

const url = (port: number) => `http://127.0.0.1:${port}`;

export function profileBody(n: number, name: string): Record<string, unknown> {
  return {
    category: 'individual',
    name,
    idType: 'resident_id',
    idNumber: residentId(n),
    handler: name,
    handlerMobile: '13800000000',
    region: '330106',
    invoiceEmail: `applicant${n}@example.com`,
    recipient: name,
    recipientMobile: '13800000000',
    mailingAddress: '浙江省杭州市西湖区文三路1号',
  };
}

export async function seedFuzzObjects(db: Knex, c: Config): Promise<FuzzSeed> {
  const flow = new Flow(
    {
      identity: url(c.IDENTITY_PORT),
      filing: url(c.FILING_PORT),
      signature: url(c.SIGNATURE_PORT),
      payment: url(c.PAYMENT_PORT),
      certificate: url(c.CERTIFICATE_PORT),
      gateway: url(c.DEV_GATEWAY_PORT),
    },
    new Latencies(),
    120_000,
  );
  const holders = [
    { name: '张三', idNumber: residentId(901) },
    { name: '李四', idNumber: residentId(902) },
  ];
  const signers = await Promise.all(holders.map((h) => party(db, h)));
  const staff = async (role: 'initial_reviewer' | 'final_reviewer' | 'finance' | 'admin' | 'regional_staff') =>
    party(db, { name: role, roles: [role], ...(role === 'regional_staff' ? { region: '330100' } : {}) });
  const [initial, final, finance, admin, regional] = await Promise.all([
    staff('initial_reviewer'),
    staff('final_reviewer'),
    staff('finance'),
    staff('admin'),
    staff('regional_staff'),
  ]);
  const applicant = await party(db, { name: '王申请', idNumber: residentId(903) });
  const other = await party(db, { name: '赵申请', idNumber: residentId(904) });
  await flow.completeProfile(applicant, 903);
  await flow.completeProfile(other, 904);

  const f = `${url(c.FILING_PORT)}/api/filing`;
  const draft = async (who: Party, i: number) => {
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), '样本.png');
    const sample = await flow.call('POST /uploads/sample', who, 'POST', `${f}/uploads/sample`, form);
    const body = { content: filingContent(sample, holders, i) };
    const made = await flow.call<{ filingId: string }>('POST /filings', who, 'POST', `${f}/filings`, body);
    return { filingId: made.filingId, body };
  };
  const mine = await draft(applicant, 1);
  await draft(other, 2);

  // Awaiting signatures, the first signer's signature placed but not confirmed.
  const awaitingSignatures = async () => {
    const signing = await flow.file(applicant, holders, 3);
    const link = await flow.until('signing link', async () => {
      const l = await flow.call<{ items: { seq: number; state: string; signingLink?: string }[] }>(
        'signing list',
        applicant,
        'GET',
        `${url(c.SIGNATURE_PORT)}/api/signature/filings/${signing}/signing-list`,
      );
      return l.items.find((it) => it.seq === 1 && it.state === 'current')?.signingLink;
    });
    const token = /([A-Za-z0-9_-]{32,64})\/?(?:[?#].*)?$/.exec(link)?.[1] as string;
    const s = `${url(c.SIGNATURE_PORT)}/api/signature/links/${token}`;
    await flow.call('open link', signers[0], 'GET', s);
    await flow.until('placement', async () => {
      try {
        return await flow.call('place', signers[0], 'POST', `${s}/placements`, {});
      } catch (err) {
        if (/409 .*INVALID_STATE/.test((err as Error).message)) return undefined; // the form is still being made
        throw err;
      }
    });
    return signing;
  };
  // Awaiting the check of an offline payment.
  const offlineBody = {
    channel: 'bank_transfer',
    payerName: '王申请',
    reference: 'ZJ20260305001',
    paidOn: '2026-03-05',
  };
  const awaitingOfflineCheck = async () => {
    const offline = await flow.file(applicant, holders, 4);
    await flow.sign(applicant, signers, offline);
    await flow.waitStatus(applicant, offline, ['awaiting_submission', 'awaiting_payment'], 'all signed');
    await flow.call('submit', applicant, 'POST', `${f}/filings/${offline}/submit`, undefined, [200, 409]);
    await flow.waitStatus(applicant, offline, ['awaiting_payment'], 'awaiting payment');
    const order = `${url(c.PAYMENT_PORT)}/api/payment/orders/${offline}`;
    await flow.call('method', applicant, 'POST', `${order}/method`, { method: 'offline' });
    await flow.call('offline', applicant, 'POST', `${order}/offline`, offlineBody);
  };
  const [signing, , certified] = await Promise.all([
    awaitingSignatures(),
    awaitingOfflineCheck(),
    // Certified: paid online, approved twice, its certificate issued.
    flow.register({ applicant, signers, holders, initial, final }, 5),
  ]);
  // 其他登记服务: a reissue kept as a draft (暂存) on the certified registration, so the request
  // routes get a requestId that exists and a body that passes validation.
  const serviceRequestBody = {
    kind: 'reissue',
    filingId: certified,
    reason: 'lost',
    statement: '证书遗失，申请补发。',
  };
  await flow.call('POST /service-requests', applicant, 'POST', `${f}/service-requests`, {
    ...serviceRequestBody,
    submit: false,
  });

  const column = async (table: string, col: string): Promise<string[]> =>
    (await db(table).select(`${col} as v`)).map((r: { v: string }) => r.v);
  // Those still in play, and one done with: a path gets past "not found" and past "already signed".
  const inPlay = async (table: string, col: string, open: string): Promise<string[]> => {
    const rows: { v: string; open: boolean }[] = await db(table).select(`${col} as v`, db.raw(`(${open}) as open`));
    return [...rows.filter((r) => r.open), ...rows.filter((r) => !r.open).slice(0, 1)].map((r) => r.v);
  };
  const ids: Record<string, string[]> = {
    filingId: await column('filing.filings', 'id'),
    uploadId: await column('filing.uploads', 'id'),
    userId: await column('identity.users', 'id'),
    proofId: await column('identity.proofs', 'id'),
    token: await inPlay('signature.slots', 'token', "state <> 'signed'"),
    placementId: await inPlay('signature.placements', 'placement_id', 'confirmed_at is null'),
    paymentId: await column('payment.payments', 'payment_id'),
    refundId: await column('payment.refunds', 'refund_id'),
    requestId: await column('filing.service_requests', 'id'),
  };
  ids['*'] = [...new Set(Object.entries(ids).flatMap(([k, v]) => (k === 'token' ? [] : v)))];
  // The public verification's query: the certificate's number and check code.
  ids.number = await column('certificate.certificates', 'registration_number');
  ids.c = await column('certificate.certificates', 'check_code');
  // Not ids, but values a body must get right to pass (a check character): the seeded people's.
  ids.idNumber = [903, 904, 901, 902].map(residentId);
  const statuses = Object.fromEntries(
    (await db('filing.filings').select('id', 'status')).map((r: { id: string; status: string }) => [r.id, r.status]),
  );

  // Each person's own objects: their ids go with their session (a signer's link with the signer).
  const owned = async (p: Party, extra: Record<string, string[]> = {}) => {
    const mine: Record<string, string[]> = {
      filingId: await db('filing.filings').where({ applicant_id: p.userId }).pluck('id'),
      uploadId: await db('filing.uploads').where({ owner_id: p.userId }).pluck('id'),
      proofId: await db('identity.proofs').where({ user_id: p.userId }).pluck('id'),
      requestId: await db('filing.service_requests').where({ applicant_id: p.userId }).pluck('id'),
      placementId: await db('signature.placements')
        .where({ user_id: p.userId })
        .orderByRaw('confirmed_at is not null')
        .pluck('placement_id'),
      ...extra,
    };
    return Object.fromEntries(Object.entries(mine).filter(([, v]) => v.length));
  };
  // The signer's link while it is their turn (the other links are everyone's, in ids.token).
  const signerLinks = await db('signature.slots').where({ filing_id: signing, state: 'current' }).pluck('token');
  const session = async (
    p: Party,
    roles: FuzzSession['roles'],
    weight = 1,
    extra?: Record<string, string[]>,
  ): Promise<FuzzSession> => ({
    cookie: p.cookie,
    roles,
    weight,
    ids: await owned(p, extra),
  });
  return {
    sessions: {
      anonymous: { roles: [] },
      applicant: await session(applicant, ['applicant'], 3),
      'another applicant': await session(other, ['applicant']),
      signer: await session(signers[0] as Party, ['applicant'], 3, { token: signerLinks }),
      initial_reviewer: await session(initial, ['initial_reviewer']),
      final_reviewer: await session(final, ['final_reviewer']),
      finance: await session(finance, ['finance']),
      admin: await session(admin, ['admin']),
      regional_staff: await session(regional, ['regional_staff']),
    },
    ids,
    examples: {
      'PUT /api/identity/profile': [profileBody(903, '王申请')],
      'POST /api/filing/filings': [mine.body],
      'PUT /api/filing/filings/{filingId}': [mine.body],
      'POST /api/payment/orders/{filingId}/offline': [offlineBody],
      'POST /api/filing/service-requests': [serviceRequestBody],
      // A body that passes validation reaches the state check (the seeded request is a draft).
      'POST /api/filing/service-requests/{requestId}/resubmit': [serviceRequestBody],
    },
    statuses,
  };
}
