import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CERTIFICATE_QR,
  CERTIFICATE_SEAL,
  type CertificateFacts,
  renderCertificate,
} from '../src/pdf/certificate-document';
import { assertSoundPdf, pdftoppm, pdftotext, type TextBox, tempPdf, textBoxes } from './pdf-tools';

/**
 * The certificate laid out from measured text: with the longest values the form allows (a
 * 200-character title, 100-character names), no line of text overlaps another, the QR code or the
 * seal, and everything stays inside the page's border.
 */
const chars = '春晓西湖断桥柳枝水墨淡彩远景中景近景江南初春气息杭州钱塘潮涌山色空蒙雨亦奇龘';
const longText = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => [...chars][(i * 7 + seed) % [...chars].length]).join('');

const facts = (over: Partial<CertificateFacts>): CertificateFacts => ({
  registrationNumber: '浙作登字-2026-F-00000001',
  title: '西湖春晓（组图）',
  workType: 'acrobatics',
  authors: ['张三'],
  holders: ['张三'],
  completedOn: '2026-03-05',
  firstPublishedOn: '2026-04-01',
  registeredOn: '2026-11-23',
  edition: 2,
  officeName: '浙江省版权局',
  verifyUrl: 'http://127.0.0.1:3000/verify/%E6%B5%99%E4%BD%9C%E7%99%BB%E5%AD%97-2026-F-00000001?c=7KQ2M9XA',
  ...over,
});

/** A box in pdftotext's coordinates (points from the page's top-left). */
type Box = Pick<TextBox, 'xMin' | 'yMin' | 'xMax' | 'yMax'>;
const overlap = (a: Box, b: Box) => a.xMin < b.xMax && b.xMin < a.xMax && a.yMin < b.yMax && b.yMin < a.yMax;
const pageHeight = 841.89;
const qrBox: Box = {
  xMin: CERTIFICATE_QR.x,
  xMax: CERTIFICATE_QR.x + CERTIFICATE_QR.size,
  yMin: pageHeight - CERTIFICATE_QR.y - CERTIFICATE_QR.size,
  yMax: pageHeight - CERTIFICATE_QR.y,
};
const { cx, cy, radius } = CERTIFICATE_SEAL;
const sealBox: Box = {
  xMin: cx - radius,
  xMax: cx + radius,
  yMin: pageHeight - cy - radius,
  yMax: pageHeight - cy + radius,
};

async function layoutOf(f: CertificateFacts) {
  const pdf = await renderCertificate(f);
  await assertSoundPdf(pdf);
  const file = await tempPdf(pdf, 'certificate.pdf');
  const { pages, lines } = await textBoxes(file);
  // What the seal itself says (its arc, its lines, the office and date under it) is meant to be on it.
  const sealWords = new Set([...`${f.officeName}作品自愿登记专用章0123456789年月日`]);
  const onSeal = (l: TextBox) =>
    l.page === 1 && overlap(l, sealBox) && [...l.text.replace(/\s/g, '')].every((c) => sealWords.has(c));
  const text = lines.filter((l) => !onSeal(l));
  return { pdf, file, pages, text, all: lines };
}

function expectNoOverlap(layout: Awaited<ReturnType<typeof layoutOf>>) {
  const { pages, text } = layout;
  for (const [i, a] of text.entries()) {
    const page = pages[a.page - 1] as { width: number; height: number };
    // Inside the inner border (32 pt from each edge).
    expect(a.xMin, a.text).toBeGreaterThanOrEqual(32);
    expect(a.yMin, a.text).toBeGreaterThanOrEqual(32);
    expect(a.xMax, a.text).toBeLessThanOrEqual(page.width - 32);
    expect(a.yMax, a.text).toBeLessThanOrEqual(page.height - 32);
    if (a.page === 1) {
      expect(overlap(a, qrBox), `${a.text} over the QR code`).toBe(false);
      expect(overlap(a, sealBox), `${a.text} under the seal`).toBe(false);
    }
    for (const b of text.slice(i + 1)) {
      if (a.page === b.page) expect(overlap(a, b), `${a.text} over ${b.text}`).toBe(false);
    }
  }
}

const noSpace = (s: string) => s.replace(/\s+/g, '');

describe('the certificate laid out from measured text', () => {
  it('a 200-character title, a 100-character author and holder: one page, nothing overlaps', async () => {
    const f = facts({ title: longText(200, 1), authors: [longText(100, 2)], holders: [longText(100, 4)] });
    const layout = await layoutOf(f);
    expect(layout.pages).toHaveLength(1);
    expectNoOverlap(layout);
    const text = noSpace(await pdftotext(layout.file));
    for (const value of [f.title, ...f.authors, ...f.holders]) expect(text).toContain(value);
    const [png] = await pdftoppm(layout.file, path.join(path.dirname(layout.file), 'long'), 60);
    expect(png).toBeDefined();
  });

  it('more authors and holders than the page holds: cut with 等N位（详见附页）, all of them on the annex', async () => {
    const f = facts({
      title: longText(200, 6),
      authors: Array.from({ length: 40 }, (_, i) => longText(100, i)),
      holders: Array.from({ length: 40 }, (_, i) => longText(100, 50 + i)),
    });
    const layout = await layoutOf(f);
    expect(layout.pages.length).toBeGreaterThan(1);
    expectNoOverlap(layout);
    const pages = (await pdftotext(layout.file)).split('\f').map(noSpace);
    expect(pages[0]).toContain(f.title);
    expect(pages[0]).toContain('40位（详见附页）');
    const annex = pages.slice(1).join('');
    for (const name of [...f.authors, ...f.holders]) expect(annex).toContain(name);
  });

  it('a short certificate keeps its sizes: the title at 13 pt on one line', async () => {
    const layout = await layoutOf(facts({}));
    expect(layout.pages).toHaveLength(1);
    expectNoOverlap(layout);
    const title = layout.text.find((l) => noSpace(l.text) === '西湖春晓（组图）');
    expect(title).toBeDefined();
    expect((title as Box).yMax - (title as Box).yMin).toBeGreaterThan(12);
  });
});
