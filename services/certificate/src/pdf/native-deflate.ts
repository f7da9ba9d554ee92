import { createRequire } from 'node:module';
import { deflateSync } from 'node:zlib';

/**
 * pdf-lib compresses content and font streams with pako, zlib in JavaScript (about a tenth of a
 * document's CPU). It takes no compressor option, so its own pako module's `deflate` is pointed
 * at Node's native zlib, once per process, for the pdf-lib this package loads. The output is
 * zlib format at the same default level; only calls without options are redirected.
 */
const require = createRequire(import.meta.url);
const pako = createRequire(require.resolve('pdf-lib'))('pako') as {
  deflate: (data: Uint8Array, options?: unknown) => Uint8Array;
  nativeDeflate?: boolean;
};
if (!pako.nativeDeflate) {
  const jsDeflate = pako.deflate;
  pako.deflate = (data, options) => (options === undefined ? deflateSync(data) : jsDeflate(data, options));
  pako.nativeDeflate = true;
}
