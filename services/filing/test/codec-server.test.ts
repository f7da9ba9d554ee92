import { randomUUID } from 'node:crypto';
import { config, ENCRYPTED_ENCODING, payloadCodec, payloadFromJson, payloadToJson } from '@copyreg/kit';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actor, type FilingTestApp, startFiling } from './helpers';

/**
 * The codec server the Temporal Web UI is pointed at (POST /api/filing/codec/decode and /encode):
 * refused to anonymous callers (401) and to anyone without the ops permission (403); for ops it
 * decrypts, and every answer lands in filing.audit_log. The real history's payloads through it:
 * activities/test/registration-encryption.test.ts.
 */
let app: FilingTestApp;
beforeAll(async () => {
  app = await startFiling();
});
afterAll(async () => {
  await app.close();
});

const uiOrigin = () => new URL(config().TEMPORAL_UI_URL).origin;
const post = (path: 'decode' | 'encode', body: unknown, cookie?: string, origin = uiOrigin()) =>
  fetch(`${app.api.url}/api/filing/codec/${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-namespace': config().TEMPORAL_NAMESPACE,
      origin,
      ...(cookie ? { cookie } : {}),
    },
    body: JSON.stringify(body),
  });

async function encrypted(value: unknown) {
  const [p] = await payloadCodec().encode([defaultPayloadConverter.toPayload(value)]);
  return payloadToJson(p as NonNullable<typeof p>);
}
const decodedValue = (json: { metadata?: Record<string, string>; data?: string }) =>
  defaultPayloadConverter.fromPayload(payloadFromJson(json));
const auditOf = (actorId: string) => app.db('filing.audit_log').where({ actor_id: actorId }).orderBy('id');

describe('codec server for the Temporal Web UI', () => {
  it('refuses anonymous callers (401) and users without the ops permission (403), recording nothing', async () => {
    const body = { payloads: [await encrypted({ filingId: randomUUID(), reasons: ['作品样本不清晰'] })] };
    const anonymous = await post('decode', body);
    expect(anonymous.status).toBe(401);
    // The UI reads the refusal too: the answer carries its origin's CORS headers.
    expect(anonymous.headers.get('access-control-allow-origin')).toBe(uiOrigin());
    for (const roles of [['applicant'], ['initial_reviewer'], ['final_reviewer'], ['finance'], ['regional_staff']]) {
      const who = await actor(roles as Parameters<typeof actor>[0], '330106');
      for (const path of ['decode', 'encode'] as const) {
        const res = await post(path, body, who.cookie);
        expect(res.status, `${roles} ${path}`).toBe(403);
      }
      expect(await auditOf(who.userId)).toEqual([]);
    }
  });

  it("decrypts for ops, in Temporal's codec server JSON, and records who decoded which filing", async () => {
    const ops = await actor(['admin']);
    const filingId = randomUUID();
    const reasons = ['作品样本与作品说明不一致，请补充'];
    const plain = payloadToJson(defaultPayloadConverter.toPayload('not encrypted (recorded before encryption)'));
    const body = { payloads: [await encrypted({ filingId, reasons }), plain] };
    expect(Buffer.from(body.payloads[0]?.metadata?.encoding ?? '', 'base64').toString()).toBe(ENCRYPTED_ENCODING);

    const res = await post('decode', body, ops.cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(uiOrigin());
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    const { payloads } = (await res.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(payloads).toHaveLength(2);
    expect(decodedValue(payloads[0] as (typeof payloads)[0])).toEqual({ filingId, reasons });
    expect(payloads[1]).toEqual(plain);

    const [entry, ...more] = await auditOf(ops.userId);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ filing_id: filingId, actor_role: 'admin', action: 'codec.decode' });
    expect(entry.detail).toMatchObject({
      namespace: config().TEMPORAL_NAMESPACE,
      payloads: 2,
      encrypted: 1,
      keyIds: [payloadCodec().keyId],
      filingIds: [filingId],
    });
    // The log says what was looked at, never the data itself.
    expect(JSON.stringify(entry.detail)).not.toContain(reasons[0]);
  });

  it('encrypts what the UI sends (start or signal from the UI), and decrypts it back', async () => {
    const ops = await actor(['admin']);
    const plain = payloadToJson(defaultPayloadConverter.toPayload({ note: '运维在界面中发送' }));
    const enc = await post('encode', { payloads: [plain] }, ops.cookie);
    expect(enc.status).toBe(200);
    const { payloads } = (await enc.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    const [sealed] = payloads;
    expect(Buffer.from(sealed?.metadata.encoding ?? '', 'base64').toString()).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(sealed?.data ?? '', 'base64').toString()).not.toContain('运维');
    const dec = await post('decode', { payloads }, ops.cookie);
    expect(((await dec.json()) as { payloads: unknown[] }).payloads).toEqual([plain]);
    expect((await auditOf(ops.userId)).map((r) => r.action)).toEqual(['codec.encode', 'codec.decode']);
  });

  it('refuses altered ciphertext with 400 naming the payload, and records nothing', async () => {
    const ops = await actor(['admin']);
    const good = await encrypted({ filingId: randomUUID() });
    const bytes = Buffer.from(good.data ?? '', 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0x01;
    const res = await post('decode', { payloads: [good, { ...good, data: bytes.toString('base64') }] }, ops.cookie);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string; field: string } }).error).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'payloads.1',
    });
    const unknownKey = { ...good, metadata: { ...good.metadata, 'encryption-key-id': btoa('retired-2020') } };
    expect((await post('decode', { payloads: [unknownKey] }, ops.cookie)).status).toBe(400);
    expect(await auditOf(ops.userId)).toEqual([]);
  });

  it('refuses another origin (403) and gives it no CORS headers', async () => {
    const ops = await actor(['admin']);
    const res = await post('decode', { payloads: [] }, ops.cookie, 'https://evil.example');
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
