// fetch.mjs — the host side of fetch.c: requests go through the
// environment's own fetch() (CORS applies in browsers), each with an
// AbortController that a timeout, a user signal, weft_response_free() or
// the program's end fires. Responses live in the handle table (the value
// JS sees is the Response; the request's state rides along), and every
// request not yet released is in `live`, so that the program's end can
// close them all.
import { codes, failure } from './bridge.mjs';

const READ_PENDING = -1000; // fetch.c: nothing buffered, an op was started
const TIMEOUT = Symbol('weft timeout');
const TEXT_STATUS = 0, TEXT_HEADER = 1, TEXT_HEADER_AT = 2;
// setTimeout's longest delay; a timeout this long or longer (or Infinity) is none.
const MAX_TIMEOUT = 2 ** 31 - 1;

export class FetchHost {
  constructor(bridge) {
    this.bridge = bridge;
    this.timers = new Set(); // live timeout timers, for leak tests
    this.live = new Set();   // request states not yet closed
    bridge.onShutdown.push(() => this.shutdown());
  }

  get handles() { return this.bridge.handles; }

  /** Why a request or read failed, as a failure (weft code, message). */
  whyFailed(st, e) {
    const reason = st.ctrl.signal.reason;
    if (st.ctrl.signal.aborted) {
      if (reason === TIMEOUT) return failure(codes.ETIMEDOUT, `weft: fetch ${st.url} timed out after ${st.timeout} ms`);
      return failure(codes.ECANCELED, `weft: fetch ${st.url} was aborted`);
    }
    const cause = e?.cause?.code ?? e?.cause?.message;
    return failure(codes.ENET, `weft: fetch ${st.url}: ${e?.message ?? e}${cause ? ` (${cause})` : ''}`);
  }

  /** Stop its timer and its user-signal listener (the body may still be read). */
  release(st) {
    if (st.timer) {
      clearTimeout(st.timer);
      this.timers.delete(st.timer);
      st.timer = null;
    }
    st.unlink?.();
    st.unlink = null;
  }

  /** Let go of a request for good: abort it (closing its connection) unless its body was read to the end. */
  close(st) {
    if (st.closed) return;
    st.closed = true;
    if (!st.done) st.ctrl.abort();
    st.reader?.cancel().catch(() => {});
    this.release(st);
    this.live.delete(st);
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
    const refuse = (code, why) => b.refuse(op, code, `weft: fetch ${url}: ${why}`);
    if (!(timeoutMs >= 0)) return refuse(codes.EINVAL, `timeout_ms ${timeoutMs} is not a duration (0: none, > 0: milliseconds)`);
    let user = null;
    if (signal) {
      user = this.handles.get(signal);
      if (!(user instanceof AbortController)) return b.refuse(op, codes.EHANDLE, `weft: handle ${signal} is not an abort signal`);
    }
    const headers = [];
    for (let p = headersPtr >>> 0; p; p += 8) {
      if (!m.contains(p, 8)) return refuse(codes.EINVAL, 'the header list runs outside the program\'s memory (is it NULL-terminated?)');
      const name = m.u32(p), value = m.u32(p + 4);
      if (!name) break;
      if (!value) return refuse(codes.EINVAL, `header "${b.string(name)}" has no value`);
      headers.push([b.string(name), b.string(value)]);
    }
    bodyLen >>>= 0;
    if (!bodyPtr && bodyLen) return refuse(codes.EINVAL, `the body is NULL with length ${bodyLen}`);
    if (bodyLen && !m.contains(bodyPtr, bodyLen)) {
      return refuse(codes.EINVAL, `the body (${bodyLen} bytes at 0x${(bodyPtr >>> 0).toString(16)}) lies outside the program's memory`);
    }
    const st = { url, timeout: timeoutMs, ctrl: new AbortController(), res: null, reader: null, chunk: null, off: 0,
      done: false, ended: false, error: null, pulling: null, timer: null, unlink: null, headerList: null, closed: false };
    // Method, headers and body are checked here, before anything is sent:
    // what the Request refuses is the caller's error, not the network's.
    const init = { method: b.string(methodPtr), headers, body: bodyLen ? m.bytes(bodyPtr, bodyLen) : undefined };
    try {
      new Request(url, init); // only to check them
    } catch (e) {
      return refuse(codes.EINVAL, String(e?.message ?? e));
    }
    this.live.add(st);
    if (user) {
      const onAbort = () => st.ctrl.abort();
      if (user.signal.aborted) st.ctrl.abort();
      else {
        user.signal.addEventListener('abort', onAbort, { once: true });
        st.unlink = () => user.signal.removeEventListener('abort', onAbort);
      }
    }
    if (timeoutMs > 0 && timeoutMs < MAX_TIMEOUT) {
      st.timer = setTimeout(() => { this.timers.delete(st.timer); st.timer = null; st.ctrl.abort(TIMEOUT); }, timeoutMs);
      this.timers.add(st.timer);
    }
    let h = 0;
    // The signal goes to fetch itself: a Request built with it would follow
    // it only weakly, and an abort could go unheard once that Request was
    // collected, leaving the connection open.
    const sent = fetch(url, { ...init, signal: st.ctrl.signal });
    // A response that comes after all, its abort unheard: its body is let go.
    sent.then((res) => { if (st.ctrl.signal.aborted) res.body?.cancel().catch(() => {}); }, () => {});
    const response = this.untilAborted(st, sent).then(
      (res) => {
        st.res = res;
        try {
          h = this.handles.add(res, { release: () => this.close(st), state: st });
        } catch (e) {
          this.close(st);
          throw e;
        }
        return h;
      },
      (e) => {
        const why = this.whyFailed(st, e); // before close(), whose abort would read as a cancel
        this.close(st);
        throw why;
      },
    );
    // Dropped, or never taken: the handle (if it came) goes, and the request with it.
    const abort = () => (h ? this.handles.delete(h) : this.close(st));
    b.start(op, response, { want: 'i', abort, who: `fetch ${url}` });
    return 0;
  }

