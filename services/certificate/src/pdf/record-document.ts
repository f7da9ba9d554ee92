import type { WorkType } from '@copyreg/proto';
import { PDFDocument } from 'pdf-lib';
import { chineseDate, workTypeLabel } from '../labels';
import { embedCjkFont } from './fonts';
import { A4, drawCentred, grey, wrapText } from './layout';
import { drawSeal } from './seal';

/** What a 备案证明 (certificate of filing of a transfer or exclusive-licence contract) states. */
export interface RecordFacts {
  kind: 'transfer' | 'licence';
  recordNumber: string;
  registrationNumber: string;
  title: string;
  workType: WorkType;
  /** 转让方 / 许可方: the holders as registered when the contract was filed. */
  assignors: string[];
  /** 受让方 / 被许可方. */
  assignee: string;
  /** The rights transferred or licensed, in Chinese. */
  rights: string[];
  signedOn: string;
  termFrom?: string | undefined;
  termTo?: string | undefined;
  /** The China day the filing was approved (备案日期). */
  filedOn: string;
  officeName: string;
}

const heading = { transfer: '著作权转让合同备案证明', licence: '著作权专有许可合同备案证明' } as const;
const parties = {
  transfer: ['转　让　方', '受　让　方', '转让的权利'],
  licence: ['许　可　方', '被 许 可 方', '许可的权利'],
} as const;

/** One A4 page in the certificate's style: the facts, the office and the date under its seal. */
export async function renderRecord(facts: RecordFacts): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const at = new Date(`${facts.filedOn}T00:00:00+08:00`);
  doc.setTitle(`${heading[facts.kind]} ${facts.recordNumber}`);
  doc.setCreator('作品自愿登记平台');
  doc.setProducer('作品自愿登记平台');
  doc.setCreationDate(at);
  doc.setModificationDate(at);
  const font = await embedCjkFont(doc, `record:${facts.recordNumber}`);
  const page = doc.addPage([A4.width, A4.height]);
  const { width, height } = A4;
  page.drawRectangle({ x: 24, y: 24, width: width - 48, height: height - 48, borderColor: grey, borderWidth: 1.5 });

  drawCentred(page, heading[facts.kind], width / 2, height - 120, font, 26);
  const number = `备案号：${facts.recordNumber}`;
  page.drawText(number, { x: width - 72 - font.widthOfTextAtSize(number, 11), y: height - 165, size: 11, font });

  const [from, to, rights] = parties[facts.kind];
  const rows: [string, string][] = [
    ['作品名称', facts.title],
    ['作品类别', workTypeLabel[facts.workType]],
    ['登　记　号', facts.registrationNumber],
    [from, facts.assignors.join('、')],
    [to, facts.assignee],
    [rights, facts.rights.join('、')],
    ['合同签订日期', chineseDate(facts.signedOn)],
    ...(facts.termFrom && facts.termTo
      ? [['许可期限', `${chineseDate(facts.termFrom)}至${chineseDate(facts.termTo)}`] as [string, string]]
      : []),
  ];
  const size = 12;
  const labelX = 84;
  const valueX = labelX + font.widthOfTextAtSize('合同签订日期：', size) + 8;
  let y = height - 210;
  for (const [label, value] of rows) {
    page.drawText(`${label}：`, { x: labelX, y, size, font });
    for (const line of wrapText(value, font, size, width - 80 - valueX)) {
      page.drawText(line, { x: valueX, y, size, font });
      y -= size * 1.6;
    }
    y -= size * 0.6;
  }
  const statement = `上述合同经${facts.officeName}审查，予以备案。`;
  for (const line of wrapText(statement, font, size, width - 2 * labelX)) {
    y -= size;
    page.drawText(line, { x: labelX, y, size, font });
  }

  const cx = width - 160;
  const cy = 205;
  drawCentred(page, facts.officeName, cx, cy + 8, font, 14);
  drawCentred(page, chineseDate(facts.filedOn), cx, cy - 16, font, 12);
  drawSeal(page, font, cx, cy, 62, { arc: facts.officeName, lines: ['作品自愿登记', '专用章'] });
  drawCentred(page, '本证明为电子文件，经登记机构数字签名。', width / 2, 56, font, 8);
  return doc.save({ useObjectStreams: false });
}
