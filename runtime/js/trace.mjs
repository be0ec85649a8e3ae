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
const HOST_TID = 0; // the host's track: settles, timer firings
const TIMER = -1; // the scheduler's timer's span, beside the op ids
const STEP = 0.001; // µs: every event is at least this much later than the one before
const KINDS = Object.fromEntries(Object.entries(waitKinds).map(([k, v]) => [v, k.toLowerCase().replace(/_/g, '-')]));
const isNode = typeof process === 'object' && !!process.versions?.node;
export const NAME_MAX = 120; // characters kept of a name or a reason (a fetch's URL can be a 60 KB data: URL)
const PIECE = 1 << 20; // characters save() writes at a time

/** `s`, cut to NAME_MAX characters (its last one an ellipsis) if longer. */
export const clip = (s) => (typeof s === 'string' && s.length > NAME_MAX ? `${s.slice(0, NAME_MAX - 1)}…` : s);

/** Node's fs/promises, imported by a name bundlers building for the web leave alone. */
const FS = 'node:fs/promises';
const fsp = () => import(/* @vite-ignore */ FS);

let envLoads = 0; // the loads so far that WEFT_TRACE traced

/** The file the nth load() traced by WEFT_TRACE=FILE writes: FILE for the
 * first, then FILE with -2, -3, ... before its extension (trace.json,
 * trace-2.json), so that two programs in one process never share one. */
export function envTraceFile(file, n) {
  return n <= 1 ? file : file.replace(/(\.[^./\\]+)?$/, (ext) => `-${n}${ext}`);
}

/** The trace options of load(): null (off), or { file, limit }. Throws a
 * TypeError naming the bad value. In Node, WEFT_TRACE=file stands for an
 * absent `trace` (envTraceFile: each load() in the process its own file). */
export function traceOptions(options) {
  let want = options.trace;
  const fromEnv = want === undefined && isNode && !!process.env.WEFT_TRACE;
  if (fromEnv) want = process.env.WEFT_TRACE;
  const limit = options.traceLimit ?? TRACE_LIMIT;
  if (!(Number.isInteger(limit) && limit >= 10 && limit <= 1e7)) {
    throw new TypeError(`weft: traceLimit is an integer from 10 to 10000000 (records kept), not ${String(limit)}`);
  }
  if (fromEnv) return { file: envTraceFile(want, ++envLoads), limit };
  if (want === undefined || want === false) return null;
  if (want === true) return { file: null, limit };
  if (typeof want === 'string' && want !== '' && isNode) return { file: want, limit };
  throw new TypeError(`weft: trace is true, false${isNode ? ' or a file name' : ' (a file name works only in Node)'}, not ${typeof want === 'string' ? JSON.stringify(want) : String(want)}`);
}

// The ring's records, in typed arrays (no object per event, so no garbage
// while tracing): what each kind keeps in tid, ts, end, aux, name, text.
const RUN = 0; // a running slice:    tid, ts, end
const WAIT = 1; // a wait:            tid, ts, end, name (its kind), text (its reason)
const EXIT = 2; // an end:            tid, ts, aux (its error)
const SPAN = 3; // a host operation:  ts, end, name, text (how it ended)
const FLOW = 4; // a wake:            tid (woken), ts, end (its run), aux (the waker's track), text (the waker's moment)
const HOST = 5; // the host's slice:  ts, end, name

export class Trace {
  constructor(limit, file = null) {
    this.limit = limit;
    this.file = file;
    this.kind = new Uint8Array(limit);
    this.tid = new Int32Array(limit);
    this.aux = new Int32Array(limit);
    this.ts = new Float64Array(limit);
    this.end = new Float64Array(limit);
    this.name = new Array(limit).fill(null);
    this.text = new Array(limit).fill(null);
    this.head = 0;
    this.size = 0;
    this.dropped = 0;
    this.t0 = performance.now();
    this.last = 0;
    this.cos = new Map(); // coroutine id -> its open run and wait, and who woke it
    this.names = new Map(); // live coroutines' names
    this.gone = new Map(); // finished ones', oldest first (at most `limit`)
    this.spans = new Map(); // op id, or TIMER -> an open host span
    this.hostName = null; // the host slice in progress (a settle, a timer firing), and when it began
    this.hostTs = 0;
    this.endedId = 0; // the coroutine that ended last, and a moment inside its last slice
    this.endedTs = 0;
  }

