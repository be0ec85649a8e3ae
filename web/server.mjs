// server.mjs — the project's HTTP server on 127.0.0.1: serves the
// repository's files (the demo page, the JS host, built programs) with the
// right types, and the demo crawler's synthetic site (web/site.mjs, under
// /demo/site/). `npm start` runs it for the demo; the browser tests start
// it on a free port. Run directly: node web/server.mjs [port]
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { siteRoutes } from './site.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const types = {
  '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript', '.js': 'text/javascript',
  '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.c': 'text/plain; charset=utf-8',
  '.h': 'text/plain; charset=utf-8', '.md': 'text/plain; charset=utf-8',
};

async function serveFile(req, res) {
  const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const file = normalize(join(root, path.endsWith('/') ? path + 'index.html' : path));
  const parts = file.slice(root.length).split(sep);
  if (!file.startsWith(root) || parts.includes('node_modules') || parts.some((p) => p.startsWith('.'))) {
    res.writeHead(403).end('forbidden');
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(body);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
  }
}

/** Start the server; resolves to {server, url}. Port 0 picks a free one.
 * `routes(req, res)` may answer a request first (returning true). */
export function startServer({ port = 0, host = '127.0.0.1', routes } = {}) {
  const server = createServer((req, res) => {
    if (routes?.(req, res) || siteRoutes(req, res)) return;
    if (req.url === '/') {
      res.writeHead(302, { location: '/web/' }).end();
      return;
    }
    serveFile(req, res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve({ server, url: `http://${host}:${server.address().port}` }));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = process.argv[2] ?? process.env.PORT ?? '8080';
  const port = Number(arg);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`weft demo: "${arg}" is not a port number; try: npm start -- 8090`);
    process.exit(2);
  }
  try {
    const { url } = await startServer({ port });
    console.log(`weft demo: ${url}/web/`);
  } catch (e) {
    console.error(e.code === 'EADDRINUSE'
      ? `weft demo: port ${port} is in use; pick another: npm start -- 8090 (or PORT=8090 npm start)`
      : `weft demo: cannot listen on port ${port}: ${e.message}`);
    process.exit(1);
  }
}
