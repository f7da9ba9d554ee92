import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { revocationActivities } from '@copyreg/activities/worker';
import { checkCode, createCertificateApp, isRevoked, revokeCertificate } from '@copyreg/certificate';
import { config, createDb, createObjectStore, temporalConnectionOptions } from '@copyreg/kit';
import { serve, sessionCookie } from '@copyreg/kit/testing';
import { decideRevocationUpdate, type RevocationInput, revocationWorkflowId } from '@copyreg/proto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * 撤销登记 as the certificate service records it (the revocation workflow's revokeCertificate
 * activity) and shows it: public verification of every edition, no reissue, no paper certificate.
 * The whole journey (request, answer, decision) is in tests/integration/test/filing/revocation.test.ts.
 */
const db = createDb();
let api: Awaited<ReturnType<typeof serve>>;
const run = randomUUID().slice(0, 8);

beforeAll(async () => {
  api = await serve(createCertificateApp({ db, store: createObjectStore(), bucket: config().S3_BUCKET }));
});
afterAll(async () => {
  await api.close();
  await db.destroy();
});

/** A certificate in two editions: the first superseded by a reissue (补证), the second valid. */
async function certificateOf(n: number) {
  const filingId = randomUUID();
  const applicantId = randomUUID();
  const number = `浙作登字-2026-G-${run}${String(n).padStart(4, '0')}`;
  const facts = {
    registrationNumber: number,
    title: `证书-${run}`,
    workType: 'graphic',
    authors: ['李四'],
    holders: ['李四'],
  };
  for (const edition of [1, 2]) {
    await db('certificate.certificates').insert({
      certificate_id: randomUUID(),
      filing_id: filingId,
      applicant_id: applicantId,
      registration_number: number,
      edition,
      status: edition === 1 ? 'superseded' : 'valid',
      check_code: checkCode(number, edition),
      facts: JSON.stringify(facts),
      registered_on: '2026-05-06',
      signed_at: new Date(),
      bucket: config().S3_BUCKET,
      object_key: `certificates/${filingId}/${number}-${edition}.pdf`,
      sha256: 'b'.repeat(64),
    });
  }
  return { filingId, number };
}

const verify = async (number: string, c: string) =>
  (await fetch(`${api.url}/api/certificate/verify?${new URLSearchParams({ number, c })}`)).json() as Promise<{
    status: string;
    statusText: string;
    revokedOn?: string;
    edition: number;
  }>;

describe('a revoked certificate (撤销登记)', () => {
  it('is revoked once, by its revocation, and verification says so with the day and ground', async () => {
    const { filingId, number } = await certificateOf(1);
    expect(await isRevoked(db, filingId)).toBe(false);
    const revocationId = randomUUID();
    const decidedAt = '2026-11-30T03:00:00.000Z';
    await revokeCertificate(db, { filingId, revocationId, ground: 'duplicate', decidedAt });
    // Idempotent: the activity retried, or another revocation later, changes nothing.
    await revokeCertificate(db, { filingId, revocationId: randomUUID(), ground: 'facts_untrue', decidedAt });
    expect(await isRevoked(db, filingId)).toBe(true);
    const rows = await db('certificate.certificates').where({ filing_id: filingId }).orderBy('edition');
    expect(rows.map((r) => r.status)).toEqual(['superseded', 'revoked']);
    expect(rows[1]).toMatchObject({ revocation_id: revocationId, revocation_ground: 'duplicate' });

    const current = await verify(number, checkCode(number, 2));
    expect(current).toMatchObject({ status: 'revoked', edition: 2, revokedOn: '2026-11-30' });
    expect(current.statusText).toBe('已撤销登记（2026-11-30，重复登记）');
    // The older edition's QR code still says it was superseded.
    expect((await verify(number, checkCode(number, 1))).status).toBe('superseded');
  });

  it('is neither reissued nor delivered on paper; the old admin revoke route is gone', async () => {
    const { filingId } = await certificateOf(2);
    await revokeCertificate(db, {
      filingId,
      revocationId: randomUUID(),
      ground: 'holder_request',
      decidedAt: new Date().toISOString(),
    });
    const cookie = await sessionCookie({ userId: randomUUID(), roles: ['admin'] });
    const post = (path: string, body?: unknown) =>
      fetch(`${api.url}/api/certificate${path}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify(body ?? {}),
      });
    const reissue = await post(`/admin/certificates/${filingId}/reissue`);
    expect(reissue.status).toBe(409);
    const delivery = await post(`/admin/deliveries/${filingId}`, { kind: 'picked_up' });
    expect(delivery.status).toBe(409);
    expect(((await delivery.json()) as { error: { message: string } }).error.message).toContain('已撤销');
    expect((await post(`/admin/certificates/${filingId}/revoke`, { reason: '旧接口' })).status).toBe(404);
  });

  it('is what the revocation workflow leaves: decided to revoke, verification answers 已撤销登记', async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('WARN') });
    } catch {
      // installed already in this process
    }
    const { filingId, number } = await certificateOf(3);
    const address = temporalConnectionOptions();
    const client = new Client({
      connection: await Connection.connect(address),
      namespace: config().TEMPORAL_NAMESPACE,
    });
    const taskQueue = `certificate-revocation-test-${randomUUID()}`;
    const worker = await Worker.create({
      connection: await NativeConnection.connect(address),
      namespace: config().TEMPORAL_NAMESPACE,
      taskQueue,
      workflowBundle: await bundleWorkflowCode({
        workflowsPath: createRequire(import.meta.url).resolve('@copyreg/workflows'),
        logger: new DefaultLogger('WARN'),
      }),
      activities: {
        loadWorkingCalendar: async () => ({ holidays: [], makeupWorkdays: [], years: [] }),
        ...revocationActivities(db),
      },
    });
    const running = worker.run();
    try {
      const revocationId = randomUUID();
      const input: RevocationInput = {
        revocationId,
        filingId,
        applicantId: randomUUID(),
        requesterId: randomUUID(),
        initiator: 'staff',
        ground: 'refusal_ground',
        region: '330106',
        workType: 'graphic',
        registrationNumber: number,
        timing: { answerDeadlineAfter: '500 ms' },
      };
      const handle = await client.workflow.start('revocationWorkflow', {
        taskQueue,
        workflowId: revocationWorkflowId(revocationId),
        args: [input],
      });
      // Valid until decided, and no decision before the answer period is over.
      expect((await verify(number, checkCode(number, 2))).status).toBe('valid');
      const decide = (deciderId: string) =>
        handle.executeUpdate(decideRevocationUpdate, {
          args: [
            {
              deciderId,
              deciderRoles: ['final_reviewer'],
              decision: 'revoke',
              ground: 'refusal_ground',
              statementId: randomUUID(),
            },
          ],
        });
      const deadline = Date.now() + 15_000;
      for (;;) {
        const done = await decide(randomUUID()).then(
          () => true,
          (err: Error) => {
            if (Date.now() > deadline) throw err;
            return false;
          },
        );
        if (done) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect((await handle.result()).status).toBe('revoked');
      const v = await verify(number, checkCode(number, 2));
      expect(v.status).toBe('revoked');
      expect(v.statusText).toContain('已撤销登记');
      expect(v.statusText).toContain('登记后发现有不予登记的情形');
    } finally {
      worker.shutdown();
      await running;
      await client.connection.close();
    }
  });
});
