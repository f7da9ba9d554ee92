import type { PDFDocument, PDFFont } from 'pdf-lib';
import { documentSettings } from '../settings';
import { embedCjkFontFile, type FontFile, missingGlyphsIn, type Subsetter, textOutlineIn } from './cjk-font';

/** The documents' CJK font, as the settings name it (DOCUMENT_FONT_PATH, DOCUMENT_FONT_FACE); see cjk-font.ts. */
export type { Subsetter };

const documentFont = (): FontFile => {
  const { DOCUMENT_FONT_PATH, DOCUMENT_FONT_FACE } = documentSettings();
  return { path: DOCUMENT_FONT_PATH, face: DOCUMENT_FONT_FACE };
};

/** Embeds the documents' font as a subset; the tag comes from `seed`, so a re-render is byte-identical. */
export const embedCjkFont = (doc: PDFDocument, seed = '', subsetter: Subsetter = 'fast'): Promise<PDFFont> =>
  embedCjkFontFile(doc, documentFont(), seed, subsetter);

/** Characters the documents' font has no glyph for (rare characters of CJK Extension B in a name, say). */
export const missingGlyphs = (text: string): string[] => missingGlyphsIn(documentFont(), text);

/** Text as vector outlines in the documents' font (signature appearances). */
export const textOutline = (text: string) => textOutlineIn(documentFont(), text);
