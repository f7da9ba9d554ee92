import { createHash } from 'node:crypto';
import { Client } from 'minio';
import { config } from './config';

/** A stored object as it crosses a boundary: never the bytes, only where they are. */
export interface ObjectRef {
  bucket: string;
  key: string;
  sha256: string;
}

export function createObjectStore(): Client {
  const c = config();
  const endpoint = new URL(c.S3_ENDPOINT);
  return new Client({
    endPoint: endpoint.hostname,
    port: Number(endpoint.port || (endpoint.protocol === 'https:' ? 443 : 80)),
    useSSL: endpoint.protocol === 'https:',
    accessKey: c.S3_ACCESS_KEY,
    secretKey: c.S3_SECRET_KEY,
    region: c.S3_REGION,
    // A stream of unknown length (an upload) is sent in parts of this size: the most held in memory.
    partSize: 8 * 1024 * 1024,
  });
}

export async function ensureBucket(store: Client, bucket = config().S3_BUCKET): Promise<void> {
  if (!(await store.bucketExists(bucket))) {
    try {
      await store.makeBucket(bucket, config().S3_REGION);
    } catch (err) {
      // Another process may have created it between the check and the call.
      if (!(await store.bucketExists(bucket))) throw err;
    }
  }
}

/**
 * Objects under `prefix` expire `days` after they were written: MinIO's lifecycle scanner deletes
 * them. For caches rebuilt on a miss. The bucket's other rules are kept; the same rule again
 * changes nothing.
 */
export async function expireObjectsUnder(
  store: Client,
  bucket: string,
  rule: { id: string; prefix: string; days: number },
): Promise<void> {
  const current = await store.getBucketLifecycle(bucket).catch((err: { code?: string }) => {
    if (err?.code === 'NoSuchLifecycleConfiguration') return null;
    throw err;
  });
  // The client hands back a lone rule as an object, several as an array.
  const others = [current?.Rule ?? []].flat().filter((r) => r.ID !== rule.id);
  await store.setBucketLifecycle(bucket, {
    Rule: [
      ...others,
      { ID: rule.id, Status: 'Enabled', Filter: { Prefix: rule.prefix }, Expiration: { Days: rule.days } },
    ],
  });
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Writes bytes under a deterministic key; writing the same bytes again changes nothing. */
export async function putObject(
  store: Client,
  key: string,
  bytes: Buffer,
  contentType: string,
  bucket = config().S3_BUCKET,
): Promise<ObjectRef> {
  const digest = sha256(bytes);
  await store.putObject(bucket, key, bytes, bytes.length, { 'Content-Type': contentType, 'x-amz-meta-sha256': digest });
  return { bucket, key, sha256: digest };
}

export async function getObject(store: Client, ref: Pick<ObjectRef, 'bucket' | 'key'>): Promise<Buffer> {
  const stream = await store.getObject(ref.bucket, ref.key);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
