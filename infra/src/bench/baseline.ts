import { randomUUID } from 'node:crypto';
import {
  officeIdentity,
  personSignatureStamp,
  renderApplicationForm,
  renderCertificate,
  SIGNATURE_PAGE_INDEX,
  signatureSlots,
  signerCredential,
  signPdf,
} from '@copyreg/certificate';
import type { Knex } from 'knex';
import { benchSnapshot } from './sample';
import { pool } from './stats';

/**
 * The limits orchestration is measured against: the unavoidable work of a registration done
 * directly, without Temporal, HTTP or services in between.
 */

export interface BaselineFigure {
  registrations: number;
  seconds: number;
  perSecond: number;
  note?: string;
  /** Milliseconds of this process's CPU per registration, phase by phase (documents only). */
  cpuMs?: Record<string, number>;
}

/** This process's CPU time so far, in milliseconds (user + system). */
const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/**
 * Documents: the application form rendered, signed by each of its two signers, the certificate
 * rendered and sealed by the office — with the documents engineer's own functions, in this
 * process (one core's worth: pdf-lib and signing are synchronous CPU work).
 */
export async function documentsBaseline(n: number): Promise<BaselineFigure> {
  const office = await officeIdentity();
  const snapshot = benchSnapshot(0);
  const identities = await Promise.all(
    snapshot.signers.map((s) => signerCredential(s, { placementId: 'bench', confirmedAt: new Date() })),
  );
  const slots = signatureSlots(snapshot.signers.length);
  const phases = { form: 0, appearances: 0, signatures: 0, certificate: 0, seal: 0 };
  let record = false;
  /** Runs one phase, adding its CPU time to the tally once warm. */
  const timed = async <T>(phase: keyof typeof phases, work: () => Promise<T>): Promise<T> => {
    const t = cpuNow();
    const result = await work();
    if (record) phases[phase] += cpuNow() - t;
    return result;
  };
  const one = async (i: number) => {
    const s = benchSnapshot(i);
    let pdf: Uint8Array = await timed('form', () => renderApplicationForm(s));
    for (const [k, signer] of s.signers.entries()) {
      const identity = identities[k];
      const rect = slots[k];
      if (!identity || !rect) throw new Error(`no identity or box for signer ${k + 1}`);
      const appearance = await timed('appearances', () => personSignatureStamp(signer.name, '2026-11-23'));
      const unsigned = pdf;
      pdf = await timed('signatures', () =>
        signPdf(unsigned, {
          identity,
          fieldName: `signer-${k + 1}`,
          signerName: signer.name,
          reason: '著作权人签章',
          location: '杭州',
          signingTime: new Date(),
          pageIndex: SIGNATURE_PAGE_INDEX,
          rect,
          appearance,
        }),
      );
    }
    const certificate = await timed('certificate', () =>
      renderCertificate({
        registrationNumber: `浙作登字-2026-I-${String(i).padStart(8, '0')}`,
        title: s.content.title,
        workType: s.content.workType,
        authors: ['张三'],
        holders: ['张三'],
        completedOn: s.content.completedOn,
        registeredOn: '2026-11-23',
        edition: 1,
        officeName: '浙江省版权局',
        verifyUrl: `http://127.0.0.1:3000/verify/${i}`,
      }),
    );
    await timed('seal', () =>
      signPdf(certificate, {
        identity: office,
        fieldName: 'office',
        signerName: '浙江省版权局',
        reason: '作品登记证书',
        location: '杭州',
        signingTime: new Date(),
        pageIndex: 0,
        rect: { x: 380, y: 140, width: 130, height: 130 },
      }),
    );
  };
  for (let i = 1; i <= 3; i++) await one(-i); // warm: fonts and keys are loaded once per process
  record = true;
  const start = performance.now();
  const cpuStart = cpuNow();
  for (let i = 0; i < n; i++) await one(i);
  const seconds = (performance.now() - start) / 1000;
  const cpuMs = { total: (cpuNow() - cpuStart) / n, ...phases };
  for (const [k, v] of Object.entries(phases)) cpuMs[k as keyof typeof phases] = v / n;
  return {
    registrations: n,
    seconds: r2(seconds),
    perSecond: r2(n / seconds),
    cpuMs: Object.fromEntries(Object.entries(cpuMs).map(([k, v]) => [k, Math.round(v * 10) / 10])),
  };
}

