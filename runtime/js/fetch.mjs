// fetch.mjs — the host side of weft_fetch: requests go through the
// environment's own fetch() (CORS applies in browsers). Each has its own
// AbortController, which weft_response_free() or the program's end fires;
// fetch() gets that signal joined (AbortSignal.any) with the user's signal
// and the timeout's (AbortSignal.timeout). Responses live in the handle
// table (the value JS sees is the Response; the request's state rides
// along), and every request not yet released is in `live`, so that the
// program's end can close them all.
import { abi, redirects } from './contract.mjs';
import { codes, failure } from './errors.mjs';

// weft.h's weft_redirect, by value: fetch()'s `redirect` option.
// fetch()'s redirect mode for each weft_redirect value (weft.h).
const REDIRECT = { [redirects.FOLLOW]: 'follow', [redirects.ERROR]: 'error', [redirects.MANUAL]: 'manual' };

// setTimeout's longest delay; a timeout this long or longer (or Infinity) is none.
const MAX_TIMEOUT = 2 ** 31 - 1;

// A signal that aborts when any of `signals` does. (AbortSignal.any is in
// Node 20.3, Chromium 116, Firefox 124, Safari 17.4; before, listeners,
// which stay on a user signal until it aborts or is collected.)
const anySignal = typeof AbortSignal.any === 'function' ? (signals) => AbortSignal.any(signals) : (signals) => {
  const joined = new AbortController();
  for (const s of signals) {
    if (s.aborted) {
      joined.abort(s.reason);
      break;
    }
    s.addEventListener('abort', () => joined.abort(s.reason), { once: true });
  }
  return joined.signal;
};

export class FetchHost {
  constructor(host, bridge) {
    this.host = host;
    this.handles = bridge.handles;
    this.ops = bridge.ops;
    this.live = new Set();  // request states not yet closed
    this.timed = new Set(); // requests whose timeout still runs, for leak tests and the stall watcher
    this.nextId = 1;        // request ids for the host's instrumentation events
    bridge.onShutdown.push(() => this.shutdown());
  }

  /** Why a request or read failed, as a failure (weft code, message). */
  whyFailed(st, e) {
    if (st.signal.aborted) {
      if (st.timeoutSignal?.aborted && st.signal.reason === st.timeoutSignal.reason) {
        return failure(codes.ETIMEDOUT, `weft: fetch ${st.url} timed out after ${st.timeout} ms`);
      }
      return failure(codes.ECANCELED, `weft: fetch ${st.url} was aborted`);
    }
    const cause = e?.cause?.code ?? e?.cause?.message;
    // Node names a refused redirect ("unexpected redirect"); a browser gives
    // only "Failed to fetch", which may be the redirect or the network.
    const refused = st.redirect === 'error'
      ? (/redirect/i.test(String(cause)) ? ': the server redirected, and opts.redirect is WEFT_REDIRECT_ERROR'
        : ' (if the server redirected: opts.redirect is WEFT_REDIRECT_ERROR)') : '';
    return failure(codes.ENET, `weft: fetch ${st.url}: ${e?.message ?? e}${cause ? ` (${cause})` : ''}${refused}`);
  }

  /** The request is over (its body read to the end, failed, or let go):
   * its timeout no longer counts, though the body may still be read. */
  release(st) {
    if (st.over) return;
    st.over = true;
    this.timed.delete(st);
    this.host.report({ type: 'fetch-end', id: st.id });
  }

