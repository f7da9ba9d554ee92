import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import {
  AesGcmPayloadCodec,
  decodeHistory,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  PayloadDecryptionError,
  payloadCodec,
  payloadFromJson,
  payloadToJson,
} from '../src/codec';
import { ConfigError, DEVELOPMENT_PAYLOAD_KEY, loadConfig, parsePayloadKeys } from '../src/config';
import { productionSettings } from '../src/testing';

// A CommonJS module: its namespaces come with the default import under Node's ESM loader.
const { temporal } = proto;

/** The payload codec on its own: no server needed (the real stack's histories: activities/test). */
const key = (id: string) => ({ id, key: randomBytes(32) });
const ring = (...keys: { id: string; key: Buffer }[]) =>
  keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
const text = (p: Payload) => Buffer.from(p.data ?? []).toString('utf8');
const encodingOf = (p: Payload) => Buffer.from(p.metadata?.encoding ?? []).toString();

const filingId = '3f1c8a52-8d0e-4a57-9c43-2d7d0c6f6b11';
const reason = '作品样本与作品说明不一致，请补充作者身份证明';
const input = defaultPayloadConverter.toPayload({ filingId, reasons: [reason] });

describe('AES-256-GCM payload codec', () => {
  it('round-trips a payload, and what it stores names the key and holds none of the plaintext', async () => {
    const codec = new AesGcmPayloadCodec([key('2026a')]);
    const [encrypted] = await codec.encode([input]);
    assert(encrypted);
    expect(encodingOf(encrypted)).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(encrypted.metadata?.[KEY_ID_METADATA] ?? []).toString()).toBe('2026a');
    const stored = Buffer.from(temporal.api.common.v1.Payload.encode(encrypted).finish());
    expect(stored.includes(Buffer.from(filingId))).toBe(false);
    expect(stored.includes(Buffer.from(reason))).toBe(false);
    expect(stored.includes(Buffer.from('json/plain'))).toBe(false);
    const [decoded] = await codec.decode([encrypted]);
    assert(decoded);
    expect(encodingOf(decoded)).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(decoded)).toEqual({ filingId, reasons: [reason] });
  });

  it('uses a fresh IV each time: the same payload twice gives different ciphertext', async () => {
    const codec = new AesGcmPayloadCodec([key('k')]);
    const [a, b] = await codec.encode([input, input]);
    expect(Buffer.from(a?.data ?? []).equals(Buffer.from(b?.data ?? []))).toBe(false);
  });

  it('passes a payload it did not encrypt through unchanged (histories recorded before encryption)', async () => {
    const codec = new AesGcmPayloadCodec([key('k')]);
    const [same] = await codec.decode([input]);
    expect(same).toBe(input);
  });

  it('rotation: a payload encrypted with the old key still decodes once a new key encrypts', async () => {
    const old = key('2026a');
    const next = key('2026b');
    const [before] = await new AesGcmPayloadCodec([old]).encode([input]);
    assert(before);
    const rotated = new AesGcmPayloadCodec([next, old]);
    expect(rotated.keyId).toBe('2026b');
    const [after] = await rotated.encode([input]);
    expect(Buffer.from(after?.metadata?.[KEY_ID_METADATA] ?? []).toString()).toBe('2026b');
    const decoded = await rotated.decode([before, after as Payload]);
    for (const d of decoded) expect(defaultPayloadConverter.fromPayload(d)).toEqual({ filingId, reasons: [reason] });
    // Once the old key is dropped, what it encrypted no longer decodes: keep it as long as histories are kept.
    await expect(new AesGcmPayloadCodec([next]).decode([before])).rejects.toThrow(/2026a.*not in the keyring/);
  });

  it('refuses tampered ciphertext, a swapped key id and a truncated payload', async () => {
    const a = key('a');
    const b = key('b');
    const codec = new AesGcmPayloadCodec([a, b]);
    const [encrypted] = await codec.encode([input]);
    assert(encrypted?.data);
    for (const at of [0, 12, encrypted.data.length - 20, encrypted.data.length - 1]) {
      const data = Uint8Array.from(encrypted.data);
      data[at] = (data[at] ?? 0) ^ 0x01;
      await expect(codec.decode([{ ...encrypted, data }])).rejects.toThrow(PayloadDecryptionError);
    }
    const swapped = { ...encrypted, metadata: { ...encrypted.metadata, [KEY_ID_METADATA]: Buffer.from('b') } };
    await expect(codec.decode([swapped])).rejects.toThrow(/failed authentication/);
    await expect(codec.decode([{ ...encrypted, data: encrypted.data.subarray(0, 20) }])).rejects.toThrow(
      PayloadDecryptionError,
    );
  });

  it('decodes every encrypted payload of a history in place', async () => {
    const codec = new AesGcmPayloadCodec([key('k')]);
    const [a, b] = await codec.encode([input, defaultPayloadConverter.toPayload('浙作登字-2026-F-00000001')]);
    const history = temporal.api.history.v1.History.create({
      events: [
        { workflowExecutionStartedEventAttributes: { input: { payloads: [a as Payload] } } },
        { activityTaskCompletedEventAttributes: { result: { payloads: [b as Payload] } } },
        { workflowExecutionStartedEventAttributes: { memo: { fields: { note: input } } } },
      ],
    });
    await decodeHistory(history, codec);
    const [first, second, third] = history.events;
    const decodedInput = first?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0] as Payload;
    expect(text(decodedInput)).toContain(reason);
    expect(
      defaultPayloadConverter.fromPayload(
        second?.activityTaskCompletedEventAttributes?.result?.payloads?.[0] as Payload,
      ),
    ).toBe('浙作登字-2026-F-00000001');
    expect(third?.workflowExecutionStartedEventAttributes?.memo?.fields?.note).toBe(input);
  });

  it("speaks the codec server's JSON: metadata and data in base64", async () => {
    const codec = new AesGcmPayloadCodec([key('k')]);
    const [encrypted] = await codec.encode([input]);
    const json = payloadToJson(encrypted as Payload);
    expect(Buffer.from(json.metadata?.encoding ?? '', 'base64').toString()).toBe(ENCRYPTED_ENCODING);
    const [decoded] = await codec.decode([payloadFromJson(JSON.parse(JSON.stringify(json)))]);
    expect(payloadToJson(decoded as Payload)).toEqual(payloadToJson(input));
  });

  it('costs microseconds of CPU per payload', () => {
    const codec = new AesGcmPayloadCodec([key('k')]);
    const payload = defaultPayloadConverter.toPayload({ filingId, reasons: [reason.repeat(20)] }); // ~1.3 KB
    for (let i = 0; i < 500; i++) codec.decryptOne(codec.encryptOne(payload));
    const n = 5000;
    const started = process.cpuUsage();
    for (let i = 0; i < n; i++) codec.decryptOne(codec.encryptOne(payload));
    const used = process.cpuUsage(started);
    const us = (used.user + used.system) / n;
    console.log(`payload codec: ${us.toFixed(1)} µs CPU per encrypt+decrypt of a ${payload.data?.length} B payload`);
    expect(us).toBeLessThan(2000); // generous: a shared 2-core machine under load
  });
});

