import type { WorkType } from '@copyreg/proto';
import { PDFDocument, rgb } from 'pdf-lib';
import { chineseDate, workTypeLabel } from '../labels';
import { embedCjkFont } from './fonts';
import { A4, black, drawCentred, grey, wrapText } from './layout';
import { drawQr } from './qr';
import { drawSeal } from './seal';

/** What a registration certificate (作品登记证书) states; kept in the certificate row as issued. */
export interface CertificateFacts {
  registrationNumber: string;
  title: string;
  workType: WorkType;
  authors: string[];
  holders: string[];
  completedOn: string;
  firstPublishedOn?: string | undefined;
  registeredOn: string;
  /** The certificate's version: 1, then 2… for each reissue (补证). */
  edition: number;
  officeName: string;
  verifyUrl: string;
}

/** The certificate's page, the office's seal over the date, a QR code to the public verification page. */
export const CERTIFICATE_SEAL = { cx: A4.width - 160, cy: 205, radius: 62 } as const;

const gold = rgb(0.62, 0.45, 0.16);

export async function renderCertificate(facts: CertificateFacts): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const at = new Date(`${facts.registeredOn}T00:00:00+08:00`);
  doc.setTitle(`作品登记证书 ${facts.registrationNumber}`);
  doc.setCreator('作品自愿登记平台');
  doc.setProducer('作品自愿登记平台');
  doc.setCreationDate(at);
  doc.setModificationDate(at);
  const font = await embedCjkFont(doc, `certificate:${facts.registrationNumber}:${facts.edition}`);
  const page = doc.addPage([A4.width, A4.height]);
  const { width, height } = A4;

  page.drawRectangle({ x: 24, y: 24, width: width - 48, height: height - 48, borderColor: gold, borderWidth: 3 });
  page.drawRectangle({ x: 32, y: 32, width: width - 64, height: height - 64, borderColor: gold, borderWidth: 0.8 });

  drawCentred(page, '作品登记证书', width / 2, height - 130, font, 34);
  drawCentred(page, 'CERTIFICATE OF WORK REGISTRATION', width / 2, height - 155, font, 10, grey);
  const number = `登记号：${facts.registrationNumber}`;
  page.drawText(number, { x: width - 72 - font.widthOfTextAtSize(number, 11), y: height - 192, size: 11, font });

  const rows: [string, string][] = [
    ['作品名称', facts.title],
    ['作品类别', workTypeLabel[facts.workType]],
    ['作　　者', facts.authors.join('、')],
    ['著作权人', facts.holders.join('、')],
    ['创作完成日期', chineseDate(facts.completedOn)],
    ['首次发表日期', facts.firstPublishedOn ? chineseDate(facts.firstPublishedOn) : '未发表'],
  ];
  let y = height - 240;
  const labelX = 84;
  const valueX = 190;
  const valueWidth = width - valueX - 80;
  for (const [label, value] of rows) {
    page.drawText(`${label}：`, { x: labelX, y, size: 13, font });
    const lines = wrapText(value, font, 13, valueWidth);
    lines.forEach((l, i) => {
      page.drawText(l, { x: valueX, y: y - i * 20, size: 13, font });
    });
    y -= Math.max(1, lines.length) * 20 + 16;
  }

  const statement =
    `以上事项，由${facts.holders.join('、')}申请，经${facts.officeName}审核，` +
    '根据《作品自愿登记试行办法》规定，予以登记。';
  y -= 10;
  for (const l of wrapText(statement, font, 12, width - 2 * labelX)) {
    page.drawText(l, { x: labelX, y, size: 12, font });
    y -= 20;
  }

  // The office, the registration date and the seal over them (bottom right).
  const { cx, cy, radius } = CERTIFICATE_SEAL;
  drawCentred(page, facts.officeName, cx, cy + 8, font, 14);
  drawCentred(page, chineseDate(facts.registeredOn), cx, cy - 16, font, 12);
  drawSeal(page, font, cx, cy, radius, { arc: facts.officeName, lines: ['作品自愿登记', '专用章'] });

  // The QR code to the public verification page (bottom left).
  drawQr(page, facts.verifyUrl, 72, 120, 104);
  page.drawText('扫码查验证书真伪', { x: 78, y: 104, size: 9, font, color: grey });
  if (facts.edition > 1) page.drawText(`补发（第 ${facts.edition} 版）`, { x: 78, y: 90, size: 9, font, color: grey });
  drawCentred(
    page,
    '本证书为电子证书，经登记机构数字签名；可通过证书上的二维码或登记号在线查验。',
    width / 2,
    56,
    font,
    8,
    black,
  );
  return doc.save({ useObjectStreams: false });
}
