// fontkit 2 ships no types; the few members used here.
declare module 'fontkit' {
  export interface Font {
    postscriptName: string;
    hasGlyphForCodePoint(codePoint: number): boolean;
    glyphForCodePoint(codePoint: number): Glyph;
    unitsPerEm: number;
  }
  export interface Glyph {
    id: number;
    advanceWidth: number;
    path: { toSVG(): string; commands: { command: string; args: number[] }[] };
  }
  export interface FontCollection {
    fonts: Font[];
  }
  export function create(buffer: Buffer, postscriptName?: string): Font | FontCollection;
}
