import { randomUUID } from 'node:crypto';
import { revocationActivities } from '@copyreg/activities/worker';
import { temporalClient } from '@copyreg/kit';
import { revocationWorkflowId, SearchAttr } from '@copyreg/proto';
import { describe, expect, it } from 'vitest';
import { actor, until } from './helpers';
import { filingWithWorker, readModel, registrationHandle, toInitialReview, workflowState } from './registration-flow';

/**
 * 撤销登记 heard by the registration (issue #17): the revocation workflow signals the registration's
 * workflow, which ends as 已撤销; the applicant's list and view show it, the registry too. The real
 * registration and revocation workflows on the Temporal dev server, the real read model.
 */
const ctx = filingWithWorker((app) => {
  app.deps.revocationTiming = { answerDeadlineAfter: '1 hour' };
  // A number no earlier run has (the stand-in's counter restarts with each process).
  const run = randomUUID().slice(0, 8);
  let n = 0;
  return {
    ...revocationActivities(app.db),
    allocateRegistrationNumber: async () => `浙作登字-2026-F-${run}${String(++n).padStart(4, '0')}`,
  };
});

describe('a certified registration hears its revocation', () => {
  it('ends as 已撤销: the workflow, its search attribute, the applicant’s list and view, the registry', async () => {
    const { a, id } = await toInitialReview(ctx.app);
    for (const [stage, role] of [
      ['initial', 'initial_reviewer'],
      ['final', 'final_reviewer'],
    ] as const) {
      const reviewer = await actor([role]);
      const decided = await ctx.app.call(
        reviewer.cookie,
        'post',
        `/filings/${id}/reviews/${stage}`,
        { decision: 'approve' },
        randomUUID(),
      );
      expect(decided.status).toBe(200);
    }
    const certified = await until(
      () => readModel(ctx.app, id),
      (r) => r?.status === 'certified',
      'certified',
    );

    // The holder asks (申请人申请撤销原登记); a final reviewer revokes.
    const asked = await ctx.app.call(a.cookie, 'post', '/revocations', {
      registrationNumber: certified.registration_number,
      ground: 'holder_request',
      statement: '本人申请撤销该作品登记。',
    });
    expect(asked.status).toBe(201);
    const revocationId = asked.json.revocationId as string;
    const reviewer = await actor(['final_reviewer']);
    const decided = await ctx.app.call(reviewer.cookie, 'post', `/revocations/${revocationId}/decision`, {
      decision: 'revoke',
      reasons: ['著作权人本人申请撤销'],
    });
    expect(decided.status).toBe(200);

    // The registration's workflow heard it and ended: no delivery of the paper certificate follows.
    const handle = await registrationHandle(id);
    const result = await handle.result();
    expect(result).toMatchObject({ status: 'revoked', waitingOn: 'none', revocation: { revocationId } });
    expect(await workflowState(id)).toMatchObject({ status: 'revoked' });
    const { typedSearchAttributes } = await handle.describe();
    expect(typedSearchAttributes.get(SearchAttr.RegistrationStatus)).toBe('revoked');
    const revocation = await (await temporalClient()).workflow.getHandle(revocationWorkflowId(revocationId)).result();
    expect(revocation.status).toBe('revoked');

    // The applicant's list and view say 已撤销; the registry keeps the entry, marked revoked.
    const page = (await ctx.app.call(a.cookie, 'get', '/filings?list=all&pageSize=100')).json;
    const item = page.items.find((i: { filingId: string }) => i.filingId === id);
    expect(item).toMatchObject({ status: 'revoked', actions: ['view'] });
    expect((await ctx.app.call(a.cookie, 'get', `/filings/${id}`)).json).toMatchObject({
      status: 'revoked',
      revocationId,
    });
    const registry = await fetch(
      `${ctx.app.api.url}/api/filing/registry?${new URLSearchParams({ number: certified.registration_number })}`,
    );
    expect(((await registry.json()) as { items: { status: string }[] }).items[0]?.status).toBe('revoked');
  });
});
