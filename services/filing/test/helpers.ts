import { randomUUID } from 'node:crypto';
import { addProof, saveProfile } from '@copyreg/identity';
import { config, createDb, createObjectStore, ensureBucket, temporalClient } from '@copyreg/kit';
import { serve, sessionCookie } from '@copyreg/kit/testing';
import { type DraftContent, type ErrorBody, type Role, residentIdCheckChar, UploadRef } from '@copyreg/proto';
import { createFilingApp } from '../src/app';
import type { FilingDeps } from '../src/deps';

export const rid = (first17: string) => first17 + residentIdCheckChar(first17);
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/**
 * The filing API on a free port, with its own task queue (unless `over` names one) and a short
 * update deadline. No worker polls the queue: the integration tests add one.
 */
export async function startFiling(over: Partial<FilingDeps> = {}) {
  const db = createDb();
  const store = createObjectStore();
  const bucket = config().S3_BUCKET;
  await ensureBucket(store, bucket);
  const taskQueue = over.taskQueue ?? `filing-test-${randomUUID()}`;
  const deps: FilingDeps = {
    db,
    store,
    bucket,
    temporal: temporalClient,
    taskQueue,
    updateTimeoutMs: 3000,
    workflowInputExtras: { documentsTaskQueue: taskQueue },
    ...over,
  };
  const api = await serve(createFilingApp(deps));
  const call = async (cookie: string, method: string, path: string, body?: unknown, idempotencyKey?: string) => {
    const res = await fetch(`${api.url}/api/filing${path}`, {
      method,
      headers: {
        cookie,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      retryAfter: res.headers.get('retry-after'),
      /** The Idempotency-Key's first answer, given again. */
      replayed: res.headers.get('idempotent-replayed') === 'true',
      // biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed JSON bodies
      json: (text ? JSON.parse(text) : {}) as Record<string, any> & ErrorBody,
    };
  };
  const upload = async (cookie: string, kind: string, bytes: Buffer, name: string) => {
    const form = new FormData();
    form.append('file', new Blob([bytes]), name);
    const res = await fetch(`${api.url}/api/filing/uploads/${kind}`, {
      method: 'POST',
      headers: { cookie },
      body: form,
    });
    return {
      status: res.status, // biome-ignore lint/suspicious/noExplicitAny: tests read loosely typed JSON bodies
      json: (await res.json()) as Record<string, any> & ErrorBody,
    };
  };
  return {
    deps,
    db,
    api,
    call,
    upload,
    close: async () => {
      await api.close();
      await db.destroy();
    },
  };
}
export type FilingTestApp = Awaited<ReturnType<typeof startFiling>>;

/** Polls fn until ok holds, or fails naming what it waited for. */
export async function until<T>(fn: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface Actor {
  userId: string;
  cookie: string;
}
export async function actor(roles: Role[] = ['applicant'], region?: string): Promise<Actor> {
  const userId = randomUUID();
  return { userId, cookie: await sessionCookie({ userId, roles, ...(region ? { region } : {}) }) };
}

/** An applicant whose 资料完善 is complete (profile saved, an identity proof uploaded). */
export async function applicantWithProfile(app: FilingTestApp): Promise<Actor> {
  const a = await actor();
  await saveProfile(app.db, a.userId, {
    category: 'individual',
    name: '张三',
    idType: 'resident_id',
    idNumber: rid('33010619900307123'),
    handler: '张三',
    handlerMobile: '13800000000',
    region: '330106',
    invoiceEmail: 'zhang@example.com',
    recipient: '张三',
    recipientMobile: '13800000000',
    mailingAddress: '浙江省杭州市西湖区文三路1号',
  });
  await addProof(app.db, a.userId, {
    id: randomUUID(),
    bucket: 'copyreg-test',
    key: `test/${a.userId}.png`,
    name: 'id.png',
    mime: 'image/png',
    size: 1,
    sha256: '0'.repeat(64),
  });
  return a;
}

export async function sample(app: FilingTestApp, a: Actor): Promise<UploadRef> {
  const res = await app.upload(a.cookie, 'sample', PNG, '西湖春色.png');
  if (res.status !== 201) throw new Error(JSON.stringify(res.json));
  return UploadRef.parse(res.json);
}

/** A complete 作品填报 of a fine-art work by one person. */
export function completeContent(s: UploadRef, over: Partial<DraftContent> = {}): DraftContent {
  return {
    title: '西湖春色',
    workType: 'fine_art',
    creationNature: 'original',
    completedOn: '2025-03-01',
    published: true,
    firstPublishedOn: '2025-04-01',
    firstPublishedPlace: '杭州',
    ownershipMode: 'individual',
    acquisitionMode: 'original',
    rightsScope: 'all',
    rights: [],
    description: '以西湖春景为主要元素，采用水彩晕染的构成方式。',
    creationProcess: '本作品由作者独立完成。',
    samples: [s],
    attachments: [],
    holders: [
      {
        holderType: 'individual',
        name: '张三',
        idType: 'resident_id',
        idNumber: rid('33010619900307123'),
        region: '330106',
      },
    ],
    authors: [{ name: '张三', signature: '三石' }],
    invoiceEmail: 'zhang@example.com',
    certificateDelivery: 'mail',
    ...over,
  };
}