  /** Milliseconds until the earliest timeout of a request still running, or null. */
  untilDeadline() {
    let earliest = Infinity;
    for (const st of this.timed) earliest = Math.min(earliest, st.deadline);
    return earliest === Infinity ? null : Math.max(0, earliest - performance.now());
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

  /** weft_host_fetch. */
  fetch(op, urlPtr, methodPtr, headersPtr, bodyPtr, bodyLen, timeoutMs, signal, redirect) {
    const ops = this.ops;
    const m = this.host.memory;
    const url = m.string(urlPtr);
    try {
      new URL(url, globalThis.location?.href);
    } catch {
      return ops.refuse(op, codes.EINVAL, `weft: invalid URL "${url}"`);
    }
    const refuse = (code, why) => ops.refuse(op, code, `weft: fetch ${url}: ${why}`);
    if (!(timeoutMs >= 0)) return refuse(codes.EINVAL, `timeout_ms ${timeoutMs} is not a duration (0: none, > 0: milliseconds)`);
    const redirectMode = Object.hasOwn(REDIRECT, redirect) ? REDIRECT[redirect] : undefined;
    if (!redirectMode) return refuse(codes.EINVAL, `redirect ${redirect} is not a weft_redirect (WEFT_REDIRECT_FOLLOW, _ERROR or _MANUAL)`);
    let user = null;
    if (signal) {
      user = this.handles.get(signal);
      if (!(user instanceof AbortController)) return ops.refuse(op, codes.EHANDLE, `weft: handle ${signal} is not an abort signal`);
    }
    const headers = [];
    const stride = abi.HEADER_STRIDE, half = stride / 2; // (name, value) pointer pairs
    for (let p = headersPtr >>> 0; p; p += stride) {
      if (!m.contains(p, stride)) return refuse(codes.EINVAL, 'the header list runs outside the program\'s memory (is it NULL-terminated?)');
      const name = m.u32(p), value = m.u32(p + half);
      if (!name) break;
      if (!value) return refuse(codes.EINVAL, `header "${m.string(name)}" has no value`);
      headers.push([m.string(name), m.string(value)]);
    }
    bodyLen >>>= 0;
    if (!bodyPtr && bodyLen) return refuse(codes.EINVAL, `the body is NULL with length ${bodyLen}`);
    if (bodyLen && !m.contains(bodyPtr, bodyLen)) {
      return refuse(codes.EINVAL, `the body (${bodyLen} bytes at 0x${(bodyPtr >>> 0).toString(16)}) lies outside the program's memory`);
    }
    const st = { id: 0, url, redirect: redirectMode, timeout: timeoutMs, ctrl: new AbortController(), signal: null, timeoutSignal: null,
      deadline: 0, res: null, reader: null, chunk: null, off: 0, done: false, ended: false, error: null, pulling: null,
      headerList: null, over: false, closed: false };
    // Method, headers and body are checked here, before anything is sent:
    // what the Request refuses is the caller's error, not the network's.
    const init = { method: m.string(methodPtr), headers, body: bodyLen ? m.bytes(bodyPtr, bodyLen) : undefined,
      redirect: redirectMode };
    try {
      new Request(url, init); // only to check them
    } catch (e) {
      return refuse(codes.EINVAL, String(e?.message ?? e));
    }
    this.live.add(st);
    st.id = this.nextId++;
    const signals = [st.ctrl.signal];
    if (user) signals.push(user.signal);
    const timed = timeoutMs > 0 && timeoutMs < MAX_TIMEOUT;
    if (timed) {
      // Node's AbortSignal.timeout does not keep the event loop alive: the
      // host's stall watcher asks untilDeadline() before it gives up.
      st.timeoutSignal = AbortSignal.timeout(timeoutMs);
      st.deadline = performance.now() + timeoutMs;
      signals.push(st.timeoutSignal);
      this.timed.add(st);
    }
    st.signal = signals.length > 1 ? anySignal(signals) : st.ctrl.signal;
    this.host.report({ type: 'fetch-start', id: st.id, url, method: init.method, timeout: timed ? timeoutMs : null });
    let h = 0;
    // The signal goes to fetch itself: a Request built with it would follow
    // it only weakly, and an abort could go unheard once that Request was
    // collected, leaving the connection open.
    const sent = fetch(url, { ...init, signal: st.signal });
    // A response that comes after all, its abort unheard: its body is let go.
    sent.then((res) => { if (st.signal.aborted) res.body?.cancel().catch(() => {}); }, () => {});
    const response = this.untilAborted(st, sent).then(
      (res) => {
        st.res = res;
        this.host.report({ type: 'fetch-settled', id: st.id, ok: true, status: res.status });
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
        this.host.report({ type: 'fetch-settled', id: st.id, ok: false, code: why.weftCode, message: why.message });
        this.close(st);
        throw why;
      },
    );
    // Dropped, or never taken: the handle (if it came) goes, and the request with it.
    const abort = () => (h ? this.handles.delete(h) : this.close(st));
    ops.start(op, response, 'i', abort, `fetch ${url}`);
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
    const m = this.host.memory;
    const copy = (s, p, n) => m.copyString(s, p, n) ?? codes.EINVAL;
    if (what === abi.TEXT_STATUS) return copy(st.res.statusText, buf, cap);
    if (what === abi.TEXT_URL) return copy(st.res.url ?? '', buf, cap);
    if (what === abi.TEXT_HEADER) {
      let value;
      try {
        value = st.res.headers.get(m.string(namePtr));
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
    const signal = st.signal;
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
    const m = this.host.memory;
    if (!m.contains(buf, 1)) return codes.EINVAL;
    if (op) {
      this.ops.start(op, this.pull(st), '', null, `fetch ${st.url}`);
      return abi.READ_PENDING;
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
    return abi.READ_PENDING; // an error too goes through an op, which carries its message
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
