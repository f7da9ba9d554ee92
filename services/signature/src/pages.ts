import { execFile } from 'node:child_process';
import { expireObjectsUnder, getObject, logger, type ObjectRef, putObject } from '@copyreg/kit';
import type { Client as ObjectStore } from 'minio';
import { PDFDocument } from 'pdf-lib';

/**
 * The form's pages as the signing page shows them: a PNG per page rendered by pdftoppm at a
 * fixed DPI, so the browser's pixels map exactly onto PDF points (px × 72 / DPI), and each
 * page's size in points read with pdf-lib. Both are keyed by the form's content digest, which
 * never changes under a key: the PNG is kept in the object store beside the form for
 * PAGE_IMAGE_RETENTION_DAYS, the sizes in memory.
 */
export const PAGE_IMAGE_DPI = 110;

export type PageSize = { width: number; height: number };

const sizesByDigest = new Map<string, PageSize[]>();
const MAX_CACHED_SIZES = 500;

/**
 * Each page's size in points (its MediaBox, which pdftoppm renders; the forms' boxes start at 0,0).
 * Signing appends incremental updates that never change a page box, but the digest of the very
 * bytes asked about is the key all the same.
 */
export async function pageSizes(store: ObjectStore, form: ObjectRef): Promise<PageSize[]> {
  const cached = sizesByDigest.get(form.sha256);
  if (cached) return cached;
  const doc = await PDFDocument.load(await getObject(store, form), { updateMetadata: false });
  const sizes = doc.getPages().map((p) => p.getSize());
  if (sizesByDigest.size >= MAX_CACHED_SIZES) sizesByDigest.delete(sizesByDigest.keys().next().value as string);
  sizesByDigest.set(form.sha256, sizes);
  return sizes;
}

const PAGE_IMAGE_PREFIX = 'signatures/page-images/';
/** Page images are a cache: deleted this long after rendering, and rendered again if asked for. */
export const PAGE_IMAGE_RETENTION_DAYS = 30;

/** The bucket's lifecycle rule that deletes old page images (set at start-up; idempotent). */
export const expireCachedPageImages = (store: ObjectStore, bucket: string) =>
  expireObjectsUnder(store, bucket, {
    id: 'signature-page-images',
    prefix: PAGE_IMAGE_PREFIX,
    days: PAGE_IMAGE_RETENTION_DAYS,
  });

const rendering = new Map<string, Promise<Buffer>>();

/** Page `pageNo` (from 1) of the form as a PNG: rendered once, then read from the object store. */
export async function pageImage(store: ObjectStore, form: ObjectRef, pageNo: number): Promise<Buffer> {
  const key = `${PAGE_IMAGE_PREFIX}${form.sha256}/page-${pageNo}-${PAGE_IMAGE_DPI}dpi.png`;
  const stored = await getObject(store, { bucket: form.bucket, key }).catch((err: { code?: string }) => {
    if (err?.code === 'NoSuchKey' || err?.code === 'NotFound') return undefined;
    throw err;
  });
  if (stored) return stored;
  // Concurrent loads of the same page share one rendering.
  let job = rendering.get(key);
  if (!job) {
    job = (async () => {
      const png = await renderPage(await getObject(store, form), pageNo);
      await putObject(store, key, png, 'image/png', form.bucket).catch((err) =>
        logger.warn({ err, key }, 'page image not cached; it is rendered again next time'),
      );
      return png;
    })().finally(() => rendering.delete(key));
    rendering.set(key, job);
  }
  return job;
}

/** pdftoppm (poppler-utils) reads the PDF from stdin and writes the one page's PNG to stdout. */
function renderPage(pdf: Buffer, pageNo: number): Promise<Buffer> {
  const page = String(pageNo);
  const args = ['-r', String(PAGE_IMAGE_DPI), '-f', page, '-l', page, '-png', '-singlefile', '-'];
  return new Promise((resolve, reject) => {
    const child = execFile(
      'pdftoppm',
      args,
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`pdftoppm failed: ${err.message} ${stderr.toString().trim()}`));
        else if (stdout.subarray(1, 4).toString() !== 'PNG') reject(new Error('pdftoppm wrote no PNG'));
        else resolve(stdout);
      },
    );
    // A write error (pdftoppm exited early) shows in the exit callback; do not crash on EPIPE.
    child.stdin?.on('error', () => {});
    child.stdin?.end(pdf);
  });
}
