import { embedCjkFontFile } from '@copyreg/certificate/cjk-font';
import { PDFDocument, type PDFFont, rgb } from 'pdf-lib';

/**
 * The e-invoice PDF (电子发票). The CJK font comes through the certificate package's pdf-lib/fontkit
 * adapter (cjk-font.ts: fontkit 2, the face parsed once per process, fast CFF subsets).
 * Deterministic: the same invoice renders to the same bytes (fixed dates, a subset tag from the
 * invoice number), so a retried activity writes an identical object.
 */
const FONT = {
  path: process.env.DOCUMENT_FONT_PATH ?? '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  face: process.env.DOCUMENT_FONT_FACE ?? 'NotoSansCJKsc-Regular',
};

export interface InvoiceData {
  invoiceNo: string;
  issuedOn: Date;
  buyer: string;
  workTitle: string;
  serialNo: string;
  amountFen: number;
  method: 'online' | 'offline';
  seller: string;
}

export async function renderInvoicePdf(d: InvoiceData): Promise<Buffer> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const f: PDFFont = await embedCjkFontFile(doc, FONT, d.invoiceNo);
  doc.setTitle(`电子发票 ${d.invoiceNo}`);
  doc.setProducer('作品自愿登记平台');
  doc.setCreator('作品自愿登记平台');
  doc.setCreationDate(d.issuedOn);
  doc.setModificationDate(d.issuedOn);

  const page = doc.addPage([595, 420]); // A5 landscape, the size of a printed 普通发票
  const red = rgb(0.6, 0.1, 0.1);
  const text = (s: string, x: number, y: number, size = 11, color = rgb(0, 0, 0)) =>
    page.drawText(s, { x, y, size, font: f, color });
  const yuan = (d.amountFen / 100).toFixed(2);
  const date = d.issuedOn.toLocaleDateString('zh-CN', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  });

  text('电子发票（普通发票）', 200, 380, 20, red);
  text(`发票号码：${d.invoiceNo}`, 390, 350);
  text(`开票日期：${date}`, 390, 332);
  page.drawRectangle({ x: 30, y: 90, width: 535, height: 225, borderColor: red, borderWidth: 1 });
  text(`购买方名称：${d.buyer}`, 45, 290);
  text('项目名称', 45, 255, 11, red);
  text('数量', 330, 255, 11, red);
  text('单价', 390, 255, 11, red);
  text('金额', 480, 255, 11, red);
  text('*文化服务*作品自愿登记费', 45, 232);
  text('1', 335, 232);
  text(yuan, 390, 232);
  text(yuan, 480, 232);
  text(`作品：${d.workTitle.slice(0, 40)}（流水号 ${d.serialNo}）`, 45, 205, 10);
  text(`付款方式：${d.method === 'online' ? '线上付款（支付宝）' : '线下付款（转账）'}`, 45, 185, 10);
  text(`价税合计（大写）：${chineseAmount(d.amountFen)}`, 45, 125);
  text(`（小写）¥${yuan}`, 400, 125);
  text(`销售方名称：${d.seller}`, 45, 100);
  text('本票据由作品自愿登记平台生成，税务发票以税务系统开具的为准。', 45, 60, 9, rgb(0.4, 0.4, 0.4));
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** 壹佰伍拾元整: the amount in capital Chinese numerals (大写金额). */
export function chineseAmount(fen: number): string {
  const digits = '零壹贰叁肆伍陆柒捌玖';
  const units = ['', '拾', '佰', '仟'];
  const big = ['', '万', '亿'];
  const yuan = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const cent = fen % 10;
  let out = '';
  if (yuan === 0) out = '零';
  else {
    const groups: number[] = [];
    for (let n = yuan; n > 0; n = Math.floor(n / 10000)) groups.push(n % 10000);
    groups.forEach((g, gi) => {
      let s = '';
      let zero = false;
      for (let i = 3; i >= 0; i--) {
        const dgt = Math.floor(g / 10 ** i) % 10;
        if (dgt === 0) zero = s !== '';
        else {
          s += (zero ? '零' : '') + digits[dgt] + units[i];
          zero = false;
        }
      }
      if (g) out = s + big[gi] + out;
    });
  }
  out += '元';
  if (!jiao && !cent) return `${out}整`;
  return out + (jiao ? `${digits[jiao]}角` : '零') + (cent ? `${digits[cent]}分` : '');
}
