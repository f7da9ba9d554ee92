import { PDFDocument } from 'pdf-lib';
import { chineseDate } from '../labels';
import { sealRed } from './layout';
import { drawOutlinedSeal, drawOutlinedText, outlineWidth } from './seal';

/**
 * The visible marks of signatures, each a one-page PDF of the mark's size that the signature's
 * widget shows: a person's signature (签名) in a red frame, an organisation's round seal (印章).
 * Text is drawn as outlines, so a signature adds a few KB rather than another font subset.
 */
export const STAMP_SIZE = {
  person: { width: 150, height: 64 },
  organisation: { width: 96, height: 96 },
} as const;

export async function personSignatureStamp(name: string, signedOn: string): Promise<Uint8Array> {
  const { width, height } = STAMP_SIZE.person;
  const doc = await PDFDocument.create({ updateMetadata: false });
  const page = doc.addPage([width, height]);
  page.drawRectangle({ x: 2, y: 2, width: width - 4, height: height - 4, borderColor: sealRed, borderWidth: 1.5 });
  const size = Math.min(24, (width - 24) / Math.max([...name].length, 1));
  drawOutlinedText(page, name, (width - outlineWidth(name, size)) / 2, height - 14 - size, size);
  const line = `电子签名 ${chineseDate(signedOn)}`;
  drawOutlinedText(page, line, (width - outlineWidth(line, 8)) / 2, 9, 8);
  return doc.save({ useObjectStreams: false });
}

export async function organisationSealStamp(name: string): Promise<Uint8Array> {
  const { width, height } = STAMP_SIZE.organisation;
  const doc = await PDFDocument.create({ updateMetadata: false });
  const page = doc.addPage([width, height]);
  drawOutlinedSeal(page, width / 2, height / 2, width / 2 - 2, { arc: name, lines: ['电子印章'] });
  return doc.save({ useObjectStreams: false });
}
