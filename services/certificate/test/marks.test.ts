import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { drawQr } from '../src/pdf/qr';
import { drawOutlinedText } from '../src/pdf/seal';
import { assertSoundPdf, tempPdf } from './pdf-tools';

const run = promisify(execFile);

/** The page's grey pixels at `dpi` (pdftoppm's PGM) and its width in pixels. */
async function grey(pdf: Uint8Array, dpi: number): Promise<{ px: Uint8Array; width: number }> {
  const file = await tempPdf(pdf, 'marks.pdf');
  const out = path.join(path.dirname(file), 'marks');
  await run('pdftoppm', ['-r', String(dpi), '-gray', '-singlefile', file, out]);
  const pgm = await readFile(`${out}.pgm`);
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 40).toString('latin1'));
  if (!header) throw new Error('not a PGM');
  return { px: pgm.subarray(header[0].length), width: Number(header[1]) };
}

describe('marks drawn as raw path operators', () => {
  it('the QR code has every module where the encoder put it', async () => {
    const text = 'http://127.0.0.1:3000/verify/%E6%B5%99-2026-F-00000001?c=7KQ2M9XA';
    const doc = await PDFDocument.create();
    const page = doc.addPage([300, 300]);
    drawQr(page, text, 10, 10, 280);
    const pdf = await doc.save();
    await assertSoundPdf(pdf);
    const { px, width } = await grey(pdf, 72);
    const modules = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
    const cell = 280 / (modules.size + 4);
    let wrong = 0;
    for (let row = 0; row < modules.size; row++) {
      for (let col = 0; col < modules.size; col++) {
        // Image rows go down from the page's top; the code's top-left corner is at (10, 10 + 280).
        const x = Math.floor(10 + (col + 2.5) * cell);
        const y = Math.floor(300 - (10 + 280) + (row + 2.5) * cell);
        const dark = (px[y * width + x] ?? 255) < 128;
        if (dark !== Boolean(modules.get(row, col))) wrong++;
      }
    }
    expect(wrong).toBe(0);
  });

  it('outlined text is filled where its glyphs are, upright and rotated', async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage([200, 200]);
    drawOutlinedText(page, '一', 20, 150, 60); // a horizontal stroke
    drawOutlinedText(page, '一', 150, 20, 60, undefined, 90); // the same, vertical
    const pdf = await doc.save();
    await assertSoundPdf(pdf);
    const { px, width } = await grey(pdf, 72);
    const at = (x: number, y: number) => px[Math.floor(200 - y) * width + Math.floor(x)] ?? 255;
    // The darkest pixel across a band: 一's stroke lies 0.40–0.51 em above the baseline.
    const darkest = (f: (t: number) => number) => Math.min(...Array.from({ length: 13 }, (_, i) => f(i)));
    const band = (t: number) => (0.38 + t * 0.012) * 60;
    expect(darkest((t) => at(50, 150 + band(t)))).toBeLessThan(128);
    expect(darkest((t) => at(50, 150 - band(t)))).toBe(255);
    // Rotated 90° counter-clockwise about its origin: the stroke runs up, left of x = 150.
    expect(darkest((t) => at(150 - band(t), 50))).toBeLessThan(128);
    expect(darkest((t) => at(150 + band(t), 50))).toBe(255);
  });
});
