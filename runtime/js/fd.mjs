// fd.mjs — the host's half of descriptor 0 (runtime/src/host/stdin.c).
// A coroutine reading stdin takes what is buffered here; with nothing
// buffered the host reads one chunk from its source, then calls
// weft__fd_ready so the waiting coroutines look again.
//
// The source: the `stdin` option of run() or load(), which may be a
// string, a Uint8Array (or ArrayBuffer), a ReadableStream, an (async)
// iterable of strings or bytes, or a function returning (promises of)
// strings or bytes, null or undefined at the end; `null` is an empty
// stdin. Without the option, Node reads process.stdin (a pipe, a file or
// a terminal), only while a coroutine waits for it: it is paused, and its
// listeners removed, whenever nothing waits, so Node can exit. In a page
// or a worker stdin is empty (never window.prompt).

import { abi } from './contract.mjs';

const isNode = typeof process === 'object' && !!process.versions?.node;

/** The host's answer when nothing is buffered or the stream pushes back
 * (abi.h's WEFT_ABI_FD_PENDING): the host calls weft__fd_ready later. */
export const PENDING = abi.FD_PENDING;

const encoder = new TextEncoder();

/** Readables whose chunks are new and nobody else's (a socket's messages). */
const ownChunks = new WeakSet();

/** A chunk as bytes: strings are UTF-8; null/undefined mean the end. */
function bytesOf(chunk) {
  if (chunk === null || chunk === undefined) return null;
  if (typeof chunk === 'string') return encoder.encode(chunk);
  if (chunk instanceof Uint8Array) return chunk;
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`weft: a stdin chunk must be a string or bytes, not ${typeof chunk}`);
}

/** Copy buffered `chunks` (consumed from the front) into C's [buf, buf+cap)
 * as far as memory goes: the bytes copied, or FD_EFAULT when buf lies
 * outside memory. stdin and stream descriptors read through this. */
function drain(chunks, m, buf, cap) {
  if (!m.contains(buf, 1)) return abi.FD_EFAULT;
  cap = Math.min(cap, m.size - buf);
  let n = 0;
  while (n < cap && chunks.length) {
    const c = chunks[0], take = Math.min(c.length, cap - n);
    m.write(buf + n, c.subarray(0, take));
    n += take;
    if (take === c.length) chunks.shift();
    else chunks[0] = c.subarray(take);
  }
  return n;
}

/** process.stdin, one chunk per pull, paused in between. */
function nodeStdin() {
  const s = process.stdin;
  let cleanup = null;
  return {
    next() {
      if (s.readableEnded) return Promise.resolve(null);
      return new Promise((resolve, reject) => {
        const onData = (c) => { cleanup(); s.pause(); resolve(c); };
        const onEnd = () => { cleanup(); resolve(null); };
        const onError = (e) => { cleanup(); reject(e); };
        cleanup = () => {
          s.off('data', onData);
          s.off('end', onEnd);
          s.off('error', onError);
          cleanup = null;
        };
        s.on('data', onData);
        s.on('end', onEnd);
        s.on('error', onError);
        s.resume();
      });
    },
    release() {
      cleanup?.();
      s.pause();
    },
  };
}

/** The source as { next(): Promise<bytes|null>, release() }. */
export function sourceOf(src) {
  if (src === undefined) return isNode ? nodeStdin() : sourceOf(null);
  if (src === null) return { next: async () => null, release() {} };
  if (typeof src === 'string' || src instanceof Uint8Array || src instanceof ArrayBuffer || ArrayBuffer.isView(src)) {
    let chunk = bytesOf(src).slice();
    return { next: async () => { const c = chunk; chunk = null; return c; }, release() { chunk = null; } };
  }
  if (typeof src.getReader === 'function') { // a ReadableStream
    const reader = src.getReader();
    return {
      next: async () => { const r = await reader.read(); return r.done ? null : bytesOf(r.value) ?? new Uint8Array(); },
      release() { reader.cancel().catch(() => {}); },
    };
  }
  if (typeof src === 'function') {
    let ended = false;
    return {
      next: async () => { if (ended) return null; const c = bytesOf(await src()); if (!c) ended = true; return c; },
      release() { ended = true; },
    };
  }
  const iterable = src[Symbol.asyncIterator] ? src[Symbol.asyncIterator]() : src[Symbol.iterator]?.();
  if (!iterable) throw new TypeError('weft: stdin must be a string, bytes, a ReadableStream, an iterable or a function');
  return {
    next: async () => { const r = await iterable.next(); return r.done ? null : bytesOf(r.value) ?? new Uint8Array(); },
    release() { Promise.resolve(iterable.return?.()).catch(() => {}); },
  };
}

