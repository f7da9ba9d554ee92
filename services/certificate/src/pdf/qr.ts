import { type PDFPage, popGraphicsState, pushGraphicsState, setFillingColor } from 'pdf-lib';
import QRCode from 'qrcode';
import { black } from './layout';
import { num, rawOperators } from './raw-content';

/** Draws a QR code as one vector path (sharp at any zoom, a few hundred bytes); (x, y) its bottom-left corner. */
export function drawQr(page: PDFPage, text: string, x: number, y: number, size: number) {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 2;
  const cell = size / (n + 2 * quiet);
  // One rectangle per run of dark modules in a row, in module units under one transform (PDF
  // space, y up: row 0 at the top).
  const parts: string[] = [];
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; ) {
      if (!qr.modules.get(row, col)) {
        col++;
        continue;
      }
      let end = col;
      while (end < n && qr.modules.get(row, end)) end++;
      parts.push(`${col + quiet} ${n + quiet - row - 1} ${end - col} 1 re`);
      col = end;
    }
  }
  page.pushOperators(
    pushGraphicsState(),
    setFillingColor(black),
    rawOperators(`${num(cell, 6)} 0 0 ${num(cell, 6)} ${num(x)} ${num(y)} cm\n${parts.join('\n')}\nf`),
    popGraphicsState(),
  );
}
