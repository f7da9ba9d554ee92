import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderApplicationForm } from '../src/pdf/application-form';
import { renderCertificate } from '../src/pdf/certificate-document';
import { assertSoundPdf, pdffonts, pdftoppm, pdftotext, tempPdf } from './pdf-tools';
import { sampleSnapshot } from './sample-snapshot';

/** With UPDATE_SAMPLES=1 the rendered PDFs and PNGs are copied to docs/samples/ (look at them). */
const samples = path.resolve(__dirname, '../../../docs/samples');
async function keepSample(name: string, pdf: Uint8Array, pngs: string[]) {
  if (!process.env.UPDATE_SAMPLES) return;
  await mkdir(samples, { recursive: true });
  await writeFile(path.join(samples, `${name}.pdf`), pdf);
  for (const [i, png] of pngs.sort().entries()) await copyFile(png, path.join(samples, `${name}-${i + 1}.png`));
}

const noSpace = (s: string) => s.replace(/\s+/g, '');

describe('documents in Chinese', () => {
  it('the application form holds every field, the rights, holders, authors, writer and a signature page', async () => {
    const snapshot = sampleSnapshot();
    const pdf = await renderApplicationForm(snapshot);
    await assertSoundPdf(pdf);
    const file = await tempPdf(pdf, 'form.pdf');
    const text = noSpace(await pdftotext(file));
    for (const expected of [
      '作品登记申请表',
      '西湖春晓（组图）',
      '美术作品',
      '原创',
      '2026年03月05日',
      '已发表',
      '2026年04月01日',
      '杭州·中国美术学院展厅',
      '法人作品',
      '■发表权',
      '□修改权',
      '■信息网络传播权',
      '杭州某某文化创意有限公司',
      '91330106MA2H0XXXX9',
      '11010519491231002X',
      '西湖散人',
      '执笔者信息',
      '33010619900101123X',
      '本作品由作者独立完成',
      '邮寄（顺丰到付）',
      '签章页',
      '1.著作权人签章',
      '2.著作权人签章',
      '3.执笔者签章',
    ]) {
      expect(text).toContain(expected);
    }
    // The signature page is page 2 and lists the signers in order.
    const pages = (await pdftotext(file)).split('\f');
    const page2 = noSpace(pages[1] ?? '');
    const order = ['签章页', '1.著作权人签章', '2.著作权人签章', '3.执笔者签章'].map((s) => page2.indexOf(s));
    expect(order.every((at, i) => at >= 0 && (i === 0 || at > (order[i - 1] ?? 0)))).toBe(true);
    for (const name of ['张三', '杭州某某文化创意有限公司', '李四']) expect(page2).toContain(name);
    const fonts = await pdffonts(file);
    expect(fonts).toMatch(/[A-Z]{6}\+NotoSerifCJKsc-Regular\s+CID Type 0C\s+Identity-H\s+yes yes yes/);
    const pngs = await pdftoppm(file, path.join(path.dirname(file), 'form'));
    expect(pngs.length).toBe(pages.filter((p) => p.trim()).length);
    await keepSample('application-form', pdf, pngs);
  });

  it('the same version renders to the same bytes (a retried activity stores the same object)', async () => {
    const snapshot = sampleSnapshot();
    const [a, b] = [await renderApplicationForm(snapshot), await renderApplicationForm(snapshot)];
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('the certificate states the number, work, authors, holders, dates and the office, with seal and QR code', async () => {
    const pdf = await renderCertificate({
      registrationNumber: '浙作登字-2026-F-00000001',
      title: '西湖春晓（组图）',
      workType: 'fine_art',
      authors: ['张三', '李四'],
      holders: ['张三', '杭州某某文化创意有限公司'],
      completedOn: '2026-03-05',
      firstPublishedOn: '2026-04-01',
      registeredOn: '2026-11-23',
      edition: 1,
      officeName: '浙江省版权局',
      verifyUrl: 'http://127.0.0.1:3000/verify/%E6%B5%99%E4%BD%9C%E7%99%BB%E5%AD%97-2026-F-00000001?c=7KQ2M9XA',
    });
    await assertSoundPdf(pdf);
    const file = await tempPdf(pdf, 'certificate.pdf');
    const text = noSpace(await pdftotext(file));
    for (const expected of [
      '作品登记证书',
      '登记号：浙作登字-2026-F-00000001',
      '西湖春晓（组图）',
      '美术作品',
      '张三、李四',
      '张三、杭州某某文化创意有限公司',
      '2026年03月05日',
      '2026年04月01日',
      '2026年11月23日',
      '浙江省版权局',
      '作品自愿登记',
      '专用章',
    ]) {
      expect(text).toContain(expected);
    }
    expect(await pdffonts(file)).toMatch(/\+NotoSerifCJKsc-Regular\s+CID Type 0C\s+Identity-H\s+yes yes yes/);
    const pngs = await pdftoppm(file, path.join(path.dirname(file), 'certificate'));
    expect(pngs).toHaveLength(1);
    await keepSample('certificate', pdf, pngs);
  });
});
