// weft.mjs — the JS host: loads a weft program (an Emscripten ES module and
// its .wasm) in Node, a page or a Web Worker, and joins its scheduler to the
// event loop. The runtime asks for at most one timer (for the earliest
// sleeper) and for "immediate" turns; the host answers by calling back into
// the scheduler, which runs every ready coroutine and returns. The host
// also shows the program's output, and ends every wait JS has on it (run(),
// program.call) with a result or an error: after a failure, after exit(),
// and in Node when the event loop drains while a wait could never end.

const isNode = typeof process === 'object' && !!process.versions?.node;

import { abi, imports as importNames } from './contract.mjs';
import { WeftError, codes, codeNames } from './errors.mjs';
import { Bridge } from './bridge.mjs';
import { FetchHost } from './fetch.mjs';
import { StdinHost, StreamHost, connectSocket } from './fd.mjs';
import { Memory } from './memory.mjs';
import { Jspi } from './jspi.mjs';
import { resolveBuild, readWasm, sourceMapOf } from './backend.mjs';
import { Trace, traceOptions } from './trace.mjs';

export { WeftError, codes };

// A host turn without setTimeout's clamp: setImmediate where it exists
// (Node), else a MessageChannel message (pages and workers).
const immediate = (() => {
  if (typeof setImmediate === 'function') return (fn) => setImmediate(fn);
  const channel = new MessageChannel();
  const queue = [];
  channel.port1.onmessage = () => queue.shift()();
  return (fn) => { queue.push(fn); channel.port2.postMessage(0); };
})();

// Browsers clamp a timer armed in a timer task nested more than five deep
// to at least 4 ms (HTML's timer nesting level): the host timer, re-armed
// from its own callback for the next sleeper, would wake each short sleep
// 4 ms late. There a timer shorter than that is armed from a host turn (a
// message, not a timer task), where the nesting starts again. Node has no
// such clamp.
const clampsNested = typeof setImmediate !== 'function';
class LaterTimer { handle = null; } // armed at the next host turn: until then, no handle

// Output. The program's stdout and stderr reach the host as raw bytes
// (library_weft.js replaces Emscripten's line buffer, which keeps a last
// line without '\n' forever). In Node without a callback they are written
// as they come, so a terminal shows partial lines and '\r' progress lines
// at once. Otherwise they are cut into lines for the callback (or the
// console): a partial line is passed when the program hands control back
// to the event loop (the end of every host turn, and its end), and the
// rest of that line, when it comes, as a line of its own.
class Output {
  constructor(line, raw) {
    this.line = line;     // (text) => void, or null
    this.raw = raw;       // a Node stream, or null
    this.decoder = new TextDecoder();
    this.partial = '';
    this.continued = false; // a partial line was passed: its '\n' ends no new line
  }
  bytes(u8) {
    if (this.raw) this.raw.write(u8);
    else this.text(this.decoder.decode(u8, { stream: true }));
  }
  text(t) {
    if (this.raw) { this.raw.write(t); return; }
    if (!t) return;
    const lines = (this.partial + t).split('\n');
    this.partial = lines.pop();
    if (this.continued && lines.length && lines[0] === '') lines.shift();
    this.continued = false;
    for (const l of lines) this.line(l);
  }
  flush() {
    if (this.raw || !this.partial) return;
    const l = this.partial;
    this.partial = '';
    this.continued = true;
    this.line(l);
  }
}

function outputTo(callback, stream, fallback) {
  if (callback) return new Output(callback, null);
  if (isNode && stream) return new Output(null, stream);
  return new Output(fallback, null);
}

// weft_info's states (weft.h: WEFT_READY ... WEFT_DONE), as program.list() names them.
const STATES = ['ready', 'running', 'blocked', 'done'];