export class StdinHost {
  constructor(host, option) {
    this.host = host;
    this.option = option;
    this.source = null; // made at the first read
    this.chunks = [];   // bytes buffered, not yet read
    this.ended = false;
    this.pulling = false;
    this.released = false;
  }

  /** weft_host_stdin_read: copy up to cap bytes to buf; 0 at the end;
   * PENDING with nothing buffered (a pull starts). cap 0: 1 if a read
   * would not wait, else PENDING. */
  read(buf, cap) {
    buf >>>= 0;
    cap >>>= 0;
    if (this.chunks.length) {
      if (!cap) return 1;
      return drain(this.chunks, this.host.memory, buf, cap);
    }
    if (this.ended || this.released) return cap ? 0 : 1;
    this.pull();
    return PENDING;
  }

  pull() {
    if (this.pulling) return;
    this.pulling = true;
    let p;
    try {
      this.source ??= sourceOf(this.option);
      p = this.source.next();
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then((chunk) => {
      if (chunk === null) this.ended = true;
      else if (chunk.length) this.chunks.push(chunk.slice());
    }, (e) => {
      this.ended = true; // a failing source ends stdin; say why on stderr
      this.host.err.text(`weft: stdin failed: ${e?.message ?? e}\n`);
    }).then(() => {
      this.pulling = false;
      if (!this.released) this.host.fdReady();
    });
  }

  /** close(0), or the program's end: let the source go. */
  release() {
    if (this.released) return;
    this.released = true;
    this.chunks = [];
    const s = this.source;
    this.source = null;
    if (!this.ended) { // a source that ended has nothing to let go
      try { s?.release(); } catch { /* the source's own failure */ }
    }
  }

  /** Whether the source is still held (for leak checks). */
  stats() { return { stdinHeld: !!this.source }; }
}

// ---- JS streams as descriptors (runtime/src/host/stream.c) -------------------

const FD = { EFAULT: abi.FD_EFAULT, EBADF: abi.FD_EBADF, EIO: abi.FD_EIO, EPIPE: abi.FD_EPIPE,
  READABLE: abi.FD_READABLE, WRITABLE: abi.FD_WRITABLE, ERROR: abi.FD_ERROR }; // abi.h's WEFT_ABI_FD_*

/** The readable and writable sides of `value`, or null if it has neither. */
function sidesOf(value) {
  if (!value || typeof value !== 'object') return null;
  const readable = typeof value.getReader === 'function' ? value
    : typeof value.readable?.getReader === 'function' ? value.readable : null;
  const writable = typeof value.getWriter === 'function' ? value
    : typeof value.writable?.getWriter === 'function' ? value.writable : null;
  return readable || writable ? { readable, writable } : null;
}

export class StreamHost {
  constructor(host) {
    this.host = host;
    this.streams = new Map(); // id -> { reader, writer, chunks, ended, failed, pulling, awaitingReady }
    this.next = 1;
  }

  /** A stream's id (> 0), or a negative weft code: EINVAL for what is not
   * a stream or is locked already. */
  add(value, codes) {
    const sides = sidesOf(value);
    if (!sides) return codes.EINVAL;
    let reader = null, writer = null;
    try {
      reader = sides.readable?.getReader() ?? null;
      writer = sides.writable?.getWriter() ?? null;
    } catch {
      reader?.releaseLock();
      return codes.EINVAL; // locked by someone else
    }
    const id = this.next++;
    // A chunk is copied as it comes (its producer may reuse it), unless it is new and only ours (a socket's).
    const copy = !ownChunks.has(sides.readable);
    this.streams.set(id, { reader, writer, chunks: [], ended: false, failed: false, pulling: false, awaitingReady: false, copy });
    return id;
  }

  ready() { this.host.fdReady(); }

  /** One chunk read from the stream; a chunk that is not bytes or a
   * string fails it (reads give EIO), as a stream error does. */
  pull(s) {
    if (s.pulling) return;
    s.pulling = true;
    const pulled = () => {
      s.pulling = false;
      if (!s.closed) this.ready();
    };
    s.reader.read().then((r) => {
      try {
        if (r.done) {
          s.ended = true;
        } else {
          const b = bytesOf(r.value); // throws for what is neither bytes nor a string
          if (b === null) s.failed = true; // (undefined or null: no chunk either)
          else if (b.length) s.chunks.push(s.copy ? b.slice() : b);
        }
      } catch {
        s.failed = true;
      }
      pulled();
    }, () => {
      s.failed = true;
      pulled();
    });
  }

