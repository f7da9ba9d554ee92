/// <reference path="./fontkit.d.ts" />
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import type { PDFDocument, PDFFont } from 'pdf-lib';
import { type CffFace, CffSubset, fitsFastCffSubset } from './cff-subset';
import './native-deflate';

/**
 * CJK fonts for pdf-lib, each face parsed once per process and embedded into each document as a
 * subset. No settings here (src/pdf/fonts.ts binds the certificate's; the invoice passes its own),
 * so another service can import this module alone.
 *
 * pdf-lib's default `@pdf-lib/fontkit` silently drops most glyphs of CJK subsets and cannot read
 * a TTC, so pdf-lib gets the current fontkit (2.x) through this adapter: `create` returns the
 * face (parsed once), and each subset gains the old `encodeStream()` API pdf-lib calls, emitting
 * `encode()`'s bytes once. CFF faces (Noto CJK) get the cached-charstring subset of
 * cff-subset.ts instead of fontkit's (~30 ms of CPU each).
 */
export interface FontFile {
  /** An OTF/TTF, or a TTC with `face` its PostScript name. */
  path: string;
  face: string;
}

type Font = fontkit.Font & { createSubset(): Subset };
interface Subset {
  encode(): Uint8Array;
  encodeStream?: () => unknown;
}
interface Face {
  bytes: Uint8Array;
  font: Font;
  /** Glyphs by code point: fontkit's cmap lookup decodes the table on every call. */
  glyphs: Map<number, fontkit.Glyph>;
  /** Each glyph's outline as PDF path operators. */
  paths: Map<number, string>;
}

const faces = new Map<string, Face>();

function loadFace({ path, face }: FontFile): Face {
  const key = `${path}\0${face}`;
  let loaded = faces.get(key);
  if (!loaded) {
    const bytes = readFileSync(path);
    const created = fontkit.create(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), face);
    if (!('createSubset' in created)) throw new Error(`font face ${face} not found in ${path}`);
    loaded = { bytes, font: created as Font, glyphs: new Map(), paths: new Map() };
    faces.set(key, loaded);
  }
  return loaded;
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

const adapters = new Map<string, unknown>();

/** The object pdf-lib takes as its fontkit (`doc.registerFontkit`) for this face. */
export function cjkFontkit(file: FontFile, subsetter: Subsetter = 'fast'): unknown {
  const key = `${file.path}\0${file.face}\0${subsetter}`;
  let adapter = adapters.get(key);
  if (!adapter) {
    adapter = {
      create(_bytes: Uint8Array) {
        const face = loadFace(file);
        // A wrapper object per document, so each embedding gets its own subset; glyph data is shared.
        return new Proxy(face.font, {
          get(target, prop, receiver) {
            // Shaping (GSUB/GPOS) is most of the cost and does nothing for Chinese text: one glyph
            // per code point, from the face's own cmap (an SC face maps to SC glyphs).
            if (prop === 'layout') return (text: string) => ({ glyphs: glyphsOf(face, text) });
            if (prop === 'createSubset') {
              return () => {
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
    };
    adapters.set(key, adapter);
  }
  return adapter;
}

function glyphsOf(face: Face, text: string) {
  return Array.from(text, (ch) => {
    const cp = ch.codePointAt(0) ?? 0;
    let glyph = face.glyphs.get(cp);
    if (!glyph) {
      glyph = face.font.glyphForCodePoint(cp);
      face.glyphs.set(cp, glyph);
    }
    return glyph;
  });
}

/**
 * Embeds the face as a subset named `ABCDEF+Face` (only the characters the document uses are
 * stored); the tag comes from `seed`, so a re-render is byte-identical.
 */
export async function embedCjkFontFile(
  doc: PDFDocument,
  file: FontFile,
  seed = '',
  subsetter: Subsetter = 'fast',
): Promise<PDFFont> {
  // biome-ignore lint/suspicious/noExplicitAny: pdf-lib types its fontkit parameter loosely
  doc.registerFontkit(cjkFontkit(file, subsetter) as any);
  return doc.embedFont(loadFace(file).bytes, { subset: true, customName: `${subsetTag(seed)}+${file.face}` });
}

/** The six-letter tag that marks a subset font (ABCDEF+Name). */
export function subsetTag(seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  return Array.from(digest.subarray(0, 6), (b) => String.fromCharCode(65 + (b % 26))).join('');
}

/** Characters the face has no glyph for (rare characters of CJK Extension B in a name, say). */
export function missingGlyphsIn(file: FontFile, text: string): string[] {
  const { font } = loadFace(file);
  return [...new Set(text)].filter((ch) => !font.hasGlyphForCodePoint(ch.codePointAt(0) ?? 0));
}

/**
 * Text as vector outlines, for marks drawn without embedding the font: a signature's appearance
 * then costs a few KB, not a font subset. Each glyph's outline is PDF path operators in the
 * font's units (y up), made once per glyph per process, with its x offset along the line.
 */
export function textOutlineIn(
  file: FontFile,
  text: string,
): { glyphs: { path: string; x: number }[]; advance: number; unitsPerEm: number } {
  const face = loadFace(file);
  let x = 0;
  const glyphs: { path: string; x: number }[] = [];
  for (const glyph of glyphsOf(face, text)) {
    const path = glyphPath(face, glyph);
    if (path) glyphs.push({ path, x });
    x += glyph.advanceWidth;
  }
  return { glyphs, advance: x, unitsPerEm: face.font.unitsPerEm };
}

function glyphPath(face: Face, glyph: fontkit.Glyph): string {
  let ops = face.paths.get(glyph.id);
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
    face.paths.set(glyph.id, ops);
  }
  return ops;
}
