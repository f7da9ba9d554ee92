import { createHash, randomUUID } from 'node:crypto';
import { type Readable, Transform } from 'node:stream';
import Busboy from 'busboy';
import type { Request } from 'express';
import { fileTypeFromBuffer } from 'file-type';
import type { Knex } from 'knex';
import type { Client as ObjectStore } from 'minio';
import { config } from './config';
import { ApiError } from './errors';

/**
 * Uploads (上传), for every service that takes files: the type is decided by the bytes (magic
 * numbers), never by the name or Content-Type; the object key is made here; the original name is
 * kept only as sanitised metadata. Each service states its kinds as `UploadRule`s.
 */
export interface UploadRule {
  /** The kind's name in the object key (`uploads/<kind>/<owner>/<id>.<ext>`). */
  kind: string;
  maxBytes: number;
  /** MIME types accepted, as detected from the bytes. */
  types: readonly string[];
  /** What the file is, in the error messages (作品样本, 身份证明…). */
  label: string;
}

export const MB = 1024 * 1024;
/** Groups of detected types that services combine into their rules. */
export const fileTypes = {
  documents: ['application/pdf', 'image/jpeg', 'image/png'],
  images: ['image/gif', 'image/webp'],
  media: ['audio/mpeg', 'audio/wav', 'audio/x-wav', 'audio/flac', 'audio/mp4', 'video/mp4', 'video/quicktime'],
  archives: ['application/zip', 'application/x-7z-compressed', 'application/x-rar-compressed', 'application/vnd.rar'],
} as const;

export interface StoredUpload {
  id: string;
  bucket: string;
  key: string;
  name: string;
  mime: string;
  size: number;
  sha256: string;
}

/** Keeps letters (any script), digits and a few safe marks; never a path. */
export function sanitiseFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._()（）\- ]/gu, '_')
    .replace(/^\.+/, '')
    .trim()
    .slice(0, 120);
  return clean || 'file';
}

/** Bytes enough for the type to be told from the content (file-type reads at most this many). */
const SNIFF_BYTES = 4100;

/** How much one user may upload in a rolling day, and how much they already have. */
export interface UploadQuota {
  maxBytes: number;
  usedBytes: () => Promise<number>;
}

/**
 * The configured daily quota over a service's own table of uploads (its owner, size and creation
 * time columns): the bytes the owner stored in the last 24 hours.
 */
export function dailyUploadQuota(
  db: Knex,
  table: string,
  ownerId: string,
  columns: { owner: string; size: string; createdAt: string },
): UploadQuota {
  return {
    maxBytes: config().UPLOAD_QUOTA_MB_PER_DAY * MB,
    usedBytes: async () => {
      const row = await db(table)
        .where(columns.owner, ownerId)
        .andWhere(columns.createdAt, '>', db.raw("now() - interval '1 day'"))
        .sum({ used: columns.size })
        .first();
      return Number(row?.used ?? 0);
    },
  };
}

const overQuota = (q: UploadQuota) =>
  new ApiError(
    'PAYLOAD_TOO_LARGE',
    `今日上传已达上限（${Math.round(q.maxBytes / MB)}MB），请明天再上传或删除不需要的文件`,
    'file',
  );

/**
 * Reads, sniffs, checks and stores the single file of a multipart request (field `file`), within
 * the rule's size limit and the user's quota. The file streams to the object store (never held
 * whole in memory: the store sends it in parts); its type is told from its first bytes, before
 * anything is stored. Nothing is kept when a check fails: a file cut at the size limit or past the
 * quota is removed again.
 */
