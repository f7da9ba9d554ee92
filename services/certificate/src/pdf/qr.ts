import type { PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';
import { black } from './layout';

/** Draws a QR code as one vector path (sharp at any zoom, a few hundred bytes). */
export function drawQr(page: PDFPage, text: string, x: number, y: number, size: number) {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 2;
  const cell = size / (n + 2 * quiet);
  const parts: string[] = [];
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      if (!qr.modules.get(row, col)) continue;
      const px = (col + quiet) * cell;
      const py = (row + quiet) * cell;
      parts.push(`M${px.toFixed(2)} ${py.toFixed(2)}h${cell.toFixed(2)}v${cell.toFixed(2)}h-${cell.toFixed(2)}Z`);
    }
  }
  // drawSvgPath's origin is the top-left corner, y downwards.
  page.drawSvgPath(parts.join(''), { x, y: y + size, color: black, borderWidth: 0 });
}
