/**
 * A fast subset of a CFF-outline (OpenType/CFF) font for PDF embedding, in place of fontkit's.
 *
 * fontkit's CFF subset keeps the face's subroutine indexes whole (every unused subroutine as a
 * stub), so a subset of a CJK face costs ~30 ms of CPU whatever its size. This one writes each
 * glyph's outline as a plain Type 2 charstring (rmoveto / rlineto / rrcurveto, no subroutines and
 * no hints), cached per glyph for the life of the process, into a minimal CID-keyed CFF with one
 * Font DICT: a document's subset is then a concatenation. Hints are dropped: poppler renders
 * without hinting anyway, and the outlines are the face's own.
 *
 * Glyph widths come from the PDF's /W array (pdf-lib writes it from the face's metrics); the
 * charstrings carry the advance too, for tools that read the font program alone.
 */
export interface CffFace {
  postscriptName: string;
  unitsPerEm: number;
  bbox: { minX: number; minY: number; maxX: number; maxY: number };
  getGlyph(id: number): { id: number; advanceWidth: number; path: { commands: PathCommand[] } };
}
interface PathCommand {
  command: string;
  args: number[];
}

/** Only faces with 1000 units per em: the CFF's default FontMatrix. */
export const fitsFastCffSubset = (face: { unitsPerEm: number; 'CFF '?: unknown }) =>
  face.unitsPerEm === 1000 && Boolean(face['CFF ']);

const charstrings = new WeakMap<CffFace, Map<number, Uint8Array>>();

/** The subset pdf-lib drives: includeGlyph() as text is encoded, then encode() once. */
export class CffSubset {
  /** pdf-lib embeds a subset with `cff` set as CIDFontType0 / FontFile3 (CIDFontType0C). */
  readonly cff = true;
  readonly glyphs: number[] = [];
  private readonly mapping = new Map<number, number>();

  constructor(private readonly face: CffFace) {
    this.includeGlyph(0); // .notdef
  }

  includeGlyph(glyph: number | { id: number }): number {
    const id = typeof glyph === 'number' ? glyph : glyph.id;
    let subsetId = this.mapping.get(id);
    if (subsetId === undefined) {
      subsetId = this.glyphs.length;
      this.glyphs.push(id);
      this.mapping.set(id, subsetId);
    }
    return subsetId;
  }

  encode(): Uint8Array {
    let cache = charstrings.get(this.face);
    if (!cache) {
      cache = new Map();
      charstrings.set(this.face, cache);
    }
    const strings = this.glyphs.map((id) => {
      let cs = cache.get(id);
      if (!cs) {
        cs = charstring(this.face.getGlyph(id));
        cache.set(id, cs);
      }
      return cs;
    });
    return cffFont(this.face, strings);
  }
}

/** A glyph's outline as a Type 2 charstring: advance, then the contours in relative moves. */
export function charstring(glyph: { advanceWidth: number; path: { commands: PathCommand[] } }): Uint8Array {
  const out = new Writer();
  let x = 0;
  let y = 0;
  let first = true;
  const deltas = (args: number[]) =>
    args.map((v, i) => {
      const q = quantise(v);
      const d = i % 2 === 0 ? q - x : q - y;
      if (i % 2 === 0) x = q;
      else y = q;
      return d;
    });
  const op = (operands: number[], operator: number) => {
    // The advance goes before the first stack-clearing operator (nominalWidthX is 0).
    if (first) out.charstringNumber(quantise(glyph.advanceWidth));
    first = false;
    for (const n of operands) out.charstringNumber(n);
    out.byte(operator);
  };
  for (const { command, args } of glyph.path.commands) {
    if (command === 'moveTo') op(deltas(args), 21);
    else if (command === 'lineTo') op(deltas(args), 5);
    else if (command === 'bezierCurveTo') op(deltas(args), 8);
    else if (command === 'quadraticCurveTo') {
      const [cx = 0, cy = 0, ex = 0, ey = 0] = args;
      const [sx, sy] = [x, y];
      op(
        deltas([
          sx + (2 / 3) * (cx - sx),
          sy + (2 / 3) * (cy - sy),
          ex + (2 / 3) * (cx - ex),
          ey + (2 / 3) * (cy - ey),
          ex,
          ey,
        ]),
        8,
      );
    } else if (command !== 'closePath') throw new Error(`unexpected path command ${command}`);
  }
  op([], 14); // endchar
  return out.bytes();
}

/** Coordinates as the charstring stores them: integers, or 16.16 fixed point. */
const quantise = (v: number) => (Number.isInteger(v) ? v : Math.round(v * 65536) / 65536);