export async function receiveUpload(
  req: Request,
  rule: UploadRule,
  store: ObjectStore,
  bucket: string,
  ownerId: string,
  quota?: UploadQuota,
): Promise<StoredUpload> {
  if (quota && (await quota.usedBytes()) >= quota.maxBytes) throw overQuota(quota);
  if (!req.headers['content-type']?.startsWith('multipart/form-data')) {
    throw new ApiError('VALIDATION_FAILED', '请以 multipart/form-data 上传文件（字段名 file）', 'file');
  }
  let bb: Busboy.Busboy;
  try {
    bb = Busboy({ headers: req.headers, limits: { files: 1, fileSize: rule.maxBytes, fields: 10 } });
  } catch {
    throw new ApiError('VALIDATION_FAILED', '上传内容格式有误', 'file');
  }
  const id = randomUUID();
  const stored = await new Promise<StoredUpload>((resolve, reject) => {
    let found: Promise<StoredUpload> | undefined;
    bb.on('file', (field, stream, info) => {
      if (field !== 'file' || found) {
        stream.resume();
        return;
      }
      const name = sanitiseFileName(Buffer.from(info.filename ?? '', 'latin1').toString('utf8'));
      found = storeStream(stream, { rule, store, bucket, ownerId, id, name });
      // Keep a rejected promise from being reported before 'close' awaits it.
      found.catch(() => {});
    });
    bb.on('error', () => reject(new ApiError('VALIDATION_FAILED', '上传内容格式有误', 'file')));
    bb.on('close', () => {
      if (!found) reject(new ApiError('VALIDATION_FAILED', '请选择要上传的文件', 'file'));
      else found.then(resolve, reject);
    });
    req.pipe(bb);
  });
  if (quota && (await quota.usedBytes()) + stored.size > quota.maxBytes) {
    await store.removeObject(bucket, stored.key).catch(() => {});
    throw overQuota(quota);
  }
  return stored;
}

/** One file stream into the store: sniffed from its head, hashed and counted on the way. */
async function storeStream(
  stream: Readable & { truncated?: boolean },
  to: { rule: UploadRule; store: ObjectStore; bucket: string; ownerId: string; id: string; name: string },
): Promise<StoredUpload> {
  const { rule, store, bucket } = to;
  const { head, ended } = await readHead(stream);
  if (head.length === 0) {
    stream.resume();
    throw new ApiError('VALIDATION_FAILED', '上传的文件是空的', 'file');
  }
  const type = await fileTypeFromBuffer(head);
  if (!type || !rule.types.includes(type.mime)) {
    stream.resume();
    throw new ApiError(
      'UNSUPPORTED_FILE_TYPE',
      `${rule.label}不支持此文件类型（按文件内容识别为 ${type?.mime ?? '未知类型'}）`,
      'file',
    );
  }
  const key = `uploads/${rule.kind}/${to.ownerId}/${to.id}.${type.ext}`;
  const hash = createHash('sha256');
  let size = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  counted.write(head);
  if (ended) counted.end();
  else {
    // A request cut off half-way ends the stream too: the store must never wait for more.
    stream.on('error', () => counted.end());
    stream.pipe(counted);
  }
  await store.putObject(bucket, key, counted, undefined, {
    'Content-Type': type.mime,
    // S3 metadata is ASCII: the sanitised name is percent-encoded.
    'x-amz-meta-original-name': encodeURIComponent(to.name),
  });
  if (stream.truncated) {
    await store.removeObject(bucket, key).catch(() => {});
    throw new ApiError('PAYLOAD_TOO_LARGE', `文件超过大小上限（${Math.round(rule.maxBytes / MB)}MB）`, 'file');
  }
  return { id: to.id, bucket, key, name: to.name, mime: type.mime, size, sha256: hash.digest('hex') };
}

/** The stream's first SNIFF_BYTES or more (all of it when it is shorter), left paused after them. */
function readHead(stream: Readable): Promise<{ head: Buffer; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const finish = (ended: boolean) => {
      stream.off('data', onData).off('end', onEnd).off('error', reject);
      if (!ended) stream.pause();
      resolve({ head: Buffer.concat(chunks), ended });
    };
    const onEnd = () => finish(true);
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= SNIFF_BYTES) finish(false);
    };
    stream.on('data', onData).on('end', onEnd).on('error', reject);
  });
}

/** A short-lived link that downloads (never displays inline) the object under its original name. */
export function downloadUrl(store: ObjectStore, upload: { bucket: string; key: string; name: string }, seconds = 300) {
  return store.presignedGetObject(upload.bucket, upload.key, seconds, {
    'response-content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(upload.name)}`,
  });
}

/**
 * A short-lived link that shows the object in the browser (an image, a PDF in its viewer), for
 * staff checking identity proofs. Only for kinds limited to PDF, JPEG and PNG by their bytes, so
 * nothing a browser would run is ever shown inline.
 */
export function previewUrl(store: ObjectStore, upload: { bucket: string; key: string; name: string }, seconds = 300) {
  return store.presignedGetObject(upload.bucket, upload.key, seconds, {
    'response-content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(upload.name)}`,
  });
}
