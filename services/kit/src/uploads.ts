import { randomUUID } from 'node:crypto';
import Busboy from 'busboy';
import type { Request } from 'express';
import { fileTypeFromBuffer } from 'file-type';
import type { Client as ObjectStore } from 'minio';
import { ApiError } from './errors';
import { sha256 } from './objects';

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

/** Reads the single file of a multipart request (field `file`), within the kind's size limit. */
export function readMultipartFile(req: Request, maxBytes: number): Promise<{ name: string; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    if (!req.headers['content-type']?.startsWith('multipart/form-data')) {
      reject(new ApiError('VALIDATION_FAILED', '请以 multipart/form-data 上传文件（字段名 file）', 'file'));
      return;
    }
    let bb: Busboy.Busboy;
    try {
      bb = Busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes, fields: 10 } });
    } catch {
      reject(new ApiError('VALIDATION_FAILED', '上传内容格式有误', 'file'));
      return;
    }
    let found: Promise<{ name: string; bytes: Buffer }> | undefined;
    bb.on('file', (field, stream, info) => {
      if (field !== 'file') {
        stream.resume();
        return;
      }
      found = new Promise((ok, fail) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('limit', () =>
          fail(new ApiError('PAYLOAD_TOO_LARGE', `文件超过大小上限（${Math.round(maxBytes / MB)}MB）`, 'file')),
        );
        stream.on('end', () =>
          ok({ name: Buffer.from(info.filename ?? '', 'latin1').toString('utf8'), bytes: Buffer.concat(chunks) }),
        );
        stream.on('error', fail);
      });
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
}

/** Reads, sniffs, checks and stores an upload; returns where it is. Nothing is stored when a check fails. */
export async function receiveUpload(
  req: Request,
  rule: UploadRule,
  store: ObjectStore,
  bucket: string,
  ownerId: string,
): Promise<StoredUpload> {
  const { name, bytes } = await readMultipartFile(req, rule.maxBytes);
  if (bytes.length === 0) throw new ApiError('VALIDATION_FAILED', '上传的文件是空的', 'file');
  const type = await fileTypeFromBuffer(bytes);
  if (!type || !rule.types.includes(type.mime)) {
    throw new ApiError(
      'UNSUPPORTED_FILE_TYPE',
      `${rule.label}不支持此文件类型（按文件内容识别为 ${type?.mime ?? '未知类型'}）`,
      'file',
    );
  }
  const id = randomUUID();
  const digest = sha256(bytes);
  const key = `uploads/${rule.kind}/${ownerId}/${id}.${type.ext}`;
  const clean = sanitiseFileName(name);
  await store.putObject(bucket, key, bytes, bytes.length, {
    'Content-Type': type.mime,
    'x-amz-meta-sha256': digest,
    // S3 metadata is ASCII: the sanitised name is percent-encoded.
    'x-amz-meta-original-name': encodeURIComponent(clean),
  });
  return { id, bucket, key, name: clean, mime: type.mime, size: bytes.length, sha256: digest };
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
