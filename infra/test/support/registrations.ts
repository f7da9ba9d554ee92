import type { Config } from '@copyreg/kit';
import type { Knex } from 'knex';
import type { Client as Minio } from 'minio';
import { Flow, type Party, party, residentId } from '../../src/bench/flow';
import { Latencies } from '../../src/bench/stats';

/**
 * Registrations driven end to end through the HTTP APIs while the faults happen, and what
 * must hold afterwards, each read from Postgres, MinIO and the mail catcher.
 */
export async function registrationDriver(db: Knex, c: Config) {
  const url = (port: number) => `http://127.0.0.1:${port}`;
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
    300_000,
  );
  flow.retryTransient = true;
  const holders = [
    { name: '张三', idNumber: residentId(501) },
    { name: '李四', idNumber: residentId(602) },
  ];
  const signers = await Promise.all(holders.map((h) => party(db, h)));
  const initial = await party(db, { name: '初审员', roles: ['initial_reviewer'] });
  const final = await party(db, { name: '终审员', roles: ['final_reviewer'] });
  return {
    flow,
    async register(i: number): Promise<string> {
      const applicant: Party = await party(db, { name: `申请人${i}`, idNumber: residentId(700 + i) });
      await flow.completeProfile(applicant, 700 + i);
      return flow.register({ applicant, signers, holders, initial, final }, i);
    },
  };
}

/** Every check of "exactly once, nothing lost" for the given filings; returns the problems found. */
export async function exactlyOnceProblems(
  db: Knex,
  store: Minio,
  mailUrl: string,
  filingIds: string[],
): Promise<string[]> {
  const problems: string[] = [];
  const count = async (table: string, where: (q: Knex.QueryBuilder) => Knex.QueryBuilder) =>
    Object.fromEntries(
      (
        (await where(db(table).whereIn('filing_id', filingIds))
          .groupBy('filing_id')
          .select('filing_id', db.raw('count(*)::int as n'))) as { filing_id: string; n: number }[]
      ).map((r) => [r.filing_id, r.n]),
    );
  const numbers = await count('certificate.registration_numbers', (q) => q);
  const payments = await count('payment.payments', (q) => q.where({ status: 'confirmed' }));
  const certificates = await count('certificate.certificates', (q) => q.where({ status: 'valid' }));
  for (const id of filingIds) {
    if (numbers[id] !== 1) problems.push(`${id}: ${numbers[id] ?? 0} registration numbers`);
    if (payments[id] !== 1) problems.push(`${id}: ${payments[id] ?? 0} confirmed payments`);
    if (certificates[id] !== 1) problems.push(`${id}: ${certificates[id] ?? 0} valid certificates`);
  }
  const filings = await db('filing.filings').whereIn('id', filingIds).select('id', 'status', 'registration_number');
  const distinct = new Set(filings.map((f) => f.registration_number));
  if (distinct.size !== filingIds.length || distinct.has(null)) problems.push('registration numbers not distinct');
  for (const f of filings)
    if (!['certified', 'delivered'].includes(f.status)) problems.push(`${f.id}: status ${f.status}`);

  // No lost upload, no lost certificate: every object the rows name is in MinIO.
  const objects = [
    ...(await db('filing.uploads').select('bucket', 'object_key as key')),
    ...(await db('certificate.certificates').whereIn('filing_id', filingIds).select('bucket', 'object_key as key')),
  ];
  for (const o of objects) {
    if (!o.key) continue;
    await store.statObject(o.bucket, o.key).catch(() => problems.push(`object lost: ${o.bucket}/${o.key}`));
  }

  // One of each notice: every notice row was delivered to the mail catcher exactly once.
  const notices: { notice_key: string; message_id: string; kind: string; filing_id: string }[] = await db(
    'payment.notices',
  )
    .whereIn('filing_id', filingIds)
    .select('notice_key', 'message_id', 'kind', 'filing_id');
  const inbox = ((await (await fetch(`${mailUrl}/api/messages`)).json()) as { items: { messageId: string }[] }).items;
  for (const n of notices) {
    const copies = inbox.filter((m) => m.messageId === n.message_id).length;
    if (copies !== 1) problems.push(`notice ${n.notice_key} (${n.kind}) delivered ${copies} times`);
  }
  for (const id of filingIds) {
    const kinds = new Set(notices.filter((n) => n.filing_id === id).map((n) => n.kind));
    if (!kinds.has('certified')) problems.push(`${id}: no 'certified' notice (has ${[...kinds].join(', ')})`);
  }
  return problems;
}