class Host {
  constructor(options) {
    this.out = outputTo(options.stdout, isNode && process.stdout, (line) => console.log(line));
    this.err = outputTo(options.stderr, isNode && process.stderr, (line) => console.error(line));
    this.depth = 0; // calls into wasm in progress
    this.stopped = null; // once the program cannot go on: the error later calls get
    this.waits = 0; // program.call() and next() promises not yet settled
    this.watching = false;
    this.drained = () => this.onDrain();
    this.interrupted = () => this.onInterrupt();
    this.timerHandle = null;
    this.wakePending = false;
    this.done = null; // {resolve, reject} while a program runs
    this.mod = null;
    this.raw = null; // the instance's own exports: no Emscripten wrapper on the hot path
    this.memory = null; // its linear memory (memory.mjs)
    this.tracer = null; // a Trace (trace.mjs) while tracing
    this.settleTicks = false; // the program's weft__settle takes `tick` (a weft older than that ignores it)
    this.settleFn = this.tickFn = null; // the exports weft__settle and weft__tick, for invoke()
    this.onEvent = options.onHostEvent ?? null;
    if (this.onEvent !== null && typeof this.onEvent !== 'function') throw new TypeError('weft: onHostEvent is not a function');
    this.bridge = new Bridge(this);
    this.fetch = new FetchHost(this, this.bridge);
    this.stdin = new StdinHost(this, options.stdin);
    this.streams = new StreamHost(this);
    this.define('weft_socket_connect', (url) => connectSocket(url, codes)); // (options.functions may replace it)
    for (const [name, fn] of Object.entries(options.functions ?? {})) this.define(name, fn);
    this.tick = () => { this.wakePending = false; this.invoke(this.tickFn); };
    // After settles: one tick at the end of the microtask checkpoint, for
    // however many promises settle in it.
    this.tickPending = false;
    this.resolved = Promise.resolve();
    this.tickJob = () => { this.tickPending = false; this.invoke(this.tickFn); };
    this.fired = () => {
      this.timerHandle = null;
      this.report({ type: 'timer', ms: null });
      const t = this.tracer;
      if (t === null) return this.enter('weft__timer_fired');
      t.timerEnded('fired');
      t.hostBegin('timer fired');
      this.enter('weft__timer_fired');
      return t.hostEnd();
    };
    const { ops, handles, functions, exports } = this.bridge, f = this.fetch;
    // What runtime/js/library_weft.js forwards each weft_host_NAME import
    // to (and its fd_write and stack-overflow hooks): the implementations
    // themselves.
    this.imports = {
      timer: this.timer.bind(this),
      wake: this.wake.bind(this),
      exit: this.exit.bind(this),
      fatal: this.fatal.bind(this),
      write: this.write.bind(this),
      stack_checked: this.stackChecked.bind(this),
      stack_limits: this.stackLimits.bind(this),
      trace: (ev, co, detail, text) => this.tracer?.event(ev, co, detail, text ? this.memory.string(text) : null),
      stack_overflow: this.stackOverflow.bind(this),
      call: functions.call.bind(functions),
      take: ops.take.bind(ops),
      drop: ops.drop.bind(ops),
      handle_free: handles.free.bind(handles),
      export_done: exports.done.bind(exports),
      export_yield: exports.yielded.bind(exports),
      fetch: f.fetch.bind(f),
      response_status: f.responseStatus.bind(f),
      response_text: f.responseText.bind(f),
      response_read: f.responseRead.bind(f),
      response_free: f.responseFree.bind(f),
      abort_new: f.abortNew.bind(f),
      abort: f.abort.bind(f),
      stdin_read: (buf, cap) => this.stdin.read(buf, cap),
      stdin_close: () => this.stdin.release(),
      stream_open: (h) => (handles.get(h) === undefined ? codes.EHANDLE : this.streams.add(handles.get(h), codes)),
      stream_read: (id, buf, cap) => this.streams.read(id, buf, cap),
      stream_write: (id, buf, n, whole) => this.streams.write(id, buf, n, whole),
      stream_poll: (id, want) => this.streams.poll(id, want),
      stream_close: (id) => this.streams.close(id),
    };
    const missing = importNames.filter((n) => typeof this.imports[n] !== 'function');
    if (missing.length) throw new Error(`weft: the host implements no ${missing.join(', ')} (runtime/src/abi.h's WEFT_IMPORTS)`);
  }