/**
 * Postgres: the rows one registration leaves behind (the filing and its frozen version, two
 * signers and their signatures, the order and its payment event, two review decisions, the
 * number, the certificate, six notices), each registration in one transaction, with the given
 * number of connections. Tables of its own in the bench database, shaped like the services'.
 */
export async function postgresBaseline(db: Knex, n: number, concurrency: number): Promise<BaselineFigure> {
  await db.raw('drop schema if exists bench_baseline cascade');
  await db.raw('create schema bench_baseline');
  const t = (name: string, cols: string) => db.raw(`create table bench_baseline.${name} (${cols})`);
  await t('filings', 'id uuid primary key, applicant uuid not null, title text, status text, updated_at timestamptz');
  await t('versions', 'filing_id uuid, version_no int, snapshot jsonb, primary key (filing_id, version_no)');
  await t(
    'signers',
    'id uuid primary key, filing_id uuid, seq int, status text, signed_at timestamptz, unique (filing_id, seq)',
  );
  await t('orders', 'id uuid primary key, filing_id uuid unique, amount int, status text');
  await t('payment_events', 'event_id text primary key, order_id uuid, received_at timestamptz');
  await t('reviews', 'id uuid primary key, filing_id uuid, stage text, decision text, unique (filing_id, stage)');
  await t('numbers', 'filing_id uuid primary key, number text unique');
  await t('certificates', 'filing_id uuid primary key, bucket text, key text, sha256 text');
  await t('notices', 'id text primary key, filing_id uuid, kind text, sent_at timestamptz');
  const snapshot = JSON.stringify(benchSnapshot(0));
  const now = () => new Date();
  const one = async (i: number) => {
    const id = randomUUID();
    const order = randomUUID();
    await db.transaction(async (tx) => {
      const b = (table: string) => tx.withSchema('bench_baseline').table(table);
      await b('filings').insert({ id, applicant: randomUUID(), title: `作品${i}`, status: 'draft', updated_at: now() });
      await b('versions').insert({ filing_id: id, version_no: 1, snapshot });
      await b('signers').insert([1, 2].map((seq) => ({ id: randomUUID(), filing_id: id, seq, status: 'pending' })));
      for (const seq of [1, 2])
        await b('signers').where({ filing_id: id, seq }).update({ status: 'signed', signed_at: now() });
      await b('orders').insert({ id: order, filing_id: id, amount: 15000, status: 'created' });
      await b('payment_events').insert({ event_id: `evt-${id}`, order_id: order, received_at: now() });
      await b('orders').where({ id: order }).update({ status: 'paid' });
      await b('reviews').insert(
        ['initial', 'final'].map((stage) => ({ id: randomUUID(), filing_id: id, stage, decision: 'approve' })),
      );
      await b('numbers').insert({ filing_id: id, number: `bench-${id}` });
      await b('certificates').insert({
        filing_id: id,
        bucket: 'copyreg',
        key: `certificates/${id}.pdf`,
        sha256: 'ab'.repeat(32),
      });
      await b('notices').insert(
        ['signer-1', 'signer-2', 'payment-due', 'paid', 'invoice', 'certificate'].map((kind) => ({
          id: `${id}:${kind}`,
          filing_id: id,
          kind,
          sent_at: now(),
        })),
      );
      await b('filings').where({ id }).update({ status: 'certified', updated_at: now() });
    });
  };
  const start = performance.now();
  await pool(n, concurrency, one, (ok, err) => {
    if (!ok) throw err;
  });
  const seconds = (performance.now() - start) / 1000;
  await db.raw('drop schema bench_baseline cascade');
  return { registrations: n, seconds: r2(seconds), perSecond: r2(n / seconds) };
}

const r2 = (x: number) => Math.round(x * 100) / 100;
