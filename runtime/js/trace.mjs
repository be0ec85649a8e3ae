// trace.mjs — the program's life as a Chrome trace, the JSON that Perfetto
// (ui.perfetto.dev) and chrome://tracing open: a track per coroutine with
// its running slices and its waits (named by wait kind, with what it waited
// for), the host's operations (fetches, JS calls, the scheduler's timer) as
// async spans, and flow arrows from whatever woke a coroutine (a settle, a
// timer, another coroutine) to the run it caused. The kernel reports its
// events through weft_host_trace only once the host turns tracing on
// (weft__trace); off, each event point costs one branch. Memory is bounded:
// the last `limit` records (a slice, a host span, a flow) are kept.
import { abi, waitKinds } from './contract.mjs';

export const TRACE_LIMIT = 100000; // records kept by default
const PID = 1;
const HOST = 0; // the host's track: settles, timer firings
const TIMER = -1; // the scheduler's timer's span, beside the op ids
const STEP = 0.001; // µs: every event is at least this much later than the one before
const KINDS = Object.fromEntries(Object.entries(waitKinds).map(([k, v]) => [v, k.toLowerCase().replace(/_/g, '-')]));
const isNode = typeof process === 'object' && !!process.versions?.node;

/** The trace options of load(): null (off), or { file, limit }. Throws a
 * TypeError naming the bad value. In Node, WEFT_TRACE=file stands for an
 * absent `trace`. */
export function traceOptions(options) {
  let want = options.trace;
  if (want === undefined && isNode && process.env.WEFT_TRACE) want = process.env.WEFT_TRACE;
  const limit = options.traceLimit ?? TRACE_LIMIT;
  if (!(Number.isInteger(limit) && limit >= 10 && limit <= 1e8)) {
    throw new TypeError(`weft: traceLimit is an integer from 10 to 100000000 (records kept), not ${String(limit)}`);
  }
  if (want === undefined || want === false) return null;
  if (want === true) return { file: null, limit };
  if (typeof want === 'string' && want !== '' && isNode) return { file: want, limit };
  throw new TypeError(`weft: trace is true, false${isNode ? ' or a file name' : ' (a file name works only in Node)'}, not ${typeof want === 'string' ? JSON.stringify(want) : String(want)}`);
}

export class Trace {
  constructor(limit, file = null) {
    this.limit = limit;
    this.file = file;
    this.ring = new Array(limit); // records: an event, or an array of events that go together
    this.head = 0;
    this.size = 0;
    this.dropped = 0;
    this.t0 = performance.now();
    this.last = 0;
    this.cos = new Map(); // coroutine id -> { run, wait, from }: its open slices, who woke it
    this.names = new Map(); // live coroutines' names
    this.gone = new Map(); // finished ones', oldest first (at most `limit`)
    this.spans = new Map(); // op id, or TIMER -> an open host span
    this.nextSpan = 0;
    this.nextFlow = 0;
    this.host = null; // the host slice in progress (a settle, a timer firing)
    this.ended = null; // the coroutine that ended last, and a moment inside its last slice
  }

  /** Now, in µs since load, strictly after the last event. */
  now() {
    const t = (performance.now() - this.t0) * 1000;
    this.last = t > this.last + STEP ? t : this.last + STEP;
    return this.last;
  }
  push(record) {
    if (this.size < this.limit) {
      this.ring[(this.head + this.size) % this.limit] = record;
      this.size++;
    } else {
      this.ring[this.head] = record;
      this.head = (this.head + 1) % this.limit;
      this.dropped++;
    }
  }
  co(id) {
    let st = this.cos.get(id);
    if (!st) this.cos.set(id, st = { run: null, wait: null, from: null });
    return st;
  }
  slice(name, cat, tid, ts, end, args) {
    this.push({ ph: 'X', name, cat, pid: PID, tid, ts, dur: end - ts, args });
  }

  /** weft_host_trace: one of the kernel's events (abi.h's WEFT_ABI_TRACE_*). */
  event(ev, id, detail, text) {
    const t = this.now();
    const st = this.co(id);
    switch (ev) {
      case abi.TRACE_SPAWN:
        this.names.set(id, text);
        break;
      case abi.TRACE_RESUME:
        if (st.wait) this.slice(st.wait.kind, 'wait', id, st.wait.ts, t, { reason: st.wait.reason });
        st.wait = null;
        st.run = t;
        if (st.from) { // the flow ends inside this run
          const flow = ++this.nextFlow;
          this.push([{ ph: 's', name: 'wake', cat: 'flow', id: flow, pid: PID, tid: st.from.tid, ts: st.from.ts },
            { ph: 'f', bp: 'e', name: 'wake', cat: 'flow', id: flow, pid: PID, tid: id, ts: t + STEP / 2 }]);
          st.from = null;
        }
        break;
      case abi.TRACE_SUSPEND:
        if (st.run !== null) this.slice('running', 'run', id, st.run, t);
        st.run = null;
        st.wait = { ts: t, kind: KINDS[detail] ?? `wait ${detail}`, reason: text ?? 'its next turn' };
        break;
      case abi.TRACE_WAKE:
        if (detail > 0) { // inside the waker's run, or at the end of its last (its end woke a joiner, an owner)
          const ended = this.cos.get(detail) === undefined && this.ended?.id === detail;
          st.from = { tid: detail, ts: ended ? this.ended.ts : t };
        }
        else if (this.host) st.from = { tid: HOST, ts: t }; // inside the host's slice
        break;
      case abi.TRACE_EXIT:
        if (st.run !== null) this.slice('running', 'run', id, st.run, t);
        if (st.wait) this.slice(st.wait.kind, 'wait', id, st.wait.ts, t, { reason: st.wait.reason });
        this.push({ ph: 'i', s: 't', name: detail ? 'stopped' : 'returned', cat: 'exit', pid: PID, tid: id, ts: t,
          args: { error: detail } });
        this.cos.delete(id);
        this.ended = { id, ts: t - STEP / 2 };
        if (this.names.has(id)) this.gone.set(id, this.names.get(id));
        this.names.delete(id);
        if (this.gone.size > this.limit) this.gone.delete(this.gone.keys().next().value);
        break;
      default:
    }
  }