  /** Register a host function; WEFT_JS_FUNCTION calls this during start-up. */
  define(name, fn) { this.bridge.functions.define(name, fn); }

  /** Tell options.onHostEvent; what it throws is ignored. */
  report(event) {
    if (this.onEvent === null) return;
    try {
      this.onEvent(event);
    } catch { /* an observer's own failure */ }
  }

  /** weft_host_timer: arm the one timer for the earliest sleeper (ms >= 0), or clear it. */
  timer(ms) {
    const armed = this.timerHandle !== null;
    if (armed) clearTimeout(this.timerHandle instanceof LaterTimer ? this.timerHandle.handle : this.timerHandle);
    const delay = Math.ceil(ms);
    this.timerHandle = ms < 0 ? null : clampsNested && delay < 4 ? this.armLater(delay) : setTimeout(this.fired, delay);
    if (ms >= 0 || armed) this.report({ type: 'timer', ms: ms < 0 ? null : delay });
    if (this.tracer === null) return;
    if (armed) this.tracer.timerEnded('cleared');
    if (ms >= 0) this.tracer.timerArmed(delay);
  }
  /** A short timer armed from the next host turn (see clampsNested). */
  armLater(delay) {
    const t = new LaterTimer();
    immediate(() => { if (this.timerHandle === t) t.handle = setTimeout(this.fired, delay); });
    return t;
  }
  /** A host operation settled (ops.mjs): its coroutine is ready, with the
   * result if it is a number (`type`, `value`: runtime/src/host/ops.c's
   * weft__settle), and runs in the one tick queued for this checkpoint.
   * `alone`: no other op is in flight, so no other settle can come in this
   * checkpoint to share that tick: unless one is queued already, it runs
   * now, in this promise job, rather than in a job of its own (not when
   * tracing, whose settle slice ends before the tick it causes; nor for a
   * program built with a weft whose weft__settle has no `tick`). */
  settle(op, status, type, value, alone) {
    if (this.tracer === null) {
      const now = alone && this.settleTicks && !this.tickPending;
      this.invoke(this.settleFn, op, status, type, value, now ? 1 : 0);
      if (!now) this.tickSoon();
      return;
    }
    this.tracer.settle(op, status);
    this.invoke(this.settleFn, op, status, type, value, 0);
    this.tracer.hostEnd();
    this.tickSoon();
  }
  /** A descriptor the host feeds (fd.mjs) has data, room or its end: its
   * waiters are ready, and run in the tick queued for this checkpoint. */
  fdReady() {
    this.enter('weft__fd_ready');
    this.tickSoon();
  }
  /** One tick at the end of this microtask checkpoint. */
  tickSoon() {
    if (this.tickPending) return;
    this.tickPending = true;
    this.resolved.then(this.tickJob); // a promise job: cheaper than queueMicrotask in Chromium
  }
  /** weft_host_wake: a tick on the host's next turn. */
  wake() {
    if (this.wakePending) return;
    this.wakePending = true;
    immediate(this.tick);
  }
  /** weft_host_exit: main returned and no coroutine lives. */
  exit(status) { this.settleRun((d) => d.resolve(status)); }
  /** weft_host_fatal: the program cannot go on (a deadlock). */
  fatal(code, msg) { this.fail(new WeftError(code, this.memory.string(msg))); }
  /** weft_host_stack_checked: whether this build checks every frame against the coroutine's stack. */
  stackChecked() { return this.raw.__set_stack_limits ? 1 : 0; }
  /** weft_host_stack_limits: the running coroutine's stack, for that check. */
  stackLimits(base, end) { this.raw.__set_stack_limits(base, end); }
  /** What library_weft.js throws when that check fails: it stops the coroutine. */
  stackOverflow(sp) {
    return Object.assign(new Error(`it overflowed its C stack (stack pointer would be 0x${sp.toString(16)})`),
      { weftCode: codes.ESTACK });
  }

