import { execFile } from 'node:child_process';
import { PDFDocument } from 'pdf-lib';

/** What the tests ask of rendered pages: a PNG's pixel size, and where the red signature ink is. */

/** Width and height of a PNG, from its IHDR chunk. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const bytes = Buffer.from(png);
  if (bytes.subarray(1, 4).toString() !== 'PNG') throw new Error('not a PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** The page (from 1) rendered by pdftoppm as raw RGB (PPM). */
function renderRgb(
  pdf: Uint8Array,
  pageNo: number,
  dpi: number,
): Promise<{ width: number; height: number; rgb: Buffer }> {
  const page = String(pageNo);
  return new Promise((resolve, reject) => {
    const child = execFile(
      'pdftoppm',
      ['-r', String(dpi), '-f', page, '-l', page, '-singlefile', '-'],
      { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 },
      (err, stdout) => {
        if (err) return reject(err);
        const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(stdout.subarray(0, 40).toString('latin1'));
        if (!header) return reject(new Error('pdftoppm wrote no PPM'));
        const [all, w, h] = header as unknown as [string, string, string];
        resolve({ width: Number(w), height: Number(h), rgb: stdout.subarray(all.length) });
      },
    );
    child.stdin?.end(Buffer.from(pdf));
  });
}

/**
 * The box around the red ink (the seal red of signatures and seals) on a page, in PDF points
 * from the bottom-left: where a signature actually shows, to compare with where it was placed.
 */
export async function redInk(
  pdf: Uint8Array,
  pageNo: number,
  dpi = 144,
): Promise<{ x: number; y: number; width: number; height: number } | undefined> {
  const { width, height, rgb } = await renderRgb(pdf, pageNo, dpi);
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      const i = (py * width + px) * 3;
      const r = rgb[i] as number;
      const g = rgb[i + 1] as number;
      const b = rgb[i + 2] as number;
      if (r > 150 && g < 110 && b < 110 && r - g > 80) {
        left = Math.min(left, px);
        right = Math.max(right, px);
        top = Math.min(top, py);
        bottom = Math.max(bottom, py);
      }
    }
  }
  if (right < 0) return undefined;
  const pt = 72 / dpi;
  // Pixel rows count from the page's top; the last row is only partly on the page.
  const pageHeight = (await PDFDocument.load(pdf, { updateMetadata: false })).getPage(pageNo - 1).getHeight();
  return {
    x: left * pt,
    y: pageHeight - (bottom + 1) * pt,
    width: (right + 1 - left) * pt,
    height: (bottom + 1 - top) * pt,
  };
}
