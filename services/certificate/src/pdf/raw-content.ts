import { PDFOperator } from 'pdf-lib';

/**
 * Content-stream operators written as text, pushed with `page.pushOperators` in drawing order.
 * For paths of many segments (glyph outlines, a QR code's modules): pdf-lib's drawSvgPath parses
 * an SVG string and builds an object per segment, which cost more than the rest of a stamp.
 * The text must be complete operators (a balanced q … Q).
 */
export function rawOperators(text: string): PDFOperator {
  const bytes = Buffer.from(text, 'latin1'); // pdf-lib ends each operator with a newline
  // A PDFOperator (pushOperators checks the class) that writes its text as is.
  return Object.assign(Object.create(PDFOperator.prototype) as PDFOperator, {
    toString: () => text,
    sizeInBytes: () => bytes.length,
    copyBytesInto(buffer: Uint8Array, offset: number) {
      buffer.set(bytes, offset);
      return bytes.length;
    },
  });
}

/** A number as content streams write it: fixed decimals (no exponent), trailing zeros trimmed. */
export const num = (n: number, decimals = 3) => {
  const s = n.toFixed(decimals).replace(/\.?0+$/, '');
  return s === '-0' || s === '' ? '0' : s;
};
