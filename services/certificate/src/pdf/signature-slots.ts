import { A4, type Rect } from './layout';

/**
 * Where each signer's signature goes on the form's signature page (page 2, as the manual says):
 * one slot per signer in signing order, two columns. A signature lands in the signer's own box
 * (签章处) unless placed elsewhere, and must stay inside the signature area (签章区域): the boxes,
 * clear of the declaration above them.
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

type Size = { width: number; height: number };

/** Where a mark of this size goes by default: bottom right of the signer's own box. */
export function markPlace(count: number, index: number, mark: Size): Rect {
  const slot = signatureSlots(count)[index];
  if (!slot) throw new Error(`no signature slot ${index} of ${count}`);
  const { box } = slot;
  const x = box.x + box.width - mark.width - 10;
  const y = box.y + Math.max(0, Math.min(12, box.height - mark.height));
  return { x, y, ...mark };
}

/** The signature area: every box, and every default place of a mark this size (boxes shrink with many signers). */
export function signatureArea(count: number, mark: Size): Rect {
  const rects = signatureSlots(count).flatMap((s, i) => [s.box, markPlace(count, i, mark)]);
  const x = Math.min(...rects.map((r) => r.x));
  const y = Math.min(...rects.map((r) => r.y));
  const right = Math.max(...rects.map((r) => r.x + r.width));
  const top = Math.max(...rects.map((r) => r.y + r.height));
  return { x, y, width: right - x, height: top - y };
}

/** Whether a mark lies wholly inside an area (to a hundredth of a point, as placements are kept). */
export const within = (mark: Rect, area: Rect) =>
  mark.x >= area.x - 0.01 &&
  mark.y >= area.y - 0.01 &&
  mark.x + mark.width <= area.x + area.width + 0.01 &&
  mark.y + mark.height <= area.y + area.height + 0.01;
