// throughput.mjs — the JS sides of the throughput kernels (kernels.mjs),
// the same code in Node and in a page. Byte i of every stream is
// pattern()[i % PERIOD], the low bytes of xorshift32 from 2463534242, as
// bench/pipes.c makes them; every side checks every byte and the count,
// and throws when one is wrong.
export const PERIOD = 1 << 20;
export const CHUNK = 65536;

let made = null;
/** The pattern, stored twice over: any run of up to PERIOD bytes at any
 * offset is one subarray. */
export function pattern() {
  if (!made) {
    made = new Uint8Array(2 * PERIOD);
    let x = 2463534242;
    for (let i = 0; i < PERIOD; i++) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      made[i] = made[i + PERIOD] = x & 255;
    }
  }
  return made;
}

/** Whether bytes equal the pattern from stream offset `at`. */
export function matches(bytes, at) {
  const p = pattern(), off = at % PERIOD;
  if (off % 4 === 0 && bytes.byteOffset % 4 === 0 && bytes.length % 4 === 0) {
    const a = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
    const b = new Uint32Array(p.buffer, off, bytes.length / 4);
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== p[off + i]) return false;
  return true;
}

/** `mib` MiB through a ReadableStream between two async functions, in
 * copied 64 KiB chunks (the stream holds up to 64 KiB, as a pipe). */
export async function streamThroughput(mark, mib) {
  const n = mib * 2 ** 20, p = pattern();
  mark(1);
  let off = 0;
  const stream = new ReadableStream({
    pull(c) {
      if (off >= n) { c.close(); return; }
      const len = Math.min(CHUNK, n - off);
      c.enqueue(p.slice(off % PERIOD, off % PERIOD + len));
      off += len;
    },
  }, { highWaterMark: 1 });
  const reader = stream.getReader();
  let total = 0, wrong = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (!matches(value, total)) wrong++;
    total += value.length;
  }
  mark(0);
  if (total !== n || wrong) throw new Error(`bench: stream throughput read ${total} of ${n} bytes, ${wrong} chunks wrong`);
  return { ops: mib, bytes: total };
}

/** `mib` MiB from the WebSocket server at `url` (bench/ws-source.mjs),
 * read by plain JS: onmessage, every byte checked. */
export async function wsThroughput(mark, url, mib) {
  const n = mib * 2 ** 20;
  let total = 0, wrong = 0;
  mark(1);
  await new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => ws.send(String(n));
    ws.onmessage = (e) => {
      const b = new Uint8Array(e.data);
      if (!matches(b, total)) wrong++;
      total += b.length;
    };
    ws.onerror = () => reject(new Error(`bench: WebSocket to ${url} failed`));
    ws.onclose = resolve;
  });
  mark(0);
  if (total !== n || wrong) throw new Error(`bench: WebSocket throughput read ${total} of ${n} bytes, ${wrong} messages wrong`);
  return { ops: mib, bytes: total };
}
