// ws-source.mjs — the WebSocket server of the ws-throughput kernel, in a
// worker thread of the Node that runs the kernels (so its work is on no
// side's thread and its CPU time in no figure). A client sends the number
// of bytes it wants as one message; the server sends that many bytes of
// the pattern (bench/throughput.mjs) in 64 KiB binary messages, waiting
// whenever the socket pushes back, then closes. RFC 6455 as far as that
// needs: the handshake, masked client frames, close.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** Start the server; resolves to { url, close }. The worker does not keep
 * Node alive. */
export function startWsSource() {
  const worker = new Worker(new URL(import.meta.url), { workerData: { wsSource: true } });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (url) => {
      worker.unref();
      resolve({ url, close: () => worker.terminate() });
    });
  });
}

if (!isMainThread && workerData?.wsSource) {
  const { createServer } = await import('node:http');
  const { createHash } = await import('node:crypto');
  const { once } = await import('node:events');
  const { pattern, PERIOD, CHUNK } = await import('./throughput.mjs');
  const pat = Buffer.from(pattern().buffer);
  const head = (opcode, n) => (n < 126 ? Buffer.from([0x80 | opcode, n])
    : n < 65536 ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 255])
      : (() => { const b = Buffer.alloc(10); b[0] = 0x80 | opcode; b[1] = 127; b.writeBigUInt64BE(BigInt(n), 2); return b; })());
  async function send(socket, n) {
    for (let off = 0; off < n && !socket.destroyed;) {
      const len = Math.min(CHUNK, n - off), at = off % PERIOD;
      socket.write(head(2, len));
      const more = socket.write(pat.subarray(at, at + len));
      off += len;
      if (!more) await once(socket, 'drain');
    }
    socket.end(Buffer.concat([head(8, 2), Buffer.from([3, 232])]));
  }
  const server = createServer((req, res) => { res.writeHead(426); res.end(); });
  server.on('upgrade', (req, socket) => {
    socket.on('error', () => {});
    socket.setNoDelay(true);
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    let buf = Buffer.alloc(0);
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2) {
        const opcode = buf[0] & 15;
        let len = buf[1] & 127, off = 2;
        if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
        else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
        if (buf.length < off + 4 + len) return;
        const mask = buf.subarray(off, off + 4), payload = Buffer.from(buf.subarray(off + 4, off + 4 + len));
        for (let i = 0; i < len; i++) payload[i] ^= mask[i & 3];
        buf = buf.subarray(off + 4 + len);
        if (opcode === 8) { socket.end(); return; }
        if (opcode === 1 || opcode === 2) {
          const n = Number(payload.toString());
          if (Number.isSafeInteger(n) && n > 0) send(socket, n);
          else socket.end(Buffer.concat([head(8, 2), Buffer.from([3, 240])]));
        }
      }
    });
  });
  server.listen(0, '127.0.0.1', () => parentPort.postMessage(`ws://127.0.0.1:${server.address().port}/`));
}
