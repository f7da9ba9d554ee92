import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/** poppler-utils around a PDF in a temporary folder: the tests assert on what they print. */
const run = promisify(execFile);

export async function tempPdf(bytes: Uint8Array, name = 'doc.pdf'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'copyreg-pdf-'));
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}

/** The text in content order (`layout` keeps the columns instead). */
export async function pdftotext(file: string, layout = false): Promise<string> {
  return (await run('pdftotext', [...(layout ? ['-layout'] : []), file, '-'])).stdout;
}

/** A line of text as pdftotext -bbox-layout places it: points from the page's top-left. */
export interface TextBox {
  page: number;
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

/** Each page's size and its lines of text with their boxes. */
export async function textBoxes(
  file: string,
): Promise<{ pages: { width: number; height: number }[]; lines: TextBox[] }> {
  const html = (await run('pdftotext', ['-bbox-layout', file, '-'], { maxBuffer: 64 * 1024 * 1024 })).stdout;
  const pages: { width: number; height: number }[] = [];
  const lines: TextBox[] = [];
  const num = (attrs: string, name: string) => Number(new RegExp(`${name}="([\\d.-]+)"`).exec(attrs)?.[1]);
  for (const [, attrs = '', body = ''] of html.matchAll(/<page([^>]*)>([\s\S]*?)<\/page>/g)) {
    pages.push({ width: num(attrs, 'width'), height: num(attrs, 'height') });
    for (const [, box = '', words = ''] of body.matchAll(/<line([^>]*)>([\s\S]*?)<\/line>/g)) {
      const text = [...words.matchAll(/<word[^>]*>([^<]*)<\/word>/g)].map((w) => w[1]).join(' ');
      lines.push({
        page: pages.length,
        text,
        xMin: num(box, 'xMin'),
        yMin: num(box, 'yMin'),
        xMax: num(box, 'xMax'),
        yMax: num(box, 'yMax'),
      });
    }
  }
  return { pages, lines };
}

/**
 * What every PDF the platform writes must pass: `qpdf --check` finds no error or warning in its
 * structure and cross-reference tables, and poppler renders every page without a word on stderr
 * (a broken xref shows there as "Syntax Error" lines even when pdfsig still validates).
 * Throws with what the tools said.
 */
export async function assertSoundPdf(bytes: Uint8Array): Promise<void> {
  const file = await tempPdf(bytes, 'checked.pdf');
  const qpdf = await run('qpdf', ['--check', file]).catch((err: { stdout?: string; stderr?: string }) => err);
  const said = `${qpdf.stdout ?? ''}${qpdf.stderr ?? ''}`;
  if (!said.includes('No syntax or stream encoding errors found') || /WARNING|ERROR/i.test(qpdf.stderr ?? '')) {
    throw new Error(`qpdf --check: ${said.slice(0, 2000)}`);
  }
  const out = path.join(path.dirname(file), 'render');
  const { stderr } = await run('pdftoppm', ['-r', '20', '-png', file, out]);
  if (stderr.trim()) throw new Error(`pdftoppm: ${stderr.slice(0, 2000)}`);
}

export async function pdffonts(file: string): Promise<string> {
  return (await run('pdffonts', [file])).stdout;
}

/** pdfsig exits 0 even on a digest mismatch: callers assert on its output. */
export async function pdfsig(file: string, nssdir?: string): Promise<string> {
  const args = nssdir ? ['-nssdir', nssdir, file] : [file];
  const { stdout, stderr } = await run('pdfsig', args);
  return stdout + stderr;
}

/** Renders every page to PNG; returns the files. */
export async function pdftoppm(file: string, out: string, dpi = 80, onlyPage?: number): Promise<string[]> {
  const pages = onlyPage ? ['-f', String(onlyPage), '-l', String(onlyPage)] : [];
  await run('pdftoppm', ['-r', String(dpi), ...pages, '-png', file, out]);
  const dir = path.dirname(out);
  const base = path.basename(out);
  return (await readdir(dir)).filter((f) => f.startsWith(base) && f.endsWith('.png')).map((f) => path.join(dir, f));
}

export const readPng = (file: string) => readFile(file);

/** An NSS database trusting the development root, so pdfsig can say "Certificate is Trusted". */
export async function nssTrusting(rootPem: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'copyreg-nss-'));
  const pem = path.join(dir, 'root.pem');
  await writeFile(pem, rootPem);
  await run('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']);
  await run('certutil', ['-A', '-d', `sql:${dir}`, '-n', 'copyreg-development-root', '-t', 'CT,C,C', '-i', pem]);
  return `sql:${dir}`;
}