  read(id, buf, cap) {
    const s = this.streams.get(id);
    if (!s?.reader) return FD.EBADF;
    buf >>>= 0;
    cap >>>= 0;
    if (s.chunks.length) {
      if (!cap) return 1;
      return drain(s.chunks, this.host.memory, buf, cap);
    }
    if (s.failed) return FD.EIO;
    if (s.ended) return cap ? 0 : 1;
    this.pull(s);
    return PENDING;
  }

  /** Whether a write must wait: the stream pushes back. Arranges a
   * weft__fd_ready when it stops. */
  full(s) {
    const size = s.writer.desiredSize;
    if (size === null || size > 0) return false;
    if (!s.awaitingReady) {
      s.awaitingReady = true;
      s.writer.ready.then(() => {}, () => { s.failed = true; }).then(() => {
        s.awaitingReady = false;
        this.ready();
      });
    }
    return true;
  }

  write(id, buf, n, whole) {
    const s = this.streams.get(id);
    if (!s?.writer) return FD.EBADF;
    if (s.failed || s.writer.desiredSize === null) return FD.EPIPE; // errored, or closed
    const m = this.host.memory;
    if (!m.contains(buf, n)) return FD.EFAULT;
    if (!whole && this.full(s)) return PENDING;
    s.writer.write(m.bytes(buf, n)).catch(() => { s.failed = true; });
    return n;
  }

  poll(id, want) {
    const s = this.streams.get(id);
    if (!s) return FD.ERROR;
    let r = 0;
    if (want & FD.READABLE && s.reader) {
      if (s.chunks.length || s.ended || s.failed) r |= FD.READABLE;
      else this.pull(s);
    }
    if (want & FD.WRITABLE && s.writer && !s.failed && !this.full(s)) r |= FD.WRITABLE;
    if (s.failed) r |= FD.ERROR;
    return r;
  }

  /** close(fd), or the program's end: a writer is closed once what was
   * written has gone out, a reader cancelled. */
  close(id) {
    const s = this.streams.get(id);
    if (!s) return;
    this.streams.delete(id);
    s.closed = true;
    s.chunks = [];
    if (s.reader) s.reader.cancel().catch(() => {}).finally(() => s.reader.releaseLock?.());
    if (s.writer) {
      const w = s.writer;
      (s.failed ? w.abort() : w.close()).catch(() => {}).finally(() => { try { w.releaseLock(); } catch { /* closed */ } });
    }
  }

  releaseAll() { for (const id of [...this.streams.keys()]) this.close(id); }

  get live() { return this.streams.size; }
}

// ---- sockets over WebSocket (runtime/src/host/socket.c) -----------------------

/** The host function weft_socket_connect calls: a WebSocket to `url`,
 * once open, as { readable, writable } for StreamHost. Each write is sent
 * as one binary message; what arrives (text as UTF-8) is a stream of
 * bytes, as over TCP: a read may end inside a message or span several. */
export function connectSocket(url, codes) {
  const fail = (code, message) => Object.assign(new Error(message), { weftCode: code });
  if (typeof WebSocket !== 'function') {
    return Promise.reject(fail(codes.ENET, 'weft: this JS engine has no WebSocket (Node 20: run it with --experimental-websocket)'));
  }
  let ws;
  try {
    ws = new WebSocket(url);
  } catch (e) {
    return Promise.reject(fail(codes.EINVAL, `weft: not a WebSocket URL: ${url} (${e.message})`));
  }
  ws.binaryType = 'arraybuffer';
  return new Promise((resolve, reject) => {
    let controller;
    const readable = new ReadableStream({
      start(c) { controller = c; },
      cancel() { ws.close(); },
    });
    ownChunks.add(readable); // each message's bytes are new: StreamHost need not copy them
    const writable = new WritableStream({
      write(chunk) {
        if (ws.readyState !== 1) throw new Error('weft: the WebSocket is closed');
        ws.send(chunk);
      },
      close() { ws.close(); },
      abort() { ws.close(); },
    });
    ws.onopen = () => resolve({ readable, writable });
    ws.onmessage = (e) => {
      try { controller.enqueue(typeof e.data === 'string' ? encoder.encode(e.data) : new Uint8Array(e.data)); } catch { /* cancelled */ }
    };
    ws.onerror = () => reject(fail(codes.ENET, `weft: cannot connect to ${url}`));
    ws.onclose = () => {
      reject(fail(codes.ENET, `weft: cannot connect to ${url}`)); // (no-op once open)
      try { controller.close(); } catch { /* closed or cancelled already */ }
    };
  });
}
