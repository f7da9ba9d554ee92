import type { Config } from '@copyreg/kit';
import type { Knex } from 'knex';
import type { Client as Minio } from 'minio';
import { Flow, type Party, party, residentId } from '../../src/bench/flow';
import { Latencies } from '../../src/bench/stats';
import { waitFor } from '../../src/proc';

/** The steps a registration is held before, in the order it reaches them. */
export const heldSteps = ['sign', 'submit-and-pay', 'initial-review', 'final-review'] as const;
export type HeldStep = (typeof heldSteps)[number];

/**
 * Doors the registrations wait at before each held step: a test lets them reach a step
 * (`arrived`), puts a fault in place, then opens the door, so the step's work runs into the fault
 * and nothing can finish before it. A registration that fails makes every wait fail at once.
 */
export class Gates {
  private readonly doors = new Map<HeldStep, Deferred<void>>();
  private readonly arrivals = new Map<HeldStep, string[]>();
  private readonly listeners = new Set<() => void>();
  private failure: Error | undefined;
  /** Every filing that reached the first held step. */
  get filings(): string[] {
    return this.arrivals.get(heldSteps[0]) ?? [];
  }

  private door(step: HeldStep) {
    const d = this.doors.get(step) ?? deferred<void>();
    this.doors.set(step, d);
    return d;
  }

  /** Called by a registration before STEP: waits until the door is opened. */
  async pass(step: HeldStep, filingId: string): Promise<void> {
    this.arrivals.set(step, [...(this.arrivals.get(step) ?? []), filingId]);
    for (const l of this.listeners) l();
    await this.door(step).promise;
  }

  fail(err: Error) {
    this.failure ??= err;
    for (const l of this.listeners) l();
  }

  /** Resolves with the filing ids once N registrations wait before STEP. */
  arrived(step: HeldStep, n: number): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.failure) reject(this.failure);
        else if ((this.arrivals.get(step)?.length ?? 0) >= n) resolve(this.arrivals.get(step) ?? []);
        else return;
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  open(step: HeldStep) {
    this.door(step).resolve();
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * Registrations driven end to end through the HTTP APIs while the faults happen (filing, two
 * signers, online payment, two reviews, certificate), each held before the steps in `heldSteps`
 * until the test opens that door; and the personal data they gave the platform, which the
 * workflow histories must not contain.
 */
export async function registrationDriver(
  db: Knex,
  c: Config,
  gates: Gates,
  /** Where the flow reaches filing and signature, when not directly (a proxy that loses answers). */
  via: { filing?: string; signature?: string } = {},
) {
  const url = (port: number) => `http://127.0.0.1:${port}`;
  const flow = new Flow(
    {
      identity: url(c.IDENTITY_PORT),
      filing: via.filing ?? url(c.FILING_PORT),
      signature: via.signature ?? url(c.SIGNATURE_PORT),
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
  /** What the test gave the platform about people (completeProfile adds its own fixed values). */
  const personalData = new Set<string>([
    ...holders.flatMap((h) => [h.name, h.idNumber]),
    '初审员',
    '终审员',
    '13800000000',
    '浙江省杭州市西湖区文三路1号',
  ]);
  const filings: string[] = [];

  async function stepwise(applicant: Party, i: number): Promise<string> {
    const filingId = await flow.file(applicant, holders, i);
    filings.push(filingId);
    await gates.pass('sign', filingId); // no signer has signed yet
    await flow.sign(applicant, signers, filingId);
    await flow.waitStatus(applicant, filingId, ['awaiting_submission', 'awaiting_payment'], 'wait: all signed');
    await gates.pass('submit-and-pay', filingId);
    await flow.call(
      'POST /api/filing/filings/:id/submit',
      applicant,
      'POST',
      `${flow.urls.filing}/api/filing/filings/${filingId}/submit`,
    );
    await flow.waitStatus(applicant, filingId, ['awaiting_payment'], 'wait: awaiting payment');
    await flow.pay(applicant, filingId);
    await flow.waitStatus(applicant, filingId, ['initial_review'], 'wait: payment confirmed → initial review');
    await gates.pass('initial-review', filingId); // not yet decided
    await flow.review(initial, applicant, filingId, 'initial', ['final_review']);
    await gates.pass('final-review', filingId);
    await flow.review(final, applicant, filingId, 'final', ['certified', 'delivered']);
    await flow.certificate(applicant, filingId);
    return filingId;
  }

  return {
    flow,
    filings,
    personalData,
    async register(i: number): Promise<string> {
      try {
        const name = `申请人${i}`;
        const idNumber = residentId(700 + i);
        for (const v of [name, idNumber, `applicant${i}@example.com`]) personalData.add(v);
        const applicant: Party = await party(db, { name, idNumber });
        await flow.completeProfile(applicant, 700 + i);
        return await stepwise(applicant, i);
      } catch (err) {
        gates.fail(err as Error);
        throw err;
      }
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
  // One decision per review stage, one confirmed signature per signer: a command whose answer was
  // lost and that was sent again acted once.
  const decisions = await count('filing.review_decisions', (q) => q);
  const confirmed = await count('signature.placements', (q) => q.whereNotNull('confirmed_at'));
  for (const id of filingIds) {
    if (decisions[id] !== 2) problems.push(`${id}: ${decisions[id] ?? 0} review decisions (2 expected)`);
    if (confirmed[id] !== 2) problems.push(`${id}: ${confirmed[id] ?? 0} confirmed signatures (2 expected)`);
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

  // Mail has settled only when the outbox holds none of these filings' notices unsent: a notice
  // is claimed in payment.notices only as the dispatcher sends it, so the final approval's 已发证
  // can be there while its 电子发票 (the same transition's, sent next) is not yet.
  const unsent: { notice_key: string; attempts: number; last_error: string | null }[] = await db('ops.notice_outbox')
    .whereIn('filing_id', filingIds)
    .whereNull('sent_at')
    .select('notice_key', 'attempts', 'last_error');
  for (const n of unsent)
    problems.push(
      `notice ${n.notice_key} not sent yet (${n.attempts} attempts${n.last_error ? `: ${n.last_error}` : ''})`,
    );

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

/**
 * exactlyOnceProblems once mail has settled: notices leave through the outbox after the step that
 * wrote them (retried with backoff over outages), so this waits up to `ms` for the problems to
 * clear. A notice delivered twice never comes right again, so waiting hides no duplicate.
 */
export async function settledExactlyOnceProblems(
  db: Knex,
  store: Minio,
  mailUrl: string,
  filingIds: string[],
  ms: number,
): Promise<string[]> {
  let problems: string[] = [];
  await waitFor(
    'every notice delivered',
    async () => {
      problems = await exactlyOnceProblems(db, store, mailUrl, filingIds);
      return problems.length === 0;
    },
    ms,
  ).catch(() => {});
  return problems;
}
