import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { type Config, config, type PayloadKey, payloadKeyring } from './config';

// A CommonJS module: its namespaces come with the default import under Node's ESM loader.
const { temporal } = proto;

/**
 * The encrypting payload codec: every payload a client or worker sends to Temporal (workflow
 * input, update and signal arguments, activity input and results, queries' answers, memos) is
 * stored as AES-256-GCM ciphertext, so Temporal's history and its database hold no readable
 * data. Search attributes do not pass through a codec: they must never hold personal data.
 *
 * An encrypted payload's metadata says `encoding: binary/encrypted` and which key of the
 * keyring encrypted it (`encryption-key-id`), so keys rotate without re-encrypting histories: the
 * first key of TEMPORAL_PAYLOAD_KEYS encrypts, every key listed decrypts. Its data is
 * `iv (12 bytes) | ciphertext | tag (16 bytes)` over the original payload's protobuf encoding,
 * with the key id as additional authenticated data. A payload without that encoding (histories
 * recorded before encryption, workflows/histories) is passed through unchanged.
 */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const ENCRYPTED = encoder.encode(ENCRYPTED_ENCODING);
const aad = (keyId: string) => Buffer.from(`copyreg-payload-v1:${keyId}`);

/** A payload the codec cannot decrypt: unknown key id, or ciphertext that fails authentication. */
export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

const sameBytes = (a: Uint8Array | null | undefined, b: Uint8Array) =>
  !!a && a.length === b.length && a.every((x, i) => x === b[i]);

/** Whether a payload is one this codec encrypted (by its metadata, not its data). */
export const isEncrypted = (p: Payload): boolean => sameBytes(p.metadata?.encoding, ENCRYPTED);

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly current: { id: string; key: KeyObject };
  private readonly byId: Map<string, KeyObject>;

  /** `keys[0]` encrypts; every key decrypts payloads that name its id. */
  constructor(keys: readonly PayloadKey[]) {
    const [current] = keys;
    if (!current) throw new Error('a payload keyring needs at least one key');
    for (const k of keys) if (k.key.length !== 32) throw new Error(`payload key ${k.id}: 32 bytes expected`);
    // Imported once: a KeyObject spares createCipheriv a key import per payload.
    this.byId = new Map(keys.map((k) => [k.id, createSecretKey(k.key)]));
    this.current = { id: current.id, key: this.byId.get(current.id) as KeyObject };
  }

  /** The id of the key that encrypts. */
  get keyId(): string {
    return this.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encryptOne(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decryptOne(p));
  }

  encryptOne(payload: Payload): Payload {
    const { id, key } = this.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(aad(id));
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return { metadata: { encoding: ENCRYPTED, [KEY_ID_METADATA]: encoder.encode(id) }, data };
  }

  decryptOne(payload: Payload): Payload {
    if (!isEncrypted(payload)) return payload;
    const idBytes = payload.metadata?.[KEY_ID_METADATA];
    const id = idBytes ? decoder.decode(idBytes) : '';
    const key = this.byId.get(id);
    if (!key) throw new PayloadDecryptionError(`payload encrypted with key "${id}", which is not in the keyring`);
    const data = payload.data ?? new Uint8Array();
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError('encrypted payload too short');
    const iv = data.subarray(0, IV_BYTES);
    const tag = data.subarray(data.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv).setAAD(aad(id)).setAuthTag(tag);
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(`encrypted payload (key "${id}") failed authentication: altered or damaged`);
    }
    const decoded = temporal.api.common.v1.Payload.decode(plain);
    return { metadata: decoded.metadata, data: decoded.data };
  }
}

const codecs = new Map<string, AesGcmPayloadCodec>();
/** The process's codec, on the configured keyring (the development key on loopback without one). */
export function payloadCodec(c: Pick<Config, 'TEMPORAL_PAYLOAD_KEYS'> = config()): AesGcmPayloadCodec {
  const ring = c.TEMPORAL_PAYLOAD_KEYS ?? '';
  let codec = codecs.get(ring);
  if (!codec) {
    codec = new AesGcmPayloadCodec(payloadKeyring(c));
    codecs.set(ring, codec);
  }
  return codec;
}

/**
 * The data converter every Temporal client and worker of the platform uses: the default
 * payload converter (JSON), then encryption. `{ ...temporalDataConverter() }` as `dataConverter`.
 */
export function temporalDataConverter(c: Pick<Config, 'TEMPORAL_PAYLOAD_KEYS'> = config()) {
  return { payloadCodecs: [payloadCodec(c)] };
}

/**
 * Decrypts, in place, every encrypted payload found in a history (or any object of Temporal's
 * messages): what ops see through the codec server, for tests that look at what a workflow
 * carried and for recording histories (workflows/histories are kept decoded).
 */
export async function decodeHistory<T>(history: T, codec: PayloadCodec = payloadCodec()): Promise<T> {
  const found: { holder: Record<string, unknown>; key: string; payload: Payload }[] = [];
  const walk = (v: unknown) => {
    if (!v || typeof v !== 'object' || v instanceof Uint8Array) return;
    const holder = v as Record<string, unknown>;
    for (const key of Object.keys(holder)) {
      const child = holder[key];
      if (child && typeof child === 'object' && !(child instanceof Uint8Array) && isEncrypted(child as Payload)) {
        found.push({ holder, key, payload: child as Payload });
      } else {
        walk(child);
      }
    }
  };
  walk(history);
  const decoded = await codec.decode(found.map((f) => f.payload));
  found.forEach((f, i) => {
    const d = decoded[i] as Payload;
    // Keep the message's own class where it has one (protobuf objects), so helpers that read it still work.
    f.holder[f.key] = temporal.api.common.v1.Payload.create({ metadata: d.metadata ?? {}, data: d.data ?? undefined });
  });
  return history;
}

// --- The codec server's wire format (Temporal's codec server protocol) ------------------------

/** A payload as the Temporal Web UI and CLI send it to a codec server: proto3 JSON, bytes in base64. */
export interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

export function payloadFromJson(p: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]),
    ),
    data: new Uint8Array(Buffer.from(p.data ?? '', 'base64')),
  };
}

export function payloadToJson(p: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
  };
}
