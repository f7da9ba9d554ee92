import { PDFDict, type PDFDocument, PDFName, type PDFObject, PDFRef } from 'pdf-lib';

/**
 * Appends the objects a change made to a loaded PDF as an incremental update (PDF 32000-1
 * §7.5.6), leaving the original bytes — and the byte ranges earlier signatures cover — intact.
 * pdf-lib itself only rewrites whole files, so: every object numbered above the original's
 * largest, plus the changed objects the caller names, then an xref section and a trailer with
 * /Prev. The original must have a classic xref table (saved with `useObjectStreams: false`).
 */
export function appendIncrementalUpdate(
  original: Uint8Array,
  doc: PDFDocument,
  previousLargestObjectNumber: number,
  changed: PDFRef[],
): Buffer {
  const changedNumbers = new Set(changed.map((r) => r.objectNumber));
  const objects = doc.context
    .enumerateIndirectObjects()
    .filter(([ref]) => ref.objectNumber > previousLargestObjectNumber || changedNumbers.has(ref.objectNumber))
    .sort(([a], [b]) => a.objectNumber - b.objectNumber);

  const parts: Buffer[] = [];
  let offset = original.length;
  const push = (b: Buffer) => {
    parts.push(b);
    offset += b.length;
  };
  if (original[original.length - 1] !== 0x0a) push(Buffer.from('\n'));
  const offsets = new Map<number, number>();
  for (const [ref, object] of objects) {
    offsets.set(ref.objectNumber, offset);
    push(Buffer.from(`${ref.objectNumber} ${ref.generationNumber} obj\n`, 'latin1'));
    push(serialize(object));
    push(Buffer.from('\nendobj\n', 'latin1'));
  }

  const xrefAt = offset;
  const lines = ['xref'];
  // Subsections of consecutive object numbers.
  const numbers = [...offsets.keys()].sort((a, b) => a - b);
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && (numbers[j + 1] as number) === (numbers[j] as number) + 1) j++;
    lines.push(`${numbers[i]} ${j - i + 1}`);
    for (let k = i; k <= j; k++) {
      const n = numbers[k] as number;
      const gen = objects.find(([r]) => r.objectNumber === n)?.[0].generationNumber ?? 0;
      lines.push(`${String(offsets.get(n)).padStart(10, '0')} ${String(gen).padStart(5, '0')} n\r`);
    }
    i = j + 1;
  }
  const info = doc.context.trailerInfo;
  const trailer = [
    `/Size ${doc.context.largestObjectNumber + 1}`,
    `/Root ${String(info.Root)}`,
    info.Info ? `/Info ${String(info.Info)}` : '',
    info.ID ? `/ID ${String(info.ID)}` : '',
    `/Prev ${lastStartXref(original)}`,
  ]
    .filter(Boolean)
    .join(' ');
  push(Buffer.from(`${lines.join('\n')}\ntrailer\n<< ${trailer} >>\nstartxref\n${xrefAt}\n%%EOF\n`, 'latin1'));
  return Buffer.concat([Buffer.from(original), ...parts]);
}

/** The objects a signature placeholder touches besides new ones: page, catalog, AcroForm, Annots. */
export function placeholderTouched(doc: PDFDocument, pageRef: PDFRef): PDFRef[] {
  const refs = [pageRef];
  const root = doc.context.trailerInfo.Root;
  if (root instanceof PDFRef) refs.push(root);
  const acroForm = doc.catalog.get(PDFName.of('AcroForm'));
  if (acroForm instanceof PDFRef) refs.push(acroForm);
  const page = doc.context.lookup(pageRef);
  const annots = page instanceof PDFDict ? page.get(PDFName.of('Annots')) : undefined;
  if (annots instanceof PDFRef) refs.push(annots);
  return refs;
}

function serialize(object: PDFObject): Buffer {
  const bytes = new Uint8Array(object.sizeInBytes());
  object.copyBytesInto(bytes, 0);
  return Buffer.from(bytes);
}

function lastStartXref(pdf: Uint8Array): number {
  const tail = Buffer.from(pdf.subarray(Math.max(0, pdf.length - 2048))).toString('latin1');
  const match = [...tail.matchAll(/startxref\s+(\d+)/g)].pop();
  if (!match?.[1]) throw new Error('PDF has no startxref');
  return Number(match[1]);
}
