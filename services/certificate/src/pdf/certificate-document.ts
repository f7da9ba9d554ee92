import type { WorkType } from '@copyreg/proto';
import { PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';
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
  /** Printed under the QR code from the second edition on: 补发（第 N 版）or 变更（第 N 版）. */
  editionLabel?: string | undefined;
  officeName: string;
  verifyUrl: string;
}

/** The certificate's page, the office's seal over the date, a QR code to the public verification page. */
export const CERTIFICATE_SEAL = { cx: A4.width - 160, cy: 205, radius: 62 } as const;
/** The QR code's square (bottom-left corner and side), bottom left of the page. */
export const CERTIFICATE_QR = { x: 72, y: 120, size: 104 } as const;

const gold = rgb(0.62, 0.45, 0.16);
const labelX = 84;
const right = A4.width - 80;
/** Values start after the longest label at the body's size. */
const valueXAt = (font: PDFFont, size: number) => labelX + font.widthOfTextAtSize('创作完成日期：', size) + 8;
/** The facts go between the registration number and the seal (the highest thing drawn below them). */
const bodyTop = A4.height - 220;
const bodyBottom = CERTIFICATE_SEAL.cy + CERTIFICATE_SEAL.radius + 14;
/** Font sizes tried from the largest down: the title shrinks first, then everything else. */
const titleSizes = [13, 12, 11, 10, 9];
const bodySizes = [13, 12, 11, 10];
const lead = (size: number) => size * 1.5;
const rowGap = (size: number) => size * 1.1;
const rowHeight = (row: BodyRow, size: number) =>
  size + (row.lines.length - 1) * lead(row.size) + (lead(row.size) - row.size) + rowGap(size);

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
  drawBorder(page);

  drawCentred(page, '作品登记证书', width / 2, height - 130, font, 34);
  drawCentred(page, 'CERTIFICATE OF WORK REGISTRATION', width / 2, height - 155, font, 10, grey);
  const number = `登记号：${facts.registrationNumber}`;
  page.drawText(number, { x: width - 72 - font.widthOfTextAtSize(number, 11), y: height - 192, size: 11, font });

  const body = layoutBody(font, facts);
  const valueX = valueXAt(font, body.size);
  let y = bodyTop;
  for (const row of body.rows) {
    // Label and value share the first baseline; a smaller title's lines are closer together.
    const baseline = y - body.size;
    page.drawText(`${row.label}：`, { x: labelX, y: baseline, size: body.size, font });
    row.lines.forEach((l, i) => {
      page.drawText(l, { x: valueX, y: baseline - i * lead(row.size), size: row.size, font });
    });
    y -= rowHeight(row, body.size);
  }
  for (const l of body.statement) {
    y -= body.size;
    page.drawText(l, { x: labelX, y, size: body.size, font });
    y -= lead(body.size) - body.size;
  }

  // The office, the registration date and the seal over them (bottom right).
  const { cx, cy, radius } = CERTIFICATE_SEAL;
  drawCentred(page, facts.officeName, cx, cy + 8, font, 14);
  drawCentred(page, chineseDate(facts.registeredOn), cx, cy - 16, font, 12);
  drawSeal(page, font, cx, cy, radius, { arc: facts.officeName, lines: ['作品自愿登记', '专用章'] });

  // The QR code to the public verification page (bottom left).
  drawQr(page, facts.verifyUrl, CERTIFICATE_QR.x, CERTIFICATE_QR.y, CERTIFICATE_QR.size);
  page.drawText('扫码查验证书真伪', { x: 78, y: 104, size: 9, font, color: grey });
  if (facts.edition > 1) {
    const label = facts.editionLabel ?? `补发（第 ${facts.edition} 版）`;
    page.drawText(label, { x: 78, y: 90, size: 9, font, color: grey });
  }
  drawCentred(
    page,
    '本证书为电子证书，经登记机构数字签名；可通过证书上的二维码或登记号在线查验。',
    width / 2,
    56,
    font,
    8,
    black,
  );
  if (body.annex) drawAnnex(doc, font, facts);
  return doc.save({ useObjectStreams: false });
}

function drawBorder(page: PDFPage) {
  const { width, height } = A4;
  page.drawRectangle({ x: 24, y: 24, width: width - 48, height: height - 48, borderColor: gold, borderWidth: 3 });
  page.drawRectangle({ x: 32, y: 32, width: width - 64, height: height - 64, borderColor: gold, borderWidth: 0.8 });
}

