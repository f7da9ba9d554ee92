import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A proxy in front of a service that loses answers: of the requests to a path that `loses` picks,
 * the first that the service carries out (a 2xx answer) has its answer dropped: the proxy closes the
 * connection instead of passing it on, as when a service is killed after it sent a workflow update
 * or a network drops the reply. The client sees no answer and sends the command again.
 */
export async function lossyProxy(target: string, loses: (method: string, path: string) => boolean) {
  const seen = new Set<string>();
  /** The commands whose answer was dropped, as `METHOD path`. */
  const lost: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const upstream = http.request(new URL(path, target), { method, headers: req.headers }, (answer) => {
        const status = answer.statusCode ?? 502;
        const drop = loses(method, path) && status < 300 && !seen.has(`${method} ${path}`);
        if (drop) {
          seen.add(`${method} ${path}`);
          answer.resume();
          answer.on('end', () => {
            lost.push(`${method} ${path} (${status})`);
            req.socket.destroy();
          });
          return;
        }
        res.writeHead(status, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    lost,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