  /** Now, in µs since load, strictly after the last event. */
  now() {
    const t = (performance.now() - this.t0) * 1000;
    this.last = t > this.last + STEP ? t : this.last + STEP;
    return this.last;
  }
  push(kind, tid, ts, end, aux, name, text) {
    let i;
    if (this.size < this.limit) {
      i = (this.head + this.size) % this.limit;
      this.size++;
    } else {
      i = this.head;
      this.head = (this.head + 1) % this.limit;
      this.dropped++;
    }
    this.kind[i] = kind;
    this.tid[i] = tid;
    this.ts[i] = ts;
    this.end[i] = end;
    this.aux[i] = aux;
    this.name[i] = name;
    this.text[i] = text;
  }
  co(id) {
    let st = this.cos.get(id);
    if (!st) {
      st = { run: -1, waitTs: -1, waitKind: '', reason: '', fromTid: -1, fromTs: 0 };
      this.cos.set(id, st);
    }
    return st;
  }

  /** weft_host_trace: one of the kernel's events (abi.h's WEFT_ABI_TRACE_*). */
  event(ev, id, detail, text) {
    const t = this.now();
    const st = this.co(id);
    switch (ev) {
      case abi.TRACE_SPAWN:
        this.names.set(id, clip(text));
        break;
      case abi.TRACE_RESUME:
        if (st.waitTs >= 0) this.push(WAIT, id, st.waitTs, t, 0, st.waitKind, st.reason);
        st.waitTs = -1;
        st.run = t;
        if (st.fromTid >= 0) { // the flow ends inside this run
          this.push(FLOW, id, st.fromTs, t + STEP / 2, st.fromTid, null, null);
          st.fromTid = -1;
        }
        break;
      case abi.TRACE_SUSPEND:
        if (st.run >= 0) this.push(RUN, id, st.run, t, 0, null, null);
        st.run = -1;
        st.waitTs = t;
        st.waitKind = KINDS[detail] ?? `wait ${detail}`;
        st.reason = text === null ? 'its next turn' : clip(text);
        break;
      case abi.TRACE_WAKE:
        if (detail > 0) { // inside the waker's run, or at the end of its last (its end woke a joiner, an owner)
          st.fromTid = detail;
          st.fromTs = this.cos.get(detail) === undefined && this.endedId === detail ? this.endedTs : t;
        } else if (this.hostName !== null) { // inside the host's slice
          st.fromTid = HOST_TID;
          st.fromTs = t;
        }
        break;
      case abi.TRACE_EXIT:
        if (st.run >= 0) this.push(RUN, id, st.run, t, 0, null, null);
        if (st.waitTs >= 0) this.push(WAIT, id, st.waitTs, t, 0, st.waitKind, st.reason);
        this.push(EXIT, id, t, t, detail, null, null);
        this.cos.delete(id);
        this.endedId = id;
        this.endedTs = t - STEP / 2;
        if (this.names.has(id)) this.gone.set(id, this.names.get(id));
        this.names.delete(id);
        if (this.gone.size > this.limit) this.gone.delete(this.gone.keys().next().value);
        break;
      default:
    }
  }

