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
