import {
  type Color,
  degrees,
  type PDFFont,
  type PDFPage,
  popGraphicsState,
  pushGraphicsState,
  setFillingColor,
} from 'pdf-lib';
import { textOutline } from './fonts';
import { sealRed } from './layout';
import { num, rawOperators } from './raw-content';

/**
 * A round seal as the 2016 notice on certificates (国版函[2016]1号) describes the office's:
 * the name along the upper arc, left to right, a five-pointed star in the centre, and below it
 * 作品自愿登记 with 专用章 under that. Organisations' signature seals use the same shape with
 * their own name and lines.
 */
export interface SealText {
  /** Along the upper arc, e.g. 浙江省版权局. */
  arc: string;
  /** Horizontal lines under the star, e.g. ['作品自愿登记', '专用章']. */
  lines: string[];
}

export function drawSeal(page: PDFPage, font: PDFFont, cx: number, cy: number, radius: number, text: SealText) {
  const color = sealRed;
  page.drawCircle({ x: cx, y: cy, size: radius, borderColor: color, borderWidth: radius * 0.045, opacity: 0 });
  page.drawCircle({ x: cx, y: cy, size: radius * 0.93, borderColor: color, borderWidth: radius * 0.01, opacity: 0 });

  // The name: spread over up to 240° of the upper arc, each character upright towards the rim.
  const chars = [...text.arc];
  const charSize = Math.min(radius * 0.24, (radius * 0.75 * Math.PI * 1.3) / Math.max(chars.length, 1));
  const span = Math.min(240, chars.length * 30) * (Math.PI / 180);
  const rText = radius * 0.88 - charSize;
  chars.forEach((ch, i) => {
    const theta = Math.PI / 2 + span / 2 - (chars.length === 1 ? span / 2 : (span * i) / (chars.length - 1));
    const w = font.widthOfTextAtSize(ch, charSize);
    const x = cx + rText * Math.cos(theta) - (w / 2) * Math.sin(theta);
    const y = cy + rText * Math.sin(theta) + (w / 2) * Math.cos(theta);
    page.drawText(ch, { x, y, size: charSize, font, color, rotate: degrees((theta * 180) / Math.PI - 90) });
  });

  drawStar(page, cx, cy + radius * 0.08, radius * 0.3);

  text.lines.forEach((line, i) => {
    const s = radius * (i === 0 ? 0.17 : 0.19);
    const w = font.widthOfTextAtSize(line, s);
    page.drawText(line, { x: cx - w / 2, y: cy - radius * (0.42 + i * 0.25), size: s, font, color });
  });
}

function drawStar(page: PDFPage, cx: number, cy: number, r: number) {
  const points: string[] = [];
  for (let k = 0; k < 10; k++) {
    const rr = k % 2 === 0 ? r : r * 0.382;
    const a = Math.PI / 2 + (k * Math.PI) / 5;
    // SVG path coordinates: y grows downwards from the origin given to drawSvgPath.
    points.push(`${(rr * Math.cos(a)).toFixed(2)} ${(-rr * Math.sin(a)).toFixed(2)}`);
  }
  page.drawSvgPath(`M ${points.join(' L ')} Z`, { x: cx, y: cy, color: sealRed, borderWidth: 0 });
}

/**
 * Draws text as filled outlines (no font in the document): baseline-left at (x, y), rotated by
 * `angle` degrees counter-clockwise. One transform for the line, one offset per glyph.
 */
export function drawOutlinedText(
  page: PDFPage,
  text: string,
  x: number,
  y: number,
  size: number,
  color: Color = sealRed,
  angle = 0,
) {
  const outline = textOutline(text);
  if (!outline.glyphs.length) return;
  const s = size / outline.unitsPerEm;
  const a = (angle * Math.PI) / 180;
  const [cos, sin] = [Math.cos(a) * s, Math.sin(a) * s];
  const line = [`${num(cos, 6)} ${num(sin, 6)} ${num(-sin, 6)} ${num(cos, 6)} ${num(x)} ${num(y)} cm`];
  for (const g of outline.glyphs) line.push(`q 1 0 0 1 ${g.x} 0 cm ${g.path} f Q`);
  page.pushOperators(pushGraphicsState(), setFillingColor(color), rawOperators(line.join('\n')), popGraphicsState());
}

export const outlineWidth = (text: string, size: number) => {
  const o = textOutline(text);
  return (o.advance * size) / o.unitsPerEm;
};

/** The seal with outlined text, for signature appearances (no font embedded). */
export function drawOutlinedSeal(page: PDFPage, cx: number, cy: number, radius: number, text: SealText) {
  const color = sealRed;
  page.drawCircle({ x: cx, y: cy, size: radius, borderColor: color, borderWidth: radius * 0.045, opacity: 0 });
  const chars = [...text.arc];
  const charSize = Math.min(radius * 0.24, (radius * 0.75 * Math.PI * 1.3) / Math.max(chars.length, 1));
  const span = Math.min(240, chars.length * 30) * (Math.PI / 180);
  const rText = radius * 0.88 - charSize;
  chars.forEach((ch, i) => {
    const theta = Math.PI / 2 + span / 2 - (chars.length === 1 ? span / 2 : (span * i) / (chars.length - 1));
    const w = outlineWidth(ch, charSize);
    const x = cx + rText * Math.cos(theta) - (w / 2) * Math.sin(theta);
    const y = cy + rText * Math.sin(theta) + (w / 2) * Math.cos(theta);
    drawOutlinedText(page, ch, x, y, charSize, color, (theta * 180) / Math.PI - 90);
  });
  drawStar(page, cx, cy + radius * 0.08, radius * 0.3);
  text.lines.forEach((line, i) => {
    const s = radius * (i === 0 ? 0.17 : 0.19);
    drawOutlinedText(page, line, cx - outlineWidth(line, s) / 2, cy - radius * (0.42 + i * 0.25), s, color);
  });
}
