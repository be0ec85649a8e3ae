// host-probe.mjs — lets the demo page see the host side of the event loop:
// wraps the page's fetch() and setTimeout()/clearTimeout() (before the weft
// host runs) to list the requests in flight and the timers pending. The
// JS host (runtime/js/weft.mjs, fetch.mjs) calls these globals, so what is
// listed is exactly what the runtime asked the browser for. The page's own
// UI timers use `uiTimeout`, which is not listed.

export const uiTimeout = globalThis.setTimeout.bind(globalThis);

export const probe = {
  fetches: new Map(), // id -> {url, t0}
  timers: new Map(),  // timer id -> {due, ms, who}
  started: 0, answered: 0, failed: 0,
};

const realFetch = globalThis.fetch.bind(globalThis);
const realClear = globalThis.clearTimeout.bind(globalThis);
let seq = 0;

globalThis.fetch = function fetch(input, init) {
  const id = ++seq;
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  probe.fetches.set(id, { url: url.replace(location.origin, ''), t0: performance.now() });
  probe.started++;
  const request = realFetch(input, init);
  request.then(() => { probe.answered++; }, () => { probe.failed++; })
    .then(() => probe.fetches.delete(id));
  return request;
};

// Who armed a timer, from the caller's module (a label only).
function caller() {
  const stack = new Error().stack ?? '';
  if (stack.includes('/runtime/js/fetch.mjs')) return 'a fetch timeout (fetch.mjs)';
  if (stack.includes('/runtime/js/weft.mjs')) return 'the scheduler: the earliest sleeper (weft.mjs)';
  return 'other';
}

globalThis.setTimeout = function setTimeout(fn, ms = 0, ...args) {
  const entry = { due: performance.now() + Number(ms || 0), ms: Number(ms || 0), who: caller() };
  const id = uiTimeout((...a) => {
    probe.timers.delete(id);
    if (typeof fn === 'function') fn(...a);
  }, ms, ...args);
  probe.timers.set(id, entry);
  return id;
};

globalThis.clearTimeout = function clearTimeout(id) {
  probe.timers.delete(id);
  realClear(id);
};
