import { type PDFFont, type PDFPage, rgb } from 'pdf-lib';

/** A4 in points, and the colours the documents use. */
export const A4 = { width: 595.28, height: 841.89 } as const;
export const black = rgb(0, 0, 0);
export const grey = rgb(0.45, 0.45, 0.45);
export const sealRed = rgb(0.86, 0.08, 0.08);

/** Breaks text into lines no wider than `width`; CJK text may break between any two characters. */
export function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.replace(/\r\n?/g, '\n').split('\n')) {
    let line = '';
    let lineWidth = 0;
    for (const ch of paragraph) {
      const w = charWidth(font, ch) * size;
      if (line && lineWidth + w > width) {
        lines.push(line);
        line = ch.trimStart();
        lineWidth = line ? w : 0;
      } else {
        line += ch;
        lineWidth += w;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** Advance widths per character at size 1: shaping a growing line for every character is slow. */
const widths = new WeakMap<PDFFont, Map<string, number>>();
function charWidth(font: PDFFont, ch: string): number {
  let map = widths.get(font);
  if (!map) {
    map = new Map();
    widths.set(font, map);
  }
  let w = map.get(ch);
  if (w === undefined) {
    w = font.widthOfTextAtSize(ch, 1);
    map.set(ch, w);
  }
  return w;
}

/** Draws text centred on x. */
export function drawCentred(
  page: PDFPage,
  text: string,
  x: number,
  y: number,
  font: PDFFont,
  size: number,
  color = black,
) {
  page.drawText(text, { x: x - font.widthOfTextAtSize(text, size) / 2, y, size, font, color });
}

/** A rectangle in PDF user space: origin bottom-left. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