describe('the payload keyring from TEMPORAL_PAYLOAD_KEYS', () => {
  // Every production setting but the payload keys, which are what these tests vary.
  const { TEMPORAL_PAYLOAD_KEYS: _keys, ...settings } = productionSettings;
  const production = { PUBLIC_URL: 'https://copyright.zj.example', ...settings };

  it('on loopback without keys, encrypts with the development key', async () => {
    const c = loadConfig({});
    const codec = payloadCodec(c);
    expect(codec.keyId).toBe(DEVELOPMENT_PAYLOAD_KEY.id);
    const [encrypted] = await codec.encode([input]);
    expect(encodingOf(encrypted as Payload)).toBe(ENCRYPTED_ENCODING);
  });

  it('parses id:key pairs, the first one encrypting', () => {
    const a = key('2026b');
    const b = key('2026a');
    const keys = parsePayloadKeys(ring(a, b));
    expect(keys.map((k) => k.id)).toEqual(['2026b', '2026a']);
    expect(keys[0]?.key.equals(a.key)).toBe(true);
    expect(payloadCodec(loadConfig({ TEMPORAL_PAYLOAD_KEYS: ring(a, b) })).keyId).toBe('2026b');
  });

  it.each([
    ['no id', `:${randomBytes(32).toString('base64')}`],
    ['a short key', `k:${randomBytes(16).toString('base64')}`],
    ['not base64', `k:${'!'.repeat(44)}`],
    ['an id twice', ring({ id: 'k', key: randomBytes(32) }, { id: 'k', key: randomBytes(32) })],
  ])('refuses %s, naming the variable but never its value', (_what, value) => {
    let message = '';
    try {
      loadConfig({ TEMPORAL_PAYLOAD_KEYS: value });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('TEMPORAL_PAYLOAD_KEYS=(hidden)');
    const secret = value.split(':').at(-1) as string;
    if (secret.length > 8) expect(message).not.toContain(secret);
  });

  it('production mode refuses to start without keys or on the development key, and starts on real ones', () => {
    expect(() => loadConfig(production)).toThrow(/\n {2}TEMPORAL_PAYLOAD_KEYS:/);
    const dev = ring(DEVELOPMENT_PAYLOAD_KEY);
    expect(() => loadConfig({ ...production, TEMPORAL_PAYLOAD_KEYS: dev })).toThrow(/TEMPORAL_PAYLOAD_KEYS/);
    // Not even as an old decrypt-only key: it is public, so what it encrypted is as good as plaintext.
    const devAsOld = ring(key('2026a'), { id: 'old', key: DEVELOPMENT_PAYLOAD_KEY.key });
    expect(() => loadConfig({ ...production, TEMPORAL_PAYLOAD_KEYS: devAsOld })).toThrow(/TEMPORAL_PAYLOAD_KEYS/);
    const c = loadConfig({ ...production, TEMPORAL_PAYLOAD_KEYS: ring(key('2026a')) });
    expect(payloadCodec(c).keyId).toBe('2026a');
  });
});

function assert(value: unknown): asserts value {
  expect(value).toBeTruthy();
}
