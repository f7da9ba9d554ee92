import { PDFDocument } from 'pdf-lib';
import { chineseDate } from '../labels';
import { embedCjkFont } from './fonts';
import { drawCentred, sealRed } from './layout';
import { drawSeal } from './seal';

/**
 * The visible marks of signatures, each a one-page PDF of the mark's size that the signature's
 * widget shows: a person's signature (签名) in a red frame, an organisation's round seal (印章).
 */
export const STAMP_SIZE = {
  person: { width: 150, height: 64 },
  organisation: { width: 96, height: 96 },
} as const;

export async function personSignatureStamp(name: string, signedOn: string): Promise<Uint8Array> {
  const { width, height } = STAMP_SIZE.person;
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await embedCjkFont(doc, `stamp:${name}:${signedOn}`);
  const page = doc.addPage([width, height]);
  page.drawRectangle({ x: 2, y: 2, width: width - 4, height: height - 4, borderColor: sealRed, borderWidth: 1.5 });
  const size = Math.min(24, (width - 24) / Math.max([...name].length, 1));
  drawCentred(page, name, width / 2, height - 14 - size, font, size, sealRed);
  drawCentred(page, `电子签名 ${chineseDate(signedOn)}`, width / 2, 9, font, 8, sealRed);
  return doc.save({ useObjectStreams: false });
}

export async function organisationSealStamp(name: string): Promise<Uint8Array> {
  const { width, height } = STAMP_SIZE.organisation;
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await embedCjkFont(doc, `seal:${name}`);
  const page = doc.addPage([width, height]);
  drawSeal(page, font, width / 2, height / 2, width / 2 - 2, { arc: name, lines: ['电子印章'] });
  return doc.save({ useObjectStreams: false });
}