  /** A host operation begins (a fetch, a host function's promise). */
  spanBegin(key, name) {
    this.spans.set(key, { name: clip(name), ts: this.now() });
  }
  /** ...and ends: `how` says how (a status, 'fired', 'dropped'). */
  spanEnd(key, how) {
    const s = this.spans.get(key);
    if (!s) return;
    this.spans.delete(key);
    this.push(SPAN, HOST_TID, s.ts, this.now(), 0, s.name, clip(how));
  }
  /** The scheduler's timer is armed to fire in `ms`. */
  timerArmed(ms) { this.spanBegin(TIMER, `timer ${ms} ms`); }
  /** ...and is no longer: `how` it ended ('fired', 'cleared'). */
  timerEnded(how) { this.spanEnd(TIMER, how); }
  /** The host calls into the program for `name` (a settle, the timer): the
   * coroutines it wakes get a flow from here. */
  hostBegin(name) {
    this.hostName = clip(name);
    this.hostTs = this.now();
  }
  hostEnd() {
    if (this.hostName !== null) this.push(HOST, HOST_TID, this.hostTs, this.now(), 0, this.hostName, null);
    this.hostName = null;
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
    const events = [{ ph: 'M', name: 'process_name', pid: PID, tid: HOST_TID, args: { name: 'weft' } },
      { ph: 'M', name: 'thread_name', pid: PID, tid: HOST_TID, args: { name: 'host' } }];
    for (const names of [this.gone, this.names]) {
      for (const [id, name] of names) {
        events.push({ ph: 'M', name: 'thread_name', pid: PID, tid: id, args: { name: `#${id} ${name}` } },
          { ph: 'M', name: 'thread_sort_index', pid: PID, tid: id, args: { sort_index: id } });
      }
    }
    let ids = 0;
    const slice = (name, cat, tid, ts, end, args) => ({ ph: 'X', name, cat, pid: PID, tid, ts, dur: end - ts, args });
    const span = (name, ts, end, how) => {
      const common = { cat: 'host', name, id: ++ids, pid: PID, tid: HOST_TID };
      events.push({ ph: 'b', ts, ...common }, { ph: 'e', ts: end, ...common, args: { end: how } });
    };
    for (let n = 0; n < this.size; n++) {
      const i = (this.head + n) % this.limit, tid = this.tid[i], ts = this.ts[i], end = this.end[i];
      switch (this.kind[i]) {
        case RUN: events.push(slice('running', 'run', tid, ts, end)); break;
        case WAIT: events.push(slice(this.name[i], 'wait', tid, ts, end, { reason: this.text[i] })); break;
        case HOST: events.push(slice(this.name[i], 'host', tid, ts, end)); break;
        case EXIT:
          events.push({ ph: 'i', s: 't', name: this.aux[i] ? 'stopped' : 'returned', cat: 'exit', pid: PID, tid, ts,
            args: { error: this.aux[i] } });
          break;
        case SPAN: span(this.name[i], ts, end, this.text[i]); break;
        case FLOW: {
          const id = ++ids;
          events.push({ ph: 's', name: 'wake', cat: 'flow', id, pid: PID, tid: this.aux[i], ts },
            { ph: 'f', bp: 'e', name: 'wake', cat: 'flow', id, pid: PID, tid, ts: end });
          break;
        }
        default:
      }
    }
    const t = this.now(), open = { unfinished: true };
    for (const [id, st] of this.cos) {
      if (st.run >= 0) events.push(slice('running', 'run', id, st.run, t, open));
      if (st.waitTs >= 0) events.push(slice(st.waitKind, 'wait', id, st.waitTs, t, { reason: st.reason, ...open }));
    }
    for (const s of this.spans.values()) span(s.name, s.ts, t, 'unfinished');
    return { traceEvents: events, displayTimeUnit: 'ms',
      otherData: { producer: 'weft', limit: this.limit, dropped: this.dropped } };
  }

  /** Node: write the trace to its file. */
  async save() {
    const { open } = await fsp();
    const { traceEvents, ...rest } = this.toJSON();
    const file = await open(this.file, 'w');
    try { // in pieces of about PIECE characters: a whole large trace would pass the engine's longest string
      let piece = '{"traceEvents":[\n';
      for (let i = 0; i < traceEvents.length; i++) {
        piece += (i ? ',\n' : '') + JSON.stringify(traceEvents[i]);
        if (piece.length >= PIECE) {
          await file.write(piece);
          piece = '';
        }
      }
      await file.write(`${piece}\n],${JSON.stringify(rest).slice(1)}\n`);
    } finally {
      await file.close();
    }
  }
  /** Node, at load: the file can be written (a clear error now, not at the end). */
  async check() {
    const { writeFile } = await fsp();
    try {
      await writeFile(this.file, '{"traceEvents":[]}');
    } catch (e) {
      throw new Error(`weft: cannot write the trace file ${this.file}: ${e.message}`);
    }
  }
}
