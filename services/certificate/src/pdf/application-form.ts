import type { FilingSnapshot } from '@copyreg/proto';
import { PDFDocument, type PDFFont, type PDFPage, rgb } from 'pdf-lib';
import {
  acquisitionModeLabel,
  chineseDate,
  creationNatureLabel,
  idTypeLabel,
  ownershipModeLabel,
  rightLabel,
  signerKindLabel,
  workTypeLabel,
} from '../labels';
import { embedCjkFont } from './fonts';
import { A4, black, drawCentred, grey, wrapText } from './layout';
import { SIGNATURE_PAGE_INDEX, signatureSlots } from './signature-slots';

/**
 * The application form (作品登记申请表) made from a frozen filing version: page 1 the work and
 * its rights, holders, authors and writer; page 2 the signature page with a slot per signer in
 * signing order; further pages continue what does not fit on page 1.
 */
const margin = 50;
const bottom = 56;
const size = 10;
const lineHeight = 15;
const labelWidth = 118;
const line = rgb(0.3, 0.3, 0.3);
const shade = rgb(0.93, 0.93, 0.93);

class Writer {
  y = 0;
  page!: PDFPage;
  private continuation = 0;

  constructor(
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
    first: PDFPage,
  ) {
    this.use(first);
  }

  private use(page: PDFPage) {
    this.page = page;
    this.y = A4.height - margin;
  }

  /** Continues on a new page after the signature page. */
  ensure(height: number) {
    if (this.y - height >= bottom) return;
    this.continuation += 1;
    const page = this.doc.addPage([A4.width, A4.height]);
    this.use(page);
    this.text(`（续页 ${this.continuation}）`, margin, grey);
    this.y -= lineHeight;
  }

  text(s: string, x = margin, color = black, at = size) {
    this.page.drawText(s, { x, y: this.y - at, size: at, font: this.font, color });
  }

  heading(s: string) {
    // Keep a heading with at least its table's header and first row.
    this.ensure(lineHeight * 6);
    this.y -= 8;
    this.text(s, margin, black, 12);
    this.y -= 20;
  }

  /** A bordered label/value row; long values wrap and may continue on the next page. */
  row(label: string, value: string) {
    const valueWidth = A4.width - 2 * margin - labelWidth - 12;
    let lines = wrapText(value || '—', this.font, size, valueWidth);
    let first = true;
    while (lines.length) {
      const fit = Math.floor((this.y - bottom - 8) / lineHeight);
      if (fit < 1 || (first && fit < Math.min(lines.length, 2))) {
        this.ensure(lineHeight * 3);
        continue;
      }
      const chunk = lines.slice(0, fit);
      lines = lines.slice(fit);
      const height = chunk.length * lineHeight + 8;
      const top = this.y;
      const width = A4.width - 2 * margin;
      this.page.drawRectangle({ x: margin, y: top - height, width: labelWidth, height, color: shade });
      this.page.drawRectangle({ x: margin, y: top - height, width, height, borderColor: line, borderWidth: 0.6 });
      this.page.drawLine({
        start: { x: margin + labelWidth, y: top },
        end: { x: margin + labelWidth, y: top - height },
        color: line,
        thickness: 0.6,
      });
      this.page.drawText(first ? label : `${label}（续）`, {
        x: margin + 6,
        y: top - 4 - size,
        size,
        font: this.font,
      });
      chunk.forEach((l, i) => {
        this.page.drawText(l, {
          x: margin + labelWidth + 6,
          y: top - 4 - size - i * lineHeight,
          size,
          font: this.font,
        });
      });
      this.y = top - height;
      first = false;
      if (lines.length) this.ensure(lineHeight * 3);
    }
  }

  /** A bordered table with a shaded header row; cells wrap. */
  table(headers: string[], widths: number[], rows: string[][], shadeHeader = true) {
    const total = widths.reduce((a, b) => a + b, 0);
    const scale = (A4.width - 2 * margin) / total;
    const cols = widths.map((w) => w * scale);
    const draw = (cells: string[], header: boolean) => {
      const wrapped = cells.map((c, i) => wrapText(c || '—', this.font, size, (cols[i] ?? 0) - 8));
      const height = Math.max(...wrapped.map((w) => w.length)) * lineHeight + 8;
      this.ensure(height);
      let x = margin;
      wrapped.forEach((w, i) => {
        const width = cols[i] ?? 0;
        if (header) this.page.drawRectangle({ x, y: this.y - height, width, height, color: shade });
        this.page.drawRectangle({ x, y: this.y - height, width, height, borderColor: line, borderWidth: 0.6 });
        w.forEach((l, j) => {
          this.page.drawText(l, { x: x + 4, y: this.y - 4 - size - j * lineHeight, size, font: this.font });
        });
        x += width;
      });
      this.y -= height;
    };
    draw(headers, shadeHeader);
    for (const r of rows) draw(r, false);
    if (!rows.length)
      draw(
        headers.map((_, i) => (i === 0 ? '暂无数据' : '')),
        false,
      );
  }
}

