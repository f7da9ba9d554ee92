import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { renderCertificate } from '../src/pdf/certificate-document';
import { embedCjkFont, missingGlyphs, type Subsetter } from '../src/pdf/fonts';
import { assertSoundPdf, pdffonts, pdftotext, tempPdf } from './pdf-tools';

const run = promisify(execFile);
/** CJK Extension A (㐀 U+3400, 䶵 U+4DB5) and B (𠮷 U+20BB7), which names and titles contain. */
const rare = '㐀䶵𠮷';
const lines = [
  '作品登记证书 登记号：浙作登字-2026-F-00000001',
  `著作权人：张${rare}、杭州某某文化创意有限公司`,
  '（）：，。■□ 0123456789 ABCxyz',
];

async function page(subsetter: Subsetter): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await embedCjkFont(doc, 'fonts-test', subsetter);
  const p = doc.addPage([400, 140]);
  lines.forEach((text, i) => {
    p.drawText(text, { x: 10, y: 110 - i * 40, size: 18 - i * 3, font });
  });
  return doc.save({ useObjectStreams: false });
}

/** The page as 8-bit grey pixels at 150 dpi (pdftoppm's PGM). */
async function pixels(pdf: Uint8Array): Promise<Uint8Array> {
  const file = await tempPdf(pdf, 'glyphs.pdf');
  const out = path.join(path.dirname(file), 'glyphs');
  await run('pdftoppm', ['-r', '150', '-gray', '-singlefile', file, out]);
  const pgm = await readFile(`${out}.pgm`);
  // P5 header: magic, width, height, maxval, one whitespace each.
  let fields = 0;
  let at = 0;
  while (fields < 4) {
    while (pgm[at] === 0x20 || pgm[at] === 0x0a) at++;
    while (pgm[at] !== 0x20 && pgm[at] !== 0x0a) at++;
    fields++;
  }
  return pgm.subarray(at + 1);
}

describe('the CJK font subset', () => {
  it('has the rare characters of Extensions A and B, and they come out as text', async () => {
    expect(missingGlyphs(rare)).toEqual([]);
    const pdf = await page('fast');
    await assertSoundPdf(pdf);
    const file = await tempPdf(pdf, 'rare.pdf');
    expect((await pdftotext(file)).replace(/\s/g, '')).toContain(`张${rare}`);
    expect(await pdffonts(file)).toMatch(/[A-Z]{6}\+NotoSerifCJKsc-Regular\s+CID Type 0C\s+Identity-H\s+yes yes yes/);
  });

  it("draws every glyph as fontkit's own subset does, pixel for pixel", async () => {
    const [fast, fontkit] = [await pixels(await page('fast')), await pixels(await page('fontkit'))];
    expect(fast.length).toBe(fontkit.length);
    let differing = 0;
    let inked = 0;
    for (let i = 0; i < fast.length; i++) {
      if ((fontkit[i] ?? 255) < 128) inked++;
      if (Math.abs((fast[i] ?? 0) - (fontkit[i] ?? 0)) > 8) differing++;
    }
    expect(inked).toBeGreaterThan(2000); // the text is there
    expect(differing).toBeLessThanOrEqual(inked / 500);
  });

  it('a certificate stays small and renders its rare characters', async () => {
    const pdf = await renderCertificate({
      registrationNumber: '浙作登字-2026-F-00000001',
      title: `西湖${rare}晓`,
      workType: 'fine_art',
      authors: [`张${rare}`],
      holders: ['张三'],
      completedOn: '2026-03-05',
      registeredOn: '2026-11-23',
      edition: 1,
      officeName: '浙江省版权局',
      verifyUrl: 'http://127.0.0.1:3000/verify/x?c=7KQ2M9XA',
    });
    await assertSoundPdf(pdf);
    expect((await pdftotext(await tempPdf(pdf))).replace(/\s/g, '')).toContain(`西湖${rare}晓`);
    expect(pdf.length).toBeLessThan(120 * 1024);
  });
});
