// timeline.mjs — the demo page's live timeline: draws the program's trace
// (program.trace(), Chrome's trace event format, runtime/js/trace.mjs) on
// a canvas: a lane per coroutine over the last few seconds, green while it
// runs and coloured by wait kind while it waits, the host's lane on top
// (settles, timer firings), and a line for each wake, from the settle or
// coroutine that caused it to the run it started.

export const SECONDS = 8;
export const COLORS = {
  running: '#16a34a', sleep: '#93c5fd', join: '#cbd5e1', 'host-turn': '#e5e7eb', yield: '#e5e7eb',
  channel: '#f9a8d4', sync: '#fcd34d', 'js-call': '#5eead4', fetch: '#2dd4bf', body: '#99f6e4',
  fd: '#c4b5fd', poll: '#c4b5fd', host: '#f97316',
};
const LANE = 13, LABEL = 150, TOP = 16, MAX_LANES = 28;

/** Draw `trace` on `canvas`; the lanes are the host's, then those of the
 * coroutines that did something in the window, in order of id: the live
 * ones first, then the most recently ended, as many as fit.
 * Sets data-lanes, data-slices, data-flows and data-seconds (of history)
 * to what was drawn. */
export function drawTimeline(canvas, trace) {
  const ev = trace.traceEvents;
  let now = 0, first = Infinity;
  for (const e of ev) {
    if (e.ph === 'M') continue;
    now = Math.max(now, e.ts + (e.dur ?? 0));
    first = Math.min(first, e.ts);
  }
  const from = now - SECONDS * 1e6;
  const names = new Map([[0, 'host']]);
  for (const e of ev) if (e.ph === 'M' && e.name === 'thread_name') names.set(e.tid, e.args.name);
  const active = new Map(); // tid -> when its latest slice ends (Infinity: it is still open: alive)
  for (const e of ev) {
    if (e.ph !== 'X' || e.ts + e.dur < from) continue;
    active.set(e.tid, Math.max(active.get(e.tid) ?? 0, e.args?.unfinished ? Infinity : e.ts + e.dur));
  }
  active.delete(0);
  const recent = [...active].sort((a, b) => b[1] - a[1]).slice(0, MAX_LANES - 1).map(([tid]) => tid);

  const width = canvas.clientWidth || 600;
  const tids = [0, ...recent.sort((a, b) => a - b)];
  const lane = new Map(tids.map((t, i) => [t, i]));
  const ratio = window.devicePixelRatio || 1;
  const height = TOP + tids.length * LANE + 4;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  canvas.style.height = `${height}px`;
  const g = canvas.getContext('2d');
  g.scale(ratio, ratio);
  g.clearRect(0, 0, width, height);
  const x = (ts) => LABEL + ((ts - from) / (now - from)) * (width - LABEL - 4);
  const y = (tid) => TOP + lane.get(tid) * LANE;

  g.font = '10px system-ui, sans-serif';
  g.fillStyle = '#667085';
  for (let s = 0; s <= SECONDS; s += 2) g.fillText(s ? `-${s} s` : 'now', x(now - s * 1e6) - (s ? 12 : 18), 10);
  for (const t of tids) {
    g.fillStyle = t === 0 ? '#9a3412' : '#384152';
    g.fillText((names.get(t) ?? `#${t}`).slice(0, 24), 2, y(t) + 10);
  }
  let slices = 0, flows = 0;
  for (const e of ev) {
    if (e.ph !== 'X' || !lane.has(e.tid) || e.ts + e.dur < from) continue;
    g.fillStyle = e.cat === 'run' ? COLORS.running : e.cat === 'host' ? COLORS.host : COLORS[e.name] ?? '#d1d5db';
    const x0 = Math.floor(x(Math.max(e.ts, from))); // whole pixels: no blended edges
    g.fillRect(x0, y(e.tid) + (e.cat === 'wait' ? 3 : 1), Math.max(1, Math.round(x(e.ts + e.dur)) - x0), e.cat === 'wait' ? 7 : 11);
    slices++;
  }
  const starts = new Map();
  for (const e of ev) if (e.ph === 's') starts.set(e.id, e);
  g.strokeStyle = 'rgba(55, 65, 81, .55)';
  g.lineWidth = 1;
  for (const f of ev) {
    const s = f.ph === 'f' && starts.get(f.id);
    if (!s || s.ts < from || !lane.has(s.tid) || !lane.has(f.tid)) continue;
    g.beginPath();
    g.moveTo(x(s.ts), y(s.tid) + 6);
    g.lineTo(x(f.ts), y(f.tid) + 6);
    g.stroke();
    flows++;
  }
  const seconds = Math.min(SECONDS, Math.max(0, (now - first) / 1e6)).toFixed(1); // of history shown
  Object.assign(canvas.dataset, { lanes: tids.length, slices, flows, seconds });
}
