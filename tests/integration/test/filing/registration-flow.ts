import { randomUUID } from 'node:crypto';
import { loadSnapshot } from '@copyreg/filing';
import { temporalClient } from '@copyreg/kit';
import {
  choosePaymentMethodUpdate,
  type DraftContent,
  paymentConfirmedSignal,
  registrationWorkflowId,
  signUpdate,
  stateQuery,
} from '@copyreg/proto';
import { afterAll, beforeAll, expect } from 'vitest';
import {
  applicantWithProfile,
  completeContent,
  type FilingTestApp,
  sample,
  startFilingWithWorker,
  until,
} from './helpers';

/**
 * The filing app and a running registration worker for the tests of one file (vitest hooks);
 * `extra` adds activities (another workflow's, or replacements of the stand-ins).
 */
export function filingWithWorker(extra?: (app: FilingTestApp) => object) {
  const ctx = {} as { app: FilingTestApp };
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ app: ctx.app, close } = await startFilingWithWorker(undefined, extra));
  });
  afterAll(() => close?.());
  return ctx;
}

/**
 * A registration walked through the filing API and the real workflow to 待初审: filed, every
 * signer's confirmation sent to the workflow as the signature service does, submitted, paid.
 */
export const registrationHandle = async (id: string) =>
  (await temporalClient()).workflow.getHandle(registrationWorkflowId(id));
export const workflowState = async (id: string) => (await registrationHandle(id)).query(stateQuery);
export const readModel = (app: FilingTestApp, id: string) => app.db('filing.filings').where({ id }).first();

export async function toInitialReview(app: FilingTestApp, over: Partial<DraftContent> = {}) {
  const a = await applicantWithProfile(app);
  const created = await app.call(a.cookie, 'post', '/filings', {
    content: completeContent(await sample(app, a), over),
  });
  const id = created.json.filingId as string;
  expect((await app.call(a.cookie, 'post', `/filings/${id}/submission`, {}, randomUUID())).status).toBe(200);
  const snap = await loadSnapshot(app.db, id, 1);
  const handle = await registrationHandle(id);
  for (const [i, signer] of (snap?.signers ?? []).entries()) {
    // 确认 is answered before the signature is applied: the next signer's turn follows it.
    await until(
      () => workflowState(id),
      (s) => s.waitingOn === `signer:${i + 1}`,
      `signer ${i + 1}`,
    );
    await handle.executeUpdate(signUpdate, {
      args: [{ signerId: signer.signerId, placementId: randomUUID(), versionNo: 1 }],
    });
  }
  await until(
    () => readModel(app, id),
    (r) => r?.status === 'awaiting_submission',
    'signed',
  );
  expect((await app.call(a.cookie, 'post', `/filings/${id}/submit`, {}, randomUUID())).status).toBe(200);
  await handle.executeUpdate(choosePaymentMethodUpdate, { args: [{ method: 'online' }] });
  await handle.signal(paymentConfirmedSignal, { paymentId: randomUUID(), method: 'online', amountFen: 15000 });
  await until(
    () => readModel(app, id),
    (r) => r?.status === 'initial_review',
    'initial_review',
  );
  return { a, id };
}
