// http-fixture.mjs — the test endpoints under /t/ on the project's server
// (web/server.mjs), on 127.0.0.1: slow, chunked, gated, status codes, echo,
// redirect, binary, a large streamed body and a connection destroyed
// mid-body. It counts concurrent requests so tests can see real overlap.
import { startServer } from '../web/server.mjs';

export const BIG_PIECE = 64 * 1024;
/** Byte i of /t/big: the C test recomputes it. */
export const bigByte = (i) => (i * 31 + 7) & 255;

export async function startFixture() {
  const stats = { active: 0, maxActive: 0, requests: 0 };
  const gates = new Map(); // /t/gated bodies waiting for their /t/release
  const crowd = new Set(); // requests /t/crowd holds until n are open at once
  const piece = Buffer.alloc(BIG_PIECE);
  for (let i = 0; i < BIG_PIECE; i++) piece[i] = bigByte(i);
  const routes = (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (!url.pathname.startsWith('/t/')) return false;
    stats.requests++;
    stats.active++;
    stats.maxActive = Math.max(stats.maxActive, stats.active);
    res.on('close', () => { stats.active--; });
    const q = (k, d) => Number(url.searchParams.get(k) ?? d);
    const [, , what, arg] = url.pathname.split('/');
    switch (what) {
      case 'hello':
        res.writeHead(200, 'Fine Thanks', { 'content-type': 'text/plain', 'x-weft': 'yes' }).end('hello from weft');
        break;
      case 'status':
        res.writeHead(Number(arg), { 'content-type': 'text/plain' }).end(`status ${arg}`);
        break;
      case 'echo': {
        const chunks = [];
        req.on('data', (c) => chunks.push(c));
        req.on('end', () => {
          const headers = { 'x-echo-method': req.method };
          for (const [k, v] of Object.entries(req.headers)) if (k.startsWith('x-')) headers[`x-echo-${k}`] = v;
          res.writeHead(200, { ...headers, 'content-type': 'application/octet-stream' }).end(Buffer.concat(chunks));
        });
        break;
      }
      case 'redirect':
        res.writeHead(302, { location: '/t/hello' }).end();
        break;
      case 'bytes': {
        const all = Buffer.alloc(1024);
        for (let i = 0; i < 1024; i++) all[i] = i & 255;
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(all);
        break;
      }
      case 'chunked': {
        res.writeHead(200, { 'content-type': 'text/plain' }); // no length: chunked encoding
        let i = 0;
        const n = q('n', 5);
        const next = () => {
          if (res.destroyed) return; // the client went away: stop (no timers left behind)
          if (i === n) return res.end();
          res.write(`chunk ${i++}\n`);
          setTimeout(next, q('ms', 20));
        };
        next();
        break;
      }
      case 'gated': { // half a body, the rest once /t/release?id= for it arrives
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('part 1\n');
        gates.set(arg, () => res.end('part 2\n'));
        res.on('close', () => gates.delete(arg));
        break;
      }
      case 'release':
        gates.get(arg)?.();
        gates.delete(arg);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('released');
        break;
      case 'crowd': { // held until n of them are open at once, then all answered as /t/slow is (503 after 30 s)
        const n = q('n', 2);
        const answer = (code) => res.writeHead(code, { 'content-type': 'text/plain' }).end(code === 200 ? 'slow' : 'crowd never gathered');
        const member = { answer, timer: setTimeout(() => { crowd.delete(member); answer(503); }, 30000) };
        crowd.add(member);
        res.on('close', () => { clearTimeout(member.timer); crowd.delete(member); });
        if (crowd.size >= n) {
          const all = [...crowd];
          crowd.clear();
          for (const m of all) { clearTimeout(m.timer); m.answer(200); }
        }
        break;
      }
      case 'slow': {
        const timer = setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('slow'), q('ms', 100));
        res.on('close', () => clearTimeout(timer));
        break;
      }
      case 'big': {
        const total = url.searchParams.has('kb') ? q('kb', 64) * 1024 : q('mb', 64) * 1024 * 1024;
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': total });
        let sent = 0;
        const pump = () => {
          while (sent < total) {
            sent += BIG_PIECE;
            if (!res.write(piece)) return res.once('drain', pump);
          }
          res.end();
        };
        pump();
        break;
      }
      case 'reset':
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 1 << 20 });
        res.write(Buffer.alloc(4096, 1));
        setTimeout(() => res.socket.destroy(), 50);
        break;
      case 'stats':
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(stats));
        break;
      default:
        res.writeHead(404).end('no such test endpoint');
    }
    return true;
  };
  const { server, url } = await startServer({ routes });
  // A port nothing listens on, for "connection refused".
  const probe = await startServer();
  const refusedUrl = `${probe.url}/nothing`;
  await new Promise((r) => probe.server.close(r));
  return { server, url, refusedUrl, stats, close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }) };
}