/** A CID-keyed CFF (Adobe-Identity-0) with one Font DICT, empty subroutine indexes, CID = GID. */
function cffFont(face: CffFace, strings: Uint8Array[]): Uint8Array {
  const name = new TextEncoder().encode(face.postscriptName);
  const nameIndex = index([name]);
  const stringIndex = index(['Adobe', 'Identity'].map((s) => new TextEncoder().encode(s)));
  const globalSubrs = index([]);
  const n = strings.length;
  const charset =
    n > 1
      ? new Writer()
          .byte(2)
          .card16(1)
          .card16(n - 2)
          .bytes()
      : new Uint8Array([0]);
  const fdSelect = new Writer().byte(3).card16(1).card16(0).byte(0).card16(n).bytes();
  const charStrings = index(strings);
  const privateDict = new Writer().dictNumber(0).byte(21).bytes(); // nominalWidthX 0
  const b = face.bbox;
  // The Top DICT's offsets are written as 5-byte integers, so its size is known before them.
  const topDict = (o: { charset: number; fdSelect: number; charStrings: number; fdArray: number }) =>
    new Writer()
      .dictNumber(391)
      .dictNumber(392)
      .dictNumber(0)
      .byte(12)
      .byte(30) // ROS Adobe Identity 0
      .dictNumber(n)
      .byte(12)
      .byte(34) // CIDCount
      .dictNumber(Math.floor(b.minX))
      .dictNumber(Math.floor(b.minY))
      .dictNumber(Math.ceil(b.maxX))
      .dictNumber(Math.ceil(b.maxY))
      .byte(5) // FontBBox
      .int32(o.charset)
      .byte(15)
      .int32(o.fdSelect)
      .byte(12)
      .byte(37)
      .int32(o.charStrings)
      .byte(17)
      .int32(o.fdArray)
      .byte(12)
      .byte(36)
      .bytes();
  const topSize = index([topDict({ charset: 0, fdSelect: 0, charStrings: 0, fdArray: 0 })]).length;
  const header = new Uint8Array([1, 0, 4, 4]);
  const at = {
    charset: header.length + nameIndex.length + topSize + stringIndex.length + globalSubrs.length,
    fdSelect: 0,
    charStrings: 0,
    fdArray: 0,
  };
  at.fdSelect = at.charset + charset.length;
  at.charStrings = at.fdSelect + fdSelect.length;
  at.fdArray = at.charStrings + charStrings.length;
  const fontDict = (privateAt: number) => new Writer().int32(privateDict.length).int32(privateAt).byte(18).bytes(); // Private size offset
  const fdArraySize = index([fontDict(0)]).length;
  const fdArray = index([fontDict(at.fdArray + fdArraySize)]);
  const parts = [
    header,
    nameIndex,
    index([topDict(at)]),
    stringIndex,
    globalSubrs,
    charset,
    fdSelect,
    charStrings,
    fdArray,
    privateDict,
  ];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** A CFF INDEX: count, offset size, offsets from 1, data. */
function index(items: Uint8Array[]): Uint8Array {
  if (!items.length) return new Uint8Array([0, 0]);
  const dataSize = items.reduce((s, i) => s + i.length, 0);
  const offSize = dataSize + 1 < 0x100 ? 1 : dataSize + 1 < 0x10000 ? 2 : dataSize + 1 < 0x1000000 ? 3 : 4;
  const out = new Uint8Array(3 + (items.length + 1) * offSize + dataSize);
  out[0] = items.length >> 8;
  out[1] = items.length & 0xff;
  out[2] = offSize;
  let p = 3;
  let offset = 1;
  const writeOffset = (v: number) => {
    for (let k = offSize - 1; k >= 0; k--) out[p++] = (v >> (8 * k)) & 0xff;
  };
  writeOffset(offset);
  for (const item of items) {
    offset += item.length;
    writeOffset(offset);
  }
  for (const item of items) {
    out.set(item, p);
    p += item.length;
  }
  return out;
}

class Writer {
  private readonly parts: number[] = [];

  byte(b: number) {
    this.parts.push(b & 0xff);
    return this;
  }

  card16(v: number) {
    return this.byte(v >> 8).byte(v);
  }

  int32(v: number) {
    return this.byte(29)
      .byte(v >> 24)
      .byte(v >> 16)
      .byte(v >> 8)
      .byte(v);
  }

  /** A DICT operand (integers only). */
  dictNumber(v: number) {
    if (v >= -107 && v <= 107) return this.byte(v + 139);
    if (v >= 108 && v <= 1131) return this.byte(((v - 108) >> 8) + 247).byte(v - 108);
    if (v >= -1131 && v <= -108) return this.byte(((-v - 108) >> 8) + 251).byte(-v - 108);
    if (v >= -32768 && v <= 32767) return this.byte(28).card16(v);
    return this.int32(v);
  }

  /** A Type 2 charstring operand: an integer, or 16.16 fixed point. */
  charstringNumber(v: number) {
    if (!Number.isInteger(v)) {
      const fixed = Math.round(v * 65536);
      return this.byte(255)
        .byte(fixed >> 24)
        .byte(fixed >> 16)
        .byte(fixed >> 8)
        .byte(fixed);
    }
    if (v >= -107 && v <= 107) return this.byte(v + 139);
    if (v >= 108 && v <= 1131) return this.byte(((v - 108) >> 8) + 247).byte(v - 108);
    if (v >= -1131 && v <= -108) return this.byte(((-v - 108) >> 8) + 251).byte(-v - 108);
    if (v >= -32768 && v <= 32767) return this.byte(28).card16(v);
    throw new Error(`charstring operand out of range: ${v}`);
  }

  bytes() {
    return Uint8Array.from(this.parts);
  }
}