  /** A host operation begins (a fetch, a host function's promise). */
  spanBegin(key, name) {
    this.spans.set(key, { id: ++this.nextSpan, name, ts: this.now() });
  }
  /** ...and ends: `how` says how (a status, 'fired', 'dropped'). */
  spanEnd(key, how) {
    const s = this.spans.get(key);
    if (!s) return;
    this.spans.delete(key);
    const common = { cat: 'host', name: s.name, id: s.id, pid: PID, tid: HOST };
    this.push([{ ph: 'b', ts: s.ts, ...common }, { ph: 'e', ts: this.now(), ...common, args: { end: how } }]);
  }
  /** The scheduler's timer is armed to fire in `ms`. */
  timerArmed(ms) { this.spanBegin(TIMER, `timer ${ms} ms`); }
  /** ...and is no longer: `how` it ended ('fired', 'cleared'). */
  timerEnded(how) { this.spanEnd(TIMER, how); }
  /** The host calls into the program for `name` (a settle, the timer): the
   * coroutines it wakes get a flow from here. */
  hostBegin(name) { this.host = { name, ts: this.now() }; }
  hostEnd() {
    const h = this.host;
    this.host = null;
    if (h) this.slice(h.name, 'host', HOST, h.ts, this.now());
  }
  /** An op settles: its span ends and the settle's slice begins. */
  settle(op, status) {
    const name = this.spans.get(op)?.name ?? `op ${op}`;
    this.spanEnd(op, status);
    this.hostBegin(`settle: ${name}`);
  }

  /** The trace so far: { traceEvents, displayTimeUnit, otherData }. What
   * is still open (a run, a wait, a host operation) ends now, marked
   * `unfinished`. */
  toJSON() {
    const events = [{ ph: 'M', name: 'process_name', pid: PID, tid: HOST, args: { name: 'weft' } },
      { ph: 'M', name: 'thread_name', pid: PID, tid: HOST, args: { name: 'host' } }];
    for (const names of [this.gone, this.names]) {
      for (const [id, name] of names) {
        events.push({ ph: 'M', name: 'thread_name', pid: PID, tid: id, args: { name: `#${id} ${name}` } },
          { ph: 'M', name: 'thread_sort_index', pid: PID, tid: id, args: { sort_index: id } });
      }
    }
    for (let i = 0; i < this.size; i++) {
      const r = this.ring[(this.head + i) % this.limit];
      if (Array.isArray(r)) events.push(...r);
      else events.push(r);
    }
    const t = this.now(), open = { unfinished: true };
    for (const [id, st] of this.cos) {
      if (st.run !== null) events.push({ ph: 'X', name: 'running', cat: 'run', pid: PID, tid: id, ts: st.run, dur: t - st.run, args: open });
      if (st.wait) {
        events.push({ ph: 'X', name: st.wait.kind, cat: 'wait', pid: PID, tid: id, ts: st.wait.ts, dur: t - st.wait.ts,
          args: { reason: st.wait.reason, ...open } });
      }
    }
    for (const s of this.spans.values()) {
      const common = { cat: 'host', name: s.name, id: s.id, pid: PID, tid: HOST };
      events.push({ ph: 'b', ts: s.ts, ...common }, { ph: 'e', ts: t, ...common, args: { end: 'unfinished' } });
    }
    return { traceEvents: events, displayTimeUnit: 'ms',
      otherData: { producer: 'weft', limit: this.limit, dropped: this.dropped } };
  }

  /** Node: write the trace to its file. */
  async save() {
    const fs = 'node:fs/promises'; // opaque to bundlers building for the web
    const { writeFile } = await import(/* @vite-ignore */ fs);
    await writeFile(this.file, JSON.stringify(this.toJSON()));
  }
  /** Node, at load: the file can be written (a clear error now, not at the end). */
  async check() {
    const fs = 'node:fs/promises';
    const { writeFile } = await import(/* @vite-ignore */ fs);
    try {
      await writeFile(this.file, '{"traceEvents":[]}');
    } catch (e) {
      throw new Error(`weft: cannot write the trace file ${this.file}: ${e.message}`);
    }
  }
}
