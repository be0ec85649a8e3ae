// fetch.mjs — the host side of fetch.c: requests go through the
// environment's own fetch() (CORS applies in browsers), each with an
// AbortController that a timeout, a user signal or weft_response_free()
// fires. Responses and their body readers live in the handle table.
import { codes, failure } from './bridge.mjs';

const READ_PENDING = -1000; // fetch.c: nothing buffered, an op was started
const TIMEOUT = Symbol('weft timeout');
const TEXT_STATUS = 0, TEXT_HEADER = 1, TEXT_HEADER_AT = 2;

export class FetchHost {
  constructor(bridge) {
    this.bridge = bridge;
    this.timers = new Set(); // live timeout timers, for leak tests
  }

  get handles() { return this.bridge.handles; }

  /** Why a request or read failed, as (weft code, message). */
  failureOf(st, e) {
    const reason = st.ctrl.signal.reason;
    if (st.ctrl.signal.aborted) {
      if (reason === TIMEOUT) return failure(codes.ETIMEDOUT, `weft: fetch ${st.url} timed out after ${st.timeout} ms`);
      return failure(codes.ECANCELED, `weft: fetch ${st.url} was aborted`);
    }
    const cause = e?.cause?.code ?? e?.cause?.message;
    return failure(codes.ENET, `weft: fetch ${st.url}: ${e?.message ?? e}${cause ? ` (${cause})` : ''}`);
  }

  release(st) {
    if (st.timer) {
      clearTimeout(st.timer);
      this.timers.delete(st.timer);
      st.timer = null;
    }
    st.unlink?.();
    st.unlink = null;
  }

  fetch(op, urlPtr, methodPtr, headersPtr, bodyPtr, bodyLen, timeoutMs, signal) {
    const b = this.bridge;
    const m = b.mem;
    const url = b.string(urlPtr);
    try {
      new URL(url, globalThis.location?.href);
    } catch {
      return b.refuse(op, codes.EINVAL, `weft: invalid URL "${url}"`);
    }
    let user = null;
    if (signal) {
      user = this.handles.get(signal);
      if (!(user instanceof AbortController)) return b.refuse(op, codes.EHANDLE, `weft: handle ${signal} is not an abort signal`);
    }
    const headers = [];
    for (let p = headersPtr >>> 0; p && m.u32(p) && m.u32(p + 4); p += 8) {
      headers.push([b.string(m.u32(p)), b.string(m.u32(p + 4))]);
    }
    const body = bodyPtr ? m.bytes(bodyPtr, bodyLen) : undefined;
    const st = { url, timeout: timeoutMs, ctrl: new AbortController(), res: null, reader: null, chunk: null, off: 0,
      done: false, ended: false, error: null, timer: null, unlink: null, headerList: null };
    if (user) {
      const onAbort = () => st.ctrl.abort();
      if (user.signal.aborted) st.ctrl.abort();
      else {
        user.signal.addEventListener('abort', onAbort, { once: true });
        st.unlink = () => user.signal.removeEventListener('abort', onAbort);
      }
    }
    if (timeoutMs > 0) {
      st.timer = setTimeout(() => { this.timers.delete(st.timer); st.timer = null; st.ctrl.abort(TIMEOUT); }, timeoutMs);
      this.timers.add(st.timer);
    }
    const request = fetch(url, { method: b.string(methodPtr), headers, body, signal: st.ctrl.signal }).then(
      (res) => { st.res = res; return this.handles.add(st); },
      (e) => { this.release(st); throw this.failureOf(st, e); },
    );
    b.start(op, request, 'i', () => { st.ctrl.abort(); this.release(st); });
    return 0;
  }

  response(h) {
    const st = this.handles.get(h);
    return st?.res ? st : null;
  }

  responseStatus(h) { return this.response(h)?.res.status ?? codes.EHANDLE; }

  responseText(h, what, namePtr, index, buf, cap, buf2, cap2) {
    const st = this.response(h);
    if (!st) return codes.EHANDLE;
    const b = this.bridge;
    if (what === TEXT_STATUS) return b.copyString(st.res.statusText, buf, cap);
    if (what === TEXT_HEADER) {
      const value = st.res.headers.get(b.string(namePtr));
      return value === null ? codes.ESRCH : b.copyString(value, buf, cap);
    }
    st.headerList ??= [...st.res.headers];
    const entry = st.headerList[index];
    if (!entry) return codes.ESRCH;
    b.copyString(entry[0], buf, cap);
    return b.copyString(entry[1], buf2, cap2);
  }

  /** Copy buffered body bytes into C; with an op and nothing buffered, start a read. */
  responseRead(h, op, buf, cap) {
    const st = this.response(h);
    if (!st) return codes.EHANDLE;
    if (st.chunk) {
      const n = Math.min(cap, st.chunk.length - st.off);
      this.bridge.mem.write(buf, st.chunk.subarray(st.off, st.off + n));
      st.off += n;
      if (st.off >= st.chunk.length) st.chunk = null;
      return n;
    }
    if (st.error) return st.error.weftCode;
    if (st.done) {
      if (st.ended) return codes.ECLOSED;
      st.ended = true;
      this.release(st);
      return 0;
    }
    if (!op) return READ_PENDING;
    st.reader ??= st.res.body ? st.res.body.getReader() : null;
    const read = st.reader
      ? st.reader.read().then(({ done, value }) => {
        if (done) st.done = true;
        else { st.chunk = value; st.off = 0; }
      }, (e) => { st.error = this.failureOf(st, e); this.release(st); throw st.error; })
      : Promise.resolve().then(() => { st.done = true; });
    this.bridge.start(op, read, '');
    return READ_PENDING;
  }

  responseFree(h) {
    const st = this.response(h);
    if (!st) return codes.EHANDLE;
    if (!st.done) st.ctrl.abort();
    st.reader?.cancel().catch(() => {});
    this.release(st);
    this.handles.delete(h);
    return 0;
  }

  abortNew() { return this.handles.add(new AbortController()); }

  abort(h) {
    const c = this.handles.get(h);
    if (!(c instanceof AbortController)) return codes.EHANDLE;
    c.abort();
    return 0;
  }
}
