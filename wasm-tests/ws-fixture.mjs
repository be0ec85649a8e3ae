// ws-fixture.mjs — a small WebSocket server on 127.0.0.1 for the socket
// tests (RFC 6455, enough of it: the handshake, masked client frames of
// any length, unfragmented messages, close). Each message is echoed
// upper-cased as a binary message; "bye" makes the server close the
// connection.
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';

function frame(opcode, payload) {
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x80 | opcode, n])
    : n < 65536 ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 255])
      : Buffer.concat([Buffer.from([0x80 | opcode, 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(n)); return b; })()]);
  return Buffer.concat([head, payload]);
}

export async function startWsFixture() {
  const sockets = new Set();
  let connections = 0;
  const server = createServer((req, res) => { res.writeHead(426); res.end(); });
  server.on('upgrade', (req, socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    let buf = Buffer.alloc(0);
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        if (buf.length < 2) return;
        const opcode = buf[0] & 15;
        let len = buf[1] & 127, off = 2;
        if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); off = 4; }
        else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); off = 10; }
        if (buf.length < off + 4 + len) return;
        const mask = buf.subarray(off, off + 4);
        const payload = Buffer.from(buf.subarray(off + 4, off + 4 + len));
        for (let i = 0; i < len; i++) payload[i] ^= mask[i & 3];
        buf = buf.subarray(off + 4 + len);
        if (opcode === 8) { socket.end(frame(8, Buffer.alloc(0))); return; }
        if (opcode === 9) { socket.write(frame(10, payload)); continue; }
        const text = payload.toString();
        if (text === 'bye') {
          socket.end(frame(8, Buffer.from([3, 232])));
        } else {
          socket.write(frame(2, Buffer.from(text.toUpperCase())));
        }
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    url: `ws://127.0.0.1:${port}/`,
    refusedUrl: `ws://127.0.0.1:1/`,
    get open() { return sockets.size; },
    get connections() { return connections; },
    close: () => new Promise((r) => { for (const s of sockets) s.destroy(); server.close(r); }),
  };
}