  /** Settle run() if it is pending. */
  settleRun(how) {
    const d = this.done;
    this.done = null;
    this.stdin.release(); // the program's end: stdin's source and the streams are let go
    this.streams.releaseAll();
    this.idle();
    if (d) how(d);
  }

  /** fd_write for stdout and stderr (library_weft.js). */
  write(fd, iov, n, pnum) {
    const m = this.memory, out = fd === 1 ? this.out : this.err;
    const stride = abi.IOV_STRIDE, half = stride / 2; // { base, len }
    let total = 0;
    for (let i = 0; i < n; i++) {
      const p = m.u32(iov + stride * i), len = m.u32(iov + stride * i + half);
      if (len) out.bytes(m.bytes(p, len));
      total += len;
    }
    m.setU32(pnum, total);
    return 0;
  }

  /** The program cannot go on (`error`, a WeftError): run() and every call
   * in flight reject with it, later calls with "the program has stopped",
   * and what JS holds for it is let go. The runtime has stopped its
   * coroutines (or, after a trap in its scheduler, cannot be trusted to). */
  fail(error, reason = error.message.replace(/^weft: /, '').split('\n')[0]) {
    if (this.stopped) return;
    this.stopped = new WeftError(error.errno ?? codes.EHOST, `weft: the program has stopped: ${reason}`);
    this.timer(-1);
    this.stdin.release();
    this.streams.releaseAll();
    this.settleRun((d) => d.reject(error)); // (and stops watching the event loop)
    this.bridge.shutdown(error); // calls rejected, fetches aborted, handles released
  }

  /** After a trap in the scheduler nothing will call export_done: free the
   * calls' arguments here. */
  abandonCalls() { this.bridge.exports.abandon(); }

  /** C exit(): run() resolves with the status; the program is over. */
  exited(status) {
    const error = new WeftError(codes.ECANCELED, `weft: the program exited with status ${status}`);
    this.settleRun((d) => d.resolve(status));
    this.fail(error, `it exited with status ${status}`);
    try {
      this.raw.weft__halt(); // stops every coroutine: their ops, calls and memory
    } catch {
      this.abandonCalls();
    }
  }