interface BodyRow {
  label: string;
  lines: string[];
  size: number;
}

/**
 * Lays the facts out from measured text to fit between the number and the seal: the title's size
 * shrinks (13 → 9 pt) before it wraps onto more than two lines, then every row's (13 → 10 pt);
 * authors and holders too many for the page are cut to what fits, ending 等N位（详见附页）, and
 * listed in full on an annex page.
 */
function layoutBody(font: PDFFont, facts: CertificateFacts) {
  const holders = facts.holders.join('、');
  // The holders are named again in the statement only when that stays short.
  const applicants = [...holders].length <= 40 ? holders : '上述著作权人';
  const statement = `以上事项，由${applicants}申请，经${facts.officeName}审核，根据《作品自愿登记试行办法》规定，予以登记。`;

  const attempt = (size: number, maxListLines = Number.POSITIVE_INFINITY) => {
    const width = right - valueXAt(font, size);
    const wrap = (text: string, at = size) => wrapText(text, font, at, width);
    const list = (names: string[]) => cutList(names, maxListLines, (t) => wrap(t));
    const titleSize =
      titleSizes.find((t) => t <= size && wrap(facts.title, t).length <= 2) ?? (titleSizes.at(-1) as number);
    const rows: BodyRow[] = [
      { label: '作品名称', lines: wrap(facts.title, titleSize), size: titleSize },
      { label: '作品类别', lines: wrap(workTypeLabel[facts.workType]), size },
      { label: '作　　者', lines: list(facts.authors), size },
      { label: '著作权人', lines: list(facts.holders), size },
      { label: '创作完成日期', lines: wrap(chineseDate(facts.completedOn)), size },
      {
        label: '首次发表日期',
        lines: wrap(facts.firstPublishedOn ? chineseDate(facts.firstPublishedOn) : '未发表'),
        size,
      },
    ];
    const lines = wrapText(statement, font, size, A4.width - 2 * labelX);
    const height = rows.reduce((h, r) => h + rowHeight(r, size), 0) + lines.length * lead(size);
    return { rows, statement: lines, size, fits: height <= bodyTop - bodyBottom };
  };

  for (const size of bodySizes) {
    const body = attempt(size);
    if (body.fits) return { ...body, annex: false };
  }
  const smallest = bodySizes.at(-1) as number;
  for (let maxLines = 3; maxLines > 1; maxLines--) {
    const body = attempt(smallest, maxLines);
    if (body.fits) return { ...body, annex: true };
  }
  return { ...attempt(smallest, 1), annex: true };
}

/** As many names as fit in `maxLines`, then 等N位（详见附页）; all of them when they fit. */
function cutList(names: string[], maxLines: number, wrap: (t: string) => string[]) {
  const all = wrap(names.join('、'));
  if (all.length <= maxLines) return all;
  for (let k = names.length - 1; k > 0; k--) {
    const lines = wrap(`${names.slice(0, k).join('、')} 等${names.length}位（详见附页）`);
    if (lines.length <= maxLines) return lines;
  }
  return wrap(`共${names.length}位（详见附页）`);
}

/** The annex (附页): every author and holder, on as many pages as they need. */
function drawAnnex(doc: PDFDocument, font: PDFFont, facts: CertificateFacts) {
  const size = 11;
  const top = A4.height - 72;
  const bottom = 72;
  let page = doc.addPage([A4.width, A4.height]);
  let y = top;
  const newPage = () => {
    page = doc.addPage([A4.width, A4.height]);
    drawBorder(page);
    y = top;
  };
  drawBorder(page);
  drawCentred(page, '作品登记证书附页', A4.width / 2, y - 20, font, 20);
  y -= 48;
  page.drawText(`登记号：${facts.registrationNumber}`, { x: labelX, y: y - size, size, font });
  y -= lead(size) * 2;
  const list = (heading: string, names: string[]) => {
    if (y - lead(size) * 2 < bottom) newPage();
    page.drawText(`${heading}（共${names.length}位）：`, { x: labelX, y: y - size, size, font });
    y -= lead(size);
    names.forEach((name, i) => {
      for (const l of wrapText(`${i + 1}. ${name}`, font, size, A4.width - 2 * labelX - 16)) {
        if (y - lead(size) < bottom) newPage();
        page.drawText(l, { x: labelX + 16, y: y - size, size, font });
        y -= lead(size);
      }
    });
    y -= lead(size);
  };
  list('作者', facts.authors);
  list('著作权人', facts.holders);
}
