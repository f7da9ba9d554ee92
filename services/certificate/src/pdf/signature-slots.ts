import { A4, type Rect } from './layout';

/**
 * Where each signer's signature goes on the form's signature page (page 2, as the manual says):
 * one slot per signer in signing order, two columns. The signature service offers each slot as
 * the default place of a signature; the signer may move it anywhere on the page.
 */
export const SIGNATURE_PAGE_INDEX = 1;
export const SIGNATURE_SIZE = { width: 150, height: 64 } as const;

const top = A4.height - 200;
const margin = 56;
const gap = 16;
const columns = 2;

export function signatureSlots(count: number): (Rect & { box: Rect })[] {
  const boxWidth = (A4.width - 2 * margin - gap) / columns;
  const rows = Math.ceil(count / columns);
  // Shrink the boxes when many signers share the page.
  const boxHeight = Math.min(130, (top - 90) / Math.max(rows, 1) - gap);
  return Array.from({ length: count }, (_, i) => {
    const box = {
      x: margin + (i % columns) * (boxWidth + gap),
      y: top - (Math.floor(i / columns) + 1) * (boxHeight + gap),
      width: boxWidth,
      height: boxHeight,
    };
    const width = Math.min(SIGNATURE_SIZE.width, box.width - 20);
    const height = Math.min(SIGNATURE_SIZE.height, box.height - 40);
    return { x: box.x + box.width - width - 10, y: box.y + 12, width, height, box };
  });
}