  // Node: when the event loop has nothing left to do while JS waits for
  // run() or a call, the wait could never end; the runtime reports what
  // each coroutine waits for and the program fails, instead of Node
  // exiting without a word (code 13).
  watch() {
    if (!isNode || this.watching || this.stopped) return;
    this.watching = true;
    process.on('beforeExit', this.drained);
    process.on('SIGINT', this.interrupted);
  }
  /** Stop watching once JS waits for nothing. */
  idle() {
    if (!this.watching || (!this.stopped && (this.done || this.waits))) return;
    process.off('beforeExit', this.drained);
    process.off('SIGINT', this.interrupted);
    this.watching = false;
  }
  // Ctrl-C while the program runs: the table of coroutines goes to its
  // stderr, then Node does what it would have done without this listener
  // (the signal's default: the process ends, 130 in a shell), unless
  // someone else listens for SIGINT too.
  onInterrupt() {
    this.dump('interrupted (SIGINT)');
    process.off('SIGINT', this.interrupted);
    this.watching = false;
    process.off('beforeExit', this.drained);
    if (process.listenerCount('SIGINT') === 0) {
      process.kill(process.pid, 'SIGINT');
      setTimeout(() => process.exit(130), 200); // if the signal did not end it
    }
  }
  /** Every coroutine (weft__list_text): [] once the program has stopped. */
  list() {
    if (this.stopped || !this.raw) return [];
    const p = this.enter('weft__list_text');
    if (!p) {
      if (this.stopped) return [];
      throw new WeftError(codes.ENOMEM, 'weft: no memory to list the coroutines');
    }
    const text = this.memory.string(p);
    this.memory.free(p);
    return text.split('\n').filter(Boolean).map((line) => {
      const [id, name, state, save, stack, waits] = line.split('\t');
      return { id: Number(id), name, state: STATES[state] ?? String(state), waits,
        saveBytes: Number(save), stackBytes: Number(stack) };
    });
  }
  /** The table weft_dump prints, to the program's stderr; `why` heads it. */
  dump(why) {
    let all;
    try {
      all = this.list();
    } catch (e) {
      this.err.text(`weft: ${e.message}\n`);
      this.err.flush();
      return;
    }
    const pad = (v, n, left) => (left ? String(v).padEnd(n) : String(v).padStart(n));
    const lines = [`weft: ${why ? `${why}: ` : ''}${all.length} coroutine(s)`,
      `${pad('id', 6)}  ${pad('name', 23, true)}  ${pad('state', 8, true)}  ${pad('save B', 8)}  ${pad('stack B', 8)}  waits for`];
    for (const c of all) {
      lines.push(`${pad(c.id, 6)}  ${pad(c.name, 23, true)}  ${pad(c.state, 8, true)}  ${pad(c.saveBytes, 8)}  ${pad(c.stackBytes, 8)}  ${c.waits}`);
    }
    this.err.text(`${lines.join('\n')}\n`);
    this.err.flush();
  }
  onDrain() {
    if (this.stopped || (!this.done && !this.waits)) return this.idle();
    // Node's AbortSignal.timeout timers do not keep the loop alive: while a
    // fetch's timeout still runs, a (ref'd) timer waits for it instead.
    const deadline = this.fetch.untilDeadline();
    if (deadline !== null) {
      setTimeout(() => {}, Math.ceil(deadline) + 1);
      return undefined;
    }
    if (this.list().length) this.dump('stalled');
    if (!this.enter('weft__stall')) {
      this.fail(new WeftError(codes.EDEADLK, 'weft: stalled: the event loop has nothing left to do while JS waits'));
    }
    return this.idle();
  }
  /** Count a promise JS waits on until it settles. */
  track(promise) {
    this.waits++;
    this.watch();
    const settled = () => { this.waits--; this.idle(); };
    promise.then(settled, settled);
    return promise;
  }

  // Call into the runtime. An exception escaping wasm while a coroutine
  // ran (a JS exception in an import, a trap, a stack overflow) stops that
  // coroutine only; the runtime reports it and the program carries on.
  // When the outermost call returns, partial output lines go out.
  enter(name, a, b, c, d, e) { return this.invoke(this.raw?.[name], a, b, c, d, e); }
  /** enter() given the export itself: the hot paths (a settle, a tick) keep theirs. */
  invoke(fn, a, b, c, d, e) { // (extra arguments are ignored by wasm)
    if (this.stopped) return undefined;
    this.depth++;
    try {
      return fn(a, b, c, d, e);
    } catch (e) {
      return this.caught(e);
    } finally {
      if (--this.depth === 0) {
        this.out.flush();
        this.err.flush();
      }
    }
  }

  /** The code and words for an exception that stopped a coroutine. */
  static fault(e) {
    let code = e?.weftCode ?? codes.EHOST;
    // (Emscripten's abort() ends with advice weft-cc builds cannot follow.)
    let text = String(e?.message ?? e).replace(/\. Build with -s ?ASSERTIONS(=1)? for more info\.$/, '');
    if (e instanceof RangeError && /call stack|recursion/i.test(text)) {
      code = codes.ESTACK; // the engine's own stack: recursion too deep
      text = `it exhausted the host's call stack (${text})`;
    }
    if (e instanceof WebAssembly.RuntimeError) text += wasmFrames(e.stack);
    return { code, text };
  }

  /** JSPI: coroutine `co`'s promising call rejected with `e` (a trap, a JS
   * exception, C exit()): it stops, the rest go on. */
  coFault(co, e) {
    if (this.stopped) return;
    if (e?.name === 'ExitStatus') {
      this.exited(e.status);
    } else {
      const { code, text } = Host.fault(e);
      const buf = this.raw.weft__recover_text();
      this.memory.copyString(text, buf, 256);
      this.enter('weft__co_fault', co, code, buf);
      this.wake();
    }
    this.turnEnds();
  }

