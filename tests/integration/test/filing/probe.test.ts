import { randomUUID } from 'node:crypto';
import { createRegistrationWorker } from '@copyreg/activities/worker';
import { createFilingApp } from '@copyreg/filing';
import { config, createDb, createObjectStore, getObject, temporalClient } from '@copyreg/kit';
import { serve, sessionCookie } from '@copyreg/kit/testing';
import { type ErrorBody, ProbeResult } from '@copyreg/proto';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('the stack probe: HTTP → Temporal → worker → Postgres and MinIO', () => {
  const db = createDb();
  const store = createObjectStore();
  let worker: Worker;
  let running: Promise<void>;
  let api: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    worker = await createRegistrationWorker();
    running = worker.run();
    api = await serve(createFilingApp());
  });
  afterAll(async () => {
    await api.close();
    worker.shutdown();
    await running;
    await db.destroy();
  });

  it('runs a workflow that writes a row and an object, and both read back', async () => {
    const cookie = await sessionCookie({ userId: randomUUID(), roles: ['admin'] });
    const res = await fetch(`${api.url}/api/filing/ops/probe`, { method: 'POST', headers: { cookie } });
    expect(res.status).toBe(200);
    const result = ProbeResult.parse(await res.json());

    const row = await db('ops.probes').where({ probe_id: result.probeId }).first();
    expect(row).toMatchObject({ object_key: result.object.key, sha256: result.object.sha256 });

    expect(result.object.bucket).toBe(config().S3_BUCKET);
    const bytes = await getObject(store, result.object);
    expect(JSON.parse(bytes.toString())).toEqual({ probeId: result.probeId });

    const client = await temporalClient();
    const description = await client.workflow.getHandle(result.workflowId).describe();
    expect(description.status.name).toBe('COMPLETED');
  });

  it('refuses a caller without a session, and one without the admin role', async () => {
    const anonymous = await fetch(`${api.url}/api/filing/ops/probe`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as ErrorBody).error.code).toBe('UNAUTHENTICATED');
    const cookie = await sessionCookie({ userId: randomUUID(), roles: ['applicant'] });
    const applicant = await fetch(`${api.url}/api/filing/ops/probe`, { method: 'POST', headers: { cookie } });
    expect(applicant.status).toBe(403);
  });
});
