import { type PDFDocument, type PDFObject, PDFRawStream } from 'pdf-lib';

/**
 * Appends what a change made to a loaded PDF as an incremental update (PDF 32000-1 §7.5.6),
 * leaving the original bytes — and the byte ranges earlier signatures cover — intact. pdf-lib
 * itself only rewrites whole files, so: take `loadedObjects(doc)` right after loading, change the
 * document, then this writes every object that is new or whose bytes changed, an xref section
 * for exactly those, and a trailer with /Prev. Comparing bytes rather than naming the changed
 * objects means nothing a library touched behind the caller's back is left out. A loaded stream
 * is compared by its dictionary's bytes and the identity of its (never decoded) contents, so a
 * font program is not copied twice per signature. The original must have a classic xref table
 * (saved with `useObjectStreams: false`).
 */
export function appendIncrementalUpdate(original: Uint8Array, doc: PDFDocument, loaded: LoadedObjects): Buffer {
  const objects = doc.context
    .enumerateIndirectObjects()
    .filter(([ref, object]) => !unchanged(loaded.get(ref.tag), object))
    .map(([ref, object]) => ({ ref, bytes: serialize(object) }))
    .sort((a, b) => a.ref.objectNumber - b.ref.objectNumber);

  const parts: Buffer[] = [];
  let offset = original.length;
  const push = (b: Buffer) => {
    parts.push(b);
    offset += b.length;
  };
  if (original[original.length - 1] !== 0x0a) push(Buffer.from('\n'));
  const entries: { number: number; generation: number; offset: number }[] = [];
  for (const { ref, bytes } of objects) {
    entries.push({ number: ref.objectNumber, generation: ref.generationNumber, offset });
    push(Buffer.from(`${ref.objectNumber} ${ref.generationNumber} obj\n`, 'latin1'));
    push(bytes);
    push(Buffer.from('\nendobj\n', 'latin1'));
  }

  const xrefAt = offset;
  const lines = ['xref'];
  // Subsections of consecutive object numbers; each entry exactly 20 bytes.
  for (let i = 0; i < entries.length; ) {
    let j = i;
    while (j + 1 < entries.length && entries[j + 1]?.number === (entries[j]?.number ?? 0) + 1) j++;
    lines.push(`${entries[i]?.number} ${j - i + 1}`);
    for (const e of entries.slice(i, j + 1)) {
      lines.push(`${String(e.offset).padStart(10, '0')} ${String(e.generation).padStart(5, '0')} n\r`);
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

/** Each indirect object as loaded, by its reference ("12 0 R"): its bytes, or a stream's dictionary and contents. */
export type LoadedObjects = Map<string, Loaded>;
type Loaded = Buffer | { dict: Buffer; contents: Uint8Array };

export function loadedObjects(doc: PDFDocument): LoadedObjects {
  return new Map(doc.context.enumerateIndirectObjects().map(([ref, object]) => [ref.tag, fingerprint(object)]));
}

function fingerprint(object: PDFObject): Loaded {
  return object instanceof PDFRawStream
    ? { dict: serialize(object.dict), contents: object.contents }
    : serialize(object);
}

function unchanged(loaded: Loaded | undefined, object: PDFObject): boolean {
  if (!loaded) return false;
  if (Buffer.isBuffer(loaded)) return !(object instanceof PDFRawStream) && loaded.equals(serialize(object));
  return (
    object instanceof PDFRawStream && object.contents === loaded.contents && loaded.dict.equals(serialize(object.dict))
  );
}

/**
 * Text as the contents of a PDF literal string, for APIs that write their argument's character
 * codes as bytes (pdf-lib's PDFString.of, which @signpdf's placeholder uses): UTF-16BE with a
 * byte-order mark unless ASCII, and ( ) \ CR LF escaped. Written as is, a CJK name's low bytes can
 * be an unbalanced parenthesis, or a backslash before the closing one (作 is U+4F5C), and every
 * object after it parses wrongly.
 */
export function literalStringContents(text: string): string {
  const bytes = /^[\x20-\x7e]*$/.test(text)
    ? Buffer.from(text, 'latin1')
    : Buffer.from(`\ufeff${text}`, 'utf16le').swap16();
  const escapes: Record<number, string> = { 40: '\\(', 41: '\\)', 92: '\\\\', 13: '\\r', 10: '\\n' };
  return Array.from(bytes, (b) => escapes[b] ?? String.fromCharCode(b)).join('');
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