  /** JSPI: a coroutine that ran from a promise job (not inside enter())
   * parked or ended: partial output lines go out, as at the end of a call. */
  turnEnds() {
    if (this.depth !== 0) return;
    this.out.flush();
    this.err.flush();
  }

  caught(e) {
    if (e?.name === 'ExitStatus') return this.exited(e.status); // C exit()
    const raw = this.raw;
    let current = 0;
    try { current = raw.weft__current(); } catch { /* as if none */ }
    if (!current) { // in the scheduler itself: it cannot be trusted to go on
      const reason = `a JS exception or trap escaped its scheduler: ${e?.message ?? e}`;
      const d = this.done;
      this.done = null;
      if (d) d.reject(e); // run() rejects with the exception itself
      else this.err.text(`weft: ${e?.stack ?? e}\n`);
      this.fail(new WeftError(codes.EHOST, `weft: ${reason}`), reason);
      this.abandonCalls();
      return undefined;
    }
    const { code, text } = Host.fault(e);
    const buf = raw.weft__recover_text(); // no malloc on the broken stack
    this.memory.copyString(text, buf, 256);
    raw.weft__recover(code, buf);
    this.wake();
    return undefined;
  }

  /** Live host resources, for leak checks. */
  stats() {
    return { handles: this.bridge.handles.live, ops: this.bridge.ops.size, calls: this.bridge.exports.calls.size,
      fetchTimers: this.fetch.timed.size, timerArmed: this.timerHandle !== null };
  }
}

