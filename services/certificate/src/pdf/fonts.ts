/// <reference path="./fontkit.d.ts" />
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';
import { documentSettings } from '../settings';
import { type CffFace, CffSubset, fitsFastCffSubset } from './cff-subset';
import './native-deflate';

/**
 * The CJK font, parsed once per process and embedded into each document as a subset.
 *
 * pdf-lib's default `@pdf-lib/fontkit` silently drops most glyphs of CJK subsets and cannot read
 * a TTC, so pdf-lib gets the current fontkit (2.x) through this adapter: `create` returns the
 * face named in the settings (parsed once), and each subset gains the old `encodeStream()` API
 * pdf-lib calls, emitting `encode()`'s bytes once.
 */
type Font = fontkit.Font & { createSubset(): Subset };
interface Subset {
  encode(): Uint8Array;
  encodeStream?: () => unknown;
}

let fontBytes: Uint8Array | undefined;
let parsed: Font | undefined;

function parsedFont(): { bytes: Uint8Array; font: Font } {
  if (!parsed || !fontBytes) {
    const { DOCUMENT_FONT_PATH, DOCUMENT_FONT_FACE } = documentSettings();
    fontBytes = readFileSync(DOCUMENT_FONT_PATH);
    const created = fontkit.create(
      Buffer.from(fontBytes.buffer, fontBytes.byteOffset, fontBytes.length),
      DOCUMENT_FONT_FACE,
    );
    if (!('createSubset' in created)) {
      throw new Error(`font face ${DOCUMENT_FONT_FACE} not found in ${DOCUMENT_FONT_PATH}`);
    }
    parsed = created as Font;
  }
  return { bytes: fontBytes, font: parsed };
}

/** A minimal emitter of the one chunk pdf-lib reads with on('data'|'end'|'error'). */
function onceStream(bytes: Uint8Array) {
  const stream = {
    on(event: string, fn: (arg?: unknown) => void) {
      if (event === 'data') queueMicrotask(() => fn(bytes));
      if (event === 'end') queueMicrotask(() => queueMicrotask(() => fn()));
      return stream;
    },
  };
  return stream;
}

/** `fast`: CFF faces get the cached-charstring subset; `fontkit`: fontkit's own (for comparison). */
export type Subsetter = 'fast' | 'fontkit';

const adapterFor = (subsetter: Subsetter) => ({
  create(_bytes: Uint8Array) {
    const { font } = parsedFont();
    // A wrapper object per document, so each embedding gets its own subset; glyph data is shared.
    return new Proxy(font, {
      get(target, prop, receiver) {
        // Shaping (GSUB/GPOS) is most of the cost and does nothing for Chinese text: one glyph
        // per code point, from the face's own cmap (an SC face maps to SC glyphs).
        if (prop === 'layout') return (text: string) => ({ glyphs: glyphsOf(target, text) });
        if (prop === 'createSubset') {
          return () => {
            // CFF faces (Noto CJK): the cached-charstring subset, not fontkit's (~30 ms each).
            const subset: Subset =
              subsetter === 'fast' && fitsFastCffSubset(target as never)
                ? new CffSubset(target as unknown as CffFace)
                : target.createSubset();
            subset.encodeStream = () => onceStream(subset.encode());
            return subset;
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  },
});
const adapters = { fast: adapterFor('fast'), fontkit: adapterFor('fontkit') };

/** The adapter pdf-lib takes as its fontkit (`doc.registerFontkit`): the face parsed once per process. */
export const cjkFontkit = adapters.fast;

/** Glyphs by code point: fontkit's cmap lookup decodes the table on every call. */
const glyphByCodePoint = new Map<number, fontkit.Glyph>();

function glyphsOf(font: Font, text: string) {
  return Array.from(text, (ch) => {
    const cp = ch.codePointAt(0) ?? 0;
    let glyph = glyphByCodePoint.get(cp);
    if (!glyph) {
      glyph = font.glyphForCodePoint(cp);
      glyphByCodePoint.set(cp, glyph);
    }
    return glyph;
  });
}

/** Embeds the CJK font as a subset; only the characters the document uses are stored. */
export async function embedCjkFont(doc: PDFDocument, seed = '', subsetter: Subsetter = 'fast'): Promise<PDFFont> {
  // biome-ignore lint/suspicious/noExplicitAny: pdf-lib types its fontkit parameter loosely
  doc.registerFontkit(adapters[subsetter] as any);
  const { bytes } = parsedFont();
  return doc.embedFont(bytes, {
    subset: true,
    customName: `${subsetTag(seed)}+${documentSettings().DOCUMENT_FONT_FACE}`,
  });
}

/** The six-letter tag that marks a subset font (ABCDEF+Name); deterministic, so a re-render is byte-identical. */
export function subsetTag(seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  return Array.from(digest.subarray(0, 6), (b) => String.fromCharCode(65 + (b % 26))).join('');
}

/** Characters the font has no glyph for (rare characters of CJK Extension B in a name, say). */
export function missingGlyphs(text: string): string[] {
  const { font } = parsedFont();
  return [...new Set(text)].filter((ch) => !font.hasGlyphForCodePoint(ch.codePointAt(0) ?? 0));
}

/**
 * Text as vector outlines, for marks drawn without embedding the font: a signature's appearance
 * then costs a few KB, not a font subset. Each glyph's outline is PDF path operators in the
 * font's units (y up), made once per glyph per process, with its x offset along the line.
 */
export function textOutline(text: string): {
  glyphs: { path: string; x: number }[];
  advance: number;
  unitsPerEm: number;
} {
  const { font } = parsedFont();
  let x = 0;
  const glyphs: { path: string; x: number }[] = [];
  for (const glyph of glyphsOf(font, text)) {
    const path = glyphPath(glyph);
    if (path) glyphs.push({ path, x });
    x += glyph.advanceWidth;
  }
  return { glyphs, advance: x, unitsPerEm: font.unitsPerEm };
}

const glyphPaths = new Map<number, string>();

function glyphPath(glyph: fontkit.Glyph): string {
  let ops = glyphPaths.get(glyph.id);
  if (ops === undefined) {
    const parts: string[] = [];
    let [x, y] = [0, 0];
    for (const { command, args } of glyph.path.commands) {
      const a = args.map((n) => String(Math.round(n * 100) / 100));
      if (command === 'moveTo') parts.push(`${a[0]} ${a[1]} m`);
      else if (command === 'lineTo') parts.push(`${a[0]} ${a[1]} l`);
      else if (command === 'bezierCurveTo') parts.push(`${a.join(' ')} c`);
      else if (command === 'quadraticCurveTo') {
        // TrueType outlines: the quadratic as the cubic through the same points.
        const [cx = 0, cy = 0, ex = 0, ey = 0] = args;
        const c = [x + (2 / 3) * (cx - x), y + (2 / 3) * (cy - y), ex + (2 / 3) * (cx - ex), ey + (2 / 3) * (cy - ey)];
        parts.push(`${[...c, ex, ey].map((n) => String(Math.round(n * 100) / 100)).join(' ')} c`);
      } else if (command === 'closePath') parts.push('h');
      if (args.length >= 2) [x, y] = [args[args.length - 2] ?? 0, args[args.length - 1] ?? 0];
    }
    ops = parts.join(' ');
    glyphPaths.set(glyph.id, ops);
  }
  return ops;
}
