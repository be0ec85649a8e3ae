// host-probe.mjs — lets the demo page see the host side of the event loop:
// the JS host's onHostEvent hook (runtime/js/weft.mjs, fetch.mjs) reports
// the scheduler's one timer and each fetch as it starts, settles and ends,
// so the probe lists exactly the timers and requests the runtime asked the
// browser for: the scheduler's timer, each fetch timeout (until its request
// is over), and the requests in flight. Pass `onHostEvent` to load().

export const probe = {
  fetches: new Map(), // request id -> {url, t0}
  timers: new Map(),  // 'scheduler' or 'fetch N' -> {due, ms, who}
  started: 0, answered: 0, failed: 0,
};

const here = (url) => url.replace(location.origin, '');

/** The hook: keeps `probe` up to date. */
export function onHostEvent(event) {
  const now = performance.now();
  switch (event.type) {
    case 'timer':
      if (event.ms === null) probe.timers.delete('scheduler');
      else probe.timers.set('scheduler', { due: now + event.ms, ms: event.ms, who: 'the scheduler: the earliest sleeper (weft.mjs)' });
      break;
    case 'fetch-start':
      probe.started++;
      probe.fetches.set(event.id, { url: here(event.url), t0: now });
      if (event.timeout !== null) {
        probe.timers.set(`fetch ${event.id}`, { due: now + event.timeout, ms: event.timeout, who: `a fetch timeout (fetch.mjs): ${here(event.url)}` });
      }
      break;
    case 'fetch-settled':
      if (event.ok) probe.answered++;
      else probe.failed++;
      probe.fetches.delete(event.id);
      break;
    case 'fetch-end':
      probe.fetches.delete(event.id);
      probe.timers.delete(`fetch ${event.id}`);
      break;
    default:
  }
}