// Where a trap happened: the innermost named wasm frames of its stack, up
// to the coroutine's entry, as " in f, called from g". A build with names
// (-g, --debug, --profiling-funcs) has them; others show nothing here.
// (V8 puts the module's name first when the binary has one: "app.wasm.f".)
const RUNTIME_FRAMES = /^(co_entry|main_entry|export_entry_run|switch_resume|weft__)/;
function wasmFrames(stack) {
  const names = [];
  for (const m of String(stack ?? '').matchAll(/^\s*at (\S+) \(wasm:\/\//gm)) {
    const name = m[1].replace(/^.*?\.wasm\./, '');
    if (RUNTIME_FRAMES.test(name) || names.length === 3) break;
    if (!/^wasm-function\[/.test(name)) names.push(name);
  }
  return names.length ? ` in ${names.join(', called from ')}` : '';
}

/** Call Emscripten's module factory `start`; a module linked for Node's
 * CommonJS (Emscripten's default -sENVIRONMENT) fails in an ES module on
 * `__dirname` or `require`, which this says with the flag that fixes it. */
function mislinked(url, start) {
  try {
    return start();
  } catch (e) {
    if (e instanceof ReferenceError && /\b(__dirname|__filename|require)\b/.test(e.message)) {
      throw new Error(`weft: ${url.href} was linked for CommonJS in Node (${e.message}): link it with ` +
        '-sENVIRONMENT=web,worker -sMODULARIZE -sEXPORT_ES6, as weft-cc does; the host loads it in Node too', { cause: e });
    }
    throw e;
  }
}

/**
 * Load a weft program: `moduleUrl` is the ES module weft-cc wrote (its .wasm
 * sits beside it), or the manifest of two builds weft-cc --jspi --fallback
 * wrote (options.backend: 'auto', 'jspi' or 'asyncify' picks; backend.mjs).
 * Resolves to a Program whose run() starts main().
 */
export async function load(moduleUrl, options = {}) {
  const url = new URL(moduleUrl, options.base ?? (isNode ? `file://${process.cwd()}/` : location.href));
  const tracing = traceOptions(options); // (before any wait: WEFT_TRACE's files are numbered in call order)
  // One build, or the one of a pair (weft-cc --jspi --fallback) this engine supports (backend.mjs).
  const { factory, bytes, compiled, backend, url: built } = await resolveBuild(url, options.backend, isNode);
  const jspi = backend === 'jspi';
  const cap = options.maxCoroutines;
  if (cap !== undefined && !(Number.isInteger(cap) && cap >= 1 && cap <= 0x7fffffff)) {
    throw new TypeError('weft: maxCoroutines is a positive integer');
  }
  const host = new Host(options);
  if (tracing) {
    host.tracer = new Trace(tracing.limit, tracing.file);
    if (tracing.file) await host.tracer.check();
  }
  // A weft-cc --jspi build switches coroutines on JSPI (jspi.mjs).
  host.jspi = jspi ? new Jspi(host) : null;
  let failed;
  const failure = new Promise((_, reject) => { failed = reject; });
  const mod = await Promise.race([failure, mislinked(url, () => factory({
    weftHost: host,
    noInitialRun: true,
    // What Emscripten's own JS prints (abort messages, sanitizer reports).
    print: (line) => host.out.text(`${line}\n`),
    printErr: (line) => host.err.text(`${line}\n`),
    instantiateWasm(imports, receive) {
      // A program linked without the Asyncify pass still imports its
      // intrinsics: library_weft.js's stubs, which throw if called.
      imports.asyncify ??= imports.env;
      // Each weft_host_NAME import is the host's own method, called by wasm
      // without a hop: library_weft.js's forwarders are what the link needs,
      // and stand in only where an import object is built some other way.
      for (const name of importNames) {
        if (typeof imports.env?.[`weft_host_${name}`] === 'function') imports.env[`weft_host_${name}`] = host.imports[name];
      }
      host.jspi?.wrapImports(imports.env);
      WebAssembly.instantiate(compiled, imports).then((instance) => {
        host.raw = instance.exports;
        // A program linked with a weft older than the direct tick has a
        // four-parameter weft__settle (a wasm function's length is its arity).
        host.settleTicks = host.raw.weft__settle.length >= 5;
        host.settleFn = host.raw.weft__settle;
        host.tickFn = host.raw.weft__tick;
        host.memory = new Memory(host.raw);
        host.jspi?.bind(host.raw, cap);
        if (host.tracer) {
          if (typeof host.raw.weft__trace !== 'function') throw new Error('weft: this program cannot be traced: it was built with a weft older than tracing (no weft__trace)');
          host.raw.weft__trace(1);
        }
        // Builds that symbolize wasm addresses (AddressSanitizer) read the
        // binary's function offsets; library_weft.js provides this hook.
        host.offsets?.(new Uint8Array(bytes), compiled);
        receive(instance, compiled);
      }).catch(failed); // (what the callback throws too: load() rejects, it does not hang)
      // -gsource-map builds (library_weft.js's hook): their file:line. The
      // module does not start before it has the map; one it cannot read or
      // take rejects load().
      if (host.sourceMap) {
        const map = sourceMapOf(built);
        readWasm(map, isNode, true).then((json) => host.sourceMap(JSON.parse(json))).catch((e) => {
          failed(new Error(`weft: bad source map ${map.href}: ${e?.message ?? e}`, { cause: e }));
        });
      }
      return {};
    },
  }))]);
  host.mod = mod;
  return new Program(mod, host);
}

export class Program {
  constructor(mod, host) {
    this.module = mod;
    this.host = host;
    this.started = false;
  }

  /** Which backend runs it: 'jspi' or 'asyncify'. */
  get backend() { return this.host.jspi ? 'jspi' : 'asyncify'; }

  /** Call WEFT_EXPORT function `name` as a new coroutine; resolves with
   * what it returned (weft_return_*), rejects with a WeftError; at once if
   * the program has stopped (failed or exited). */
  call(name, ...args) {
    const h = this.host;
    if (h.stopped) return Promise.reject(h.stopped);
    return h.track(h.bridge.exports.invoke(name, args));
  }

  /** Consume WEFT_EXPORT function `name` (which calls weft_args_yield) as
   * an async iterator; leaving the loop early cancels it. */
  iterate(name, ...args) {
    const h = this.host;
    const it = h.bridge.exports.iterate(name, args);
    const next = it.next;
    let started = false; // once started, a failure ends it through the bridge
    it.next = () => {
      if (h.stopped && !started) return Promise.reject(h.stopped);
      started = true;
      return h.track(next.call(it));
    };
    return it;
  }

  /** Register host function `name` for weft_call from C. */
  define(name, fn) { this.host.define(name, fn); }

  /** A ReadableStream, WritableStream or { readable, writable } pair as
   * a descriptor the program can read, write and poll; returns its number.
   * Released when C closes it, and at the program's end. */
  openStream(stream) {
    const h = this.host;
    if (h.stopped) throw h.stopped;
    const id = h.streams.add(stream, codes);
    if (id < 0) throw new WeftError(id, 'weft: openStream takes a ReadableStream, a WritableStream or { readable, writable }, unlocked');
    const fd = h.enter('weft__stream_install', id);
    if (!(fd >= 0)) throw new WeftError(codes.ENOMEM, 'weft: no descriptor free for the stream');
    return fd;
  }

  /** Live host resources: handles, ops, calls, timers (for leak checks). */
  stats() { return this.host.stats(); }

  /** The trace so far (Chrome's trace event format), when loaded with
   * `trace`; else null. */
  trace() { return this.host.tracer?.toJSON() ?? null; }

  /** Every coroutine: { id, name, state, waits, saveBytes, stackBytes },
   * ordered by id (weft_list); [] once the program has stopped. */
  list() { return this.host.list(); }

  /** Print the table of coroutines (as weft_dump does) to the program's stderr. */
  dump() { this.host.dump(); }

  /** Run main(argc, argv) (args: a list, each made a string); resolves with
   * its exit status when main returns (or exit()'s), rejects with a
   * WeftError when the program fails: deadlock, a fault nobody took. */
  run(args = []) {
    if (this.started) return Promise.reject(new Error('weft: this program has already been run'));
    if (this.host.stopped) return Promise.reject(this.host.stopped);
    if (!Array.isArray(args ?? [])) return Promise.reject(new TypeError('weft: run(args) takes an array of strings'));
    let strings;
    try {
      strings = ['program', ...(args ?? [])].map((a) => String(a));
    } catch (e) {
      return Promise.reject(e);
    }
    this.started = true;
    const mem = this.host.memory;
    const argv = strings.map((a) => mem.newString(a)[0]);
    const table = mem.malloc(4 * (argv.length + 1));
    if (!table || argv.includes(0)) {
      argv.forEach((p) => mem.free(p));
      mem.free(table);
      return Promise.reject(new WeftError(codes.ENOMEM, 'weft: no memory for the program\'s arguments'));
    }
    argv.forEach((p, i) => mem.setU32(table + 4 * i, p));
    mem.setU32(table + 4 * argv.length, 0);
    const ran = new Promise((resolve, reject) => {
      this.host.done = { resolve, reject };
      this.host.watch();
      const rc = this.host.enter('weft__boot', argv.length, table);
      if (rc < 0) this.host.settleRun((d) => d.reject(new WeftError(rc, `weft: cannot start the program (${codeNames[rc]})`)));
    });
    return this.host.tracer?.file ? this.saveTrace(ran) : ran;
  }

  /** Node: the trace goes to its file once run() settles, before it settles
   * for the caller. A failure to write it rejects run(); if the program
   * failed too, its error wins and the write's is printed to its stderr. */
  async saveTrace(ran) {
    let status;
    try {
      status = await ran;
    } catch (e) {
      await this.host.tracer.save().catch((w) => {
        this.host.err.text(`weft: could not write the trace: ${w.message}\n`);
        this.host.err.flush();
      });
      throw e;
    }
    await this.host.tracer.save();
    return status;
  }
}

/** Load and run a program in one call; resolves with its exit status. */
export async function run(moduleUrl, options = {}) {
  const program = await load(moduleUrl, options);
  return program.run(options.args ?? []);
}