export async function renderApplicationForm(snapshot: FilingSnapshot): Promise<Uint8Array> {
  const c = snapshot.content;
  const at = new Date(snapshot.frozenAt);
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(`作品登记申请表 ${c.title}`);
  doc.setCreator('作品自愿登记平台');
  doc.setProducer('作品自愿登记平台');
  doc.setCreationDate(at);
  doc.setModificationDate(at);
  const font = await embedCjkFont(doc, `form:${snapshot.filingId}:${snapshot.versionNo}`);
  const page1 = doc.addPage([A4.width, A4.height]);
  const signaturePage = doc.addPage([A4.width, A4.height]);
  const w = new Writer(doc, font, page1);

  drawCentred(page1, '作品登记申请表', A4.width / 2, A4.height - margin - 20, font, 20);
  w.y -= 36;
  w.text(
    `流水号：${snapshot.serialNo}    表单版本：第 ${snapshot.versionNo} 版    生成日期：${chineseDate(snapshot.frozenAt)}`,
    margin,
    grey,
    9,
  );
  w.y -= 18;

  w.heading('一、作品基本信息');
  w.row('作品名称', c.title);
  w.row('作品类别', workTypeLabel[c.workType]);
  w.row('作品创作性质', creationNatureLabel[c.creationNature]);
  w.row('创作/制作完成日期', chineseDate(c.completedOn));
  w.row('发表状态', c.published ? '已发表' : '未发表');
  if (c.published) {
    w.row('首次发表日期', c.firstPublishedOn ? chineseDate(c.firstPublishedOn) : '—');
    w.row('首次发表地点', c.firstPublishedPlace ?? '—');
  }
  w.row('权利归属方式', ownershipModeLabel[c.ownershipMode]);
  w.row('权利取得方式', acquisitionModeLabel[c.acquisitionMode]);
  w.row('权利拥有状况', c.rightsScope === 'all' ? '全部' : '部分');

  w.heading('二、权利拥有状况（■ 拥有  □ 未拥有）');
  const owned = (r: keyof typeof rightLabel) => c.rightsScope === 'all' || c.rights.includes(r);
  const rights = Object.keys(rightLabel) as (keyof typeof rightLabel)[];
  const perRow = 4;
  const rightRows: string[][] = [];
  for (let i = 0; i < rights.length; i += perRow) {
    rightRows.push(
      Array.from({ length: perRow }, (_, j) => {
        const r = rights[i + j];
        return r ? `${owned(r) ? '■' : '□'} ${rightLabel[r]}` : ' ';
      }),
    );
  }
  const [header, ...rest] = rightRows;
  w.table(header ?? [], [1, 1, 1, 1], rest, false);

  w.heading('三、著作权人信息');
  w.table(
    ['序号', '类型', '姓名/名称', '证件类型', '证件号', '经办人', '所在区域'],
    [26, 44, 92, 72, 134, 44, 44],
    c.holders.map((h, i) => [
      String(i + 1),
      h.holderType === 'individual' ? '自然人' : '法人或非法人组织',
      h.guardian
        ? `${h.name}（由${{ father: '父亲', mother: '母亲', guardian: '监护人' }[h.guardian.relation]}代签）`
        : h.name,
      idTypeLabel[h.idType],
      h.idNumber,
      h.handler ?? '',
      h.region,
    ]),
  );

  w.heading('四、作者信息');
  w.table(
    ['序号', '作者姓名/名称', '署名'],
    [30, 150, 150],
    c.authors.map((a, i) => [String(i + 1), a.name, a.signature ?? a.name]),
  );
  if (c.writer) {
    w.heading('五、执笔者信息');
    w.table(
      ['姓名', '证件类型', '证件号'],
      [120, 120, 160],
      [[c.writer.name, idTypeLabel[c.writer.idType], c.writer.idNumber]],
    );
  }

  w.heading(c.writer ? '六、作品说明' : '五、作品说明');
  w.row('作品简介及创意', c.description);
  w.row('创作经过及意图', c.creationProcess);
  w.row(
    '作品样本',
    c.samples.map((s) => `${s.name}（${(s.size / 1024).toFixed(0)} KB，SHA-256 ${s.sha256.slice(0, 16)}…）`).join('\n'),
  );
  w.row('附件', c.attachments.map((s) => s.name).join('\n'));
  w.row('纸质证书发放方式', c.certificateDelivery === 'mail' ? '邮寄（顺丰到付）' : '自领');

  drawSignaturePage(signaturePage, font, snapshot);
  for (const [i, page] of doc.getPages().entries()) {
    drawCentred(page, `第 ${i + 1} 页 / 共 ${doc.getPageCount()} 页`, A4.width / 2, 28, font, 8, grey);
  }
  return doc.save({ useObjectStreams: false });
}

function drawSignaturePage(page: PDFPage, font: PDFFont, snapshot: FilingSnapshot) {
  drawCentred(page, '签 章 页', A4.width / 2, A4.height - margin - 20, font, 18);
  const statement =
    '申请人及著作权人保证：本申请表所填写的内容及所提交的作品样本、证明文件真实、合法、有效，' +
    '如有不实，愿承担由此产生的一切法律责任。各签章人按下列顺序依次签章。';
  wrapText(statement, font, size, A4.width - 2 * margin).forEach((l, i) => {
    page.drawText(l, { x: margin, y: A4.height - margin - 56 - i * lineHeight, size, font });
  });
  const slots = signatureSlots(snapshot.signers.length);
  snapshot.signers.forEach((signer, i) => {
    const slot = slots[i];
    if (!slot) return;
    const { box } = slot;
    page.drawRectangle({ ...box, borderColor: line, borderWidth: 0.8 });
    page.drawText(`${i + 1}. ${signerKindLabel[signer.kind]}`, {
      x: box.x + 8,
      y: box.y + box.height - 18,
      size,
      font,
    });
    page.drawText(signer.name, { x: box.x + 8, y: box.y + box.height - 34, size, font });
    page.drawText('（签章）', { x: box.x + 8, y: box.y + 14, size: 9, font, color: grey });
  });
}

export { SIGNATURE_PAGE_INDEX };