  response(h) {
    const st = this.handles.state(h);
    return st?.res ? st : null;
  }

  responseStatus(h) { return this.response(h)?.res.status ?? codes.EHANDLE; }

  responseText(h, what, namePtr, index, buf, cap, buf2, cap2) {
    const st = this.response(h);
    if (!st) return codes.EHANDLE;
    const b = this.bridge;
    const copy = (s, p, n) => b.copyString(s, p, n) ?? codes.EINVAL;
    if (what === TEXT_STATUS) return copy(st.res.statusText, buf, cap);
    if (what === TEXT_HEADER) {
      let value;
      try {
        value = st.res.headers.get(b.string(namePtr));
      } catch {
        return codes.EINVAL; // not a header name at all
      }
      return value === null ? codes.ESRCH : copy(value, buf, cap);
    }
    st.headerList ??= [...st.res.headers];
    const entry = st.headerList[index];
    if (!entry) return codes.ESRCH;
    const n = copy(entry[0], buf, cap);
    return n < 0 ? n : copy(entry[1], buf2, cap2);
  }

  /**
   * `promise`, or a rejection as soon as the request's signal aborts. The
   * engine's fetch hears the abort too, and closes the connection, but the
   * host does not wait for it to notice: an engine may act on an abort
   * late, or (Node's, through a Request it has let go) not at all.
   */
  untilAborted(st, promise) {
    const signal = st.ctrl.signal;
    st.aborted ??= new Promise((_, reject) => {
      if (signal.aborted) reject(signal.reason);
      else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    st.aborted.catch(() => {}); // only the race reports it
    return Promise.race([promise, st.aborted]);
  }

  /** One body read in flight per response, shared by every coroutine
   * waiting on it; settles when a chunk, the end or an error is there. */
  pull(st) {
    if (st.chunk || st.done) return Promise.resolve();
    if (st.error) return Promise.reject(st.error);
    if (!st.pulling) {
      let read;
      try {
        st.reader ??= st.res.body ? st.res.body.getReader() : null;
        read = st.reader ? this.untilAborted(st, st.reader.read()) : Promise.resolve({ done: true });
      } catch {
        read = Promise.reject(failure(codes.EINVAL, `weft: fetch ${st.url}: the body was taken by JS`));
      }
      st.pulling = read.then(({ done, value }) => {
        st.pulling = null;
        if (done) st.done = true;
        else if (value.length) {
          st.chunk = value;
          st.off = 0;
        }
      }, (e) => {
        st.pulling = null;
        st.error = e?.weftCode ? e : this.whyFailed(st, e);
        this.release(st);
        throw st.error;
      });
    }
    return st.pulling;
  }

  /** Copy buffered body bytes into C now; else with an op, wait for more
   * (READ_PENDING: C waits on the op, then asks again). */
  responseRead(h, op, buf, cap) {
    const st = this.response(h);
    if (!st) return codes.EHANDLE;
    const m = this.bridge.mem;
    if (!m.contains(buf, 1)) return codes.EINVAL;
    if (op) {
      this.bridge.start(op, this.pull(st), { want: '', who: `fetch ${st.url}` });
      return READ_PENDING;
    }
    if (st.chunk) {
      const n = Math.min(cap >>> 0, st.chunk.length - st.off);
      if (!m.contains(buf, n)) return codes.EINVAL;
      m.write(buf, st.chunk.subarray(st.off, st.off + n));
      st.off += n;
      if (st.off >= st.chunk.length) st.chunk = null;
      return n;
    }
    if (st.done && !st.error) {
      if (st.ended) return codes.ECLOSED;
      st.ended = true;
      this.release(st);
      return 0;
    }
    return READ_PENDING; // an error too goes through an op, which carries its message
  }

  responseFree(h) { return this.response(h) && this.handles.delete(h) ? 0 : codes.EHANDLE; }

  abortNew() {
    try {
      return this.handles.add(new AbortController());
    } catch (e) {
      return e.weftCode ?? codes.ENOMEM;
    }
  }

  abort(h) {
    const c = this.handles.get(h);
    if (!(c instanceof AbortController)) return codes.EHANDLE;
    c.abort();
    return 0;
  }

  /** The program ended: abort every request and body still open. */
  shutdown() { [...this.live].forEach((st) => this.close(st)); }
}
