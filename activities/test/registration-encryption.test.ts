import { randomUUID } from 'node:crypto';
import { createFilingApp, defaultFilingDeps } from '@copyreg/filing';
import { config, decodeHistory, ENCRYPTED_ENCODING, KEY_ID_METADATA, payloadCodec, payloadToJson } from '@copyreg/kit';
import { serve, sessionCookie } from '@copyreg/kit/testing';
import { reviewUpdate } from '@copyreg/proto';
import type { Payload } from '@temporalio/common';
import proto, { type temporal as api } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allText } from './personal-data-scan';
import { reviewer, setup, signAll, status, submitAndPay, until } from './registration-harness';

const { temporal } = proto;

/**
 * Temporal's history holds the registration's payloads encrypted (kit codec.ts): read raw from
 * the server, with no data converter in the way, it names the encryption key on every payload and
 * holds none of the data; ops read it through the codec server (the filing service's
 * /api/filing/codec), as the Temporal Web UI does.
 */
let filing: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  filing = await serve(createFilingApp(defaultFilingDeps()));
});
afterAll(async () => {
  await filing.close();
  await defaultFilingDeps().db.destroy();
});

/**
 * Every payload in a history a codec sees (inputs, results, update arguments, query answers,
 * memos): objects with an encoding, except the two kinds Temporal never passes to a codec:
 * search attributes (never personal data, docs/operations.md) and the SDK's patch markers
 * (the patch's name, from patched()).
 */
function payloadsIn(value: unknown, out: Payload[] = []): Payload[] {
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return out;
  const p = value as Payload;
  if (p.metadata && p.metadata.encoding instanceof Uint8Array) {
    out.push(p);
    return out;
  }
  for (const [key, child] of Object.entries(value)) {
    if (key === 'searchAttributes') continue;
    if (key === 'markerRecordedEventAttributes' && (child as { markerName?: string })?.markerName === 'core_patch')
      continue;
    payloadsIn(child, out);
  }
  return out;
}

describe('workflow payloads are encrypted in Temporal', () => {
  it("a raw history holds no payload in clear: a reviewer's reasons show only through the codec server", async () => {
    const t = await setup({ signers: 2 });
    const reason = `作品样本与作品说明不一致，请补充（${randomUUID()}）`;
    await t.withWorkers(async () => {
      await t.start();
      await signAll(t);
      await submitAndPay(t);
      await t.handle.executeUpdate(reviewUpdate, {
        args: [{ ...reviewer.initial, decision: 'return', reasons: [reason] }],
      });
      await until(t.handle, status('returned'));
    });

    // Raw, page by page, straight from the server's API.
    const events: unknown[] = [];
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await t.client.workflowService.getWorkflowExecutionHistory({
        namespace: config().TEMPORAL_NAMESPACE,
        execution: { workflowId: t.handle.workflowId },
        ...(nextPageToken?.length ? { nextPageToken } : {}),
      });
      events.push(...(page.history?.events ?? []));
      nextPageToken = page.nextPageToken ?? undefined;
    } while (nextPageToken?.length);
    const history = temporal.api.history.v1.History.create({
      events: events as api.api.history.v1.IHistoryEvent[],
    });

    const payloads = payloadsIn(history);
    expect(payloads.length).toBeGreaterThan(10); // input, signatures, submission, payment, the review...
    for (const p of payloads) {
      expect(Buffer.from(p.metadata?.encoding ?? []).toString()).toBe(ENCRYPTED_ENCODING);
      expect(Buffer.from(p.metadata?.[KEY_ID_METADATA] ?? []).toString()).toBe(payloadCodec().keyId);
    }
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish());
    const secrets = [
      reason,
      '作品样本',
      t.input.applicantId,
      reviewer.initial.reviewerId,
      ...t.input.signers.map((s) => s.signerId),
    ];
    for (const secret of secrets) expect(bytes.includes(Buffer.from(secret)), secret).toBe(false);

    // Decrypted (what the workers see), the same history holds them.
    const text = allText(await decodeHistory(temporal.api.history.v1.History.decode(bytes)));
    expect(text).toContain(reason);
    expect(text).toContain(t.input.applicantId);

    // The Temporal Web UI's way: the review update's arguments, posted to the codec server by ops.
    const update = events
      .map((e) => (e as api.api.history.v1.IHistoryEvent).workflowExecutionUpdateAcceptedEventAttributes)
      .find((a) => a?.acceptedRequest?.input?.name === reviewUpdate.name);
    const args = update?.acceptedRequest?.input?.args?.payloads ?? [];
    expect(args).toHaveLength(1);
    const ops = await sessionCookie({ userId: randomUUID(), roles: ['admin'] });
    const res = await fetch(`${filing.url}/api/filing/codec/decode`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-namespace': config().TEMPORAL_NAMESPACE,
        origin: new URL(config().TEMPORAL_UI_URL).origin,
        cookie: ops,
      },
      body: JSON.stringify({ payloads: args.map((p: Payload) => payloadToJson(p)) }),
    });
    expect(res.status).toBe(200);
    const decoded = (await res.json()) as { payloads: { data: string }[] };
    const review = JSON.parse(Buffer.from(decoded.payloads[0]?.data ?? '', 'base64').toString('utf8'));
    expect(review).toMatchObject({ stage: 'initial', decision: 'return', reasons: [reason] });
  });
});
