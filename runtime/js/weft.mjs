// weft.mjs — the JS host: loads a weft program (an Emscripten ES module and
// its .wasm) in Node, a page or a Web Worker, and joins its scheduler to the
// event loop. The runtime asks for at most one timer (for the earliest
// sleeper) and for "immediate" turns; the host answers by calling back into
// the scheduler, which runs every ready coroutine and returns.

const isNode = typeof process === 'object' && !!process.versions?.node;

import { Bridge, WeftError, codes, codeNames } from './bridge.mjs';
import { FetchHost } from './fetch.mjs';
import { Memory } from './memory.mjs';

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

class Host {
  constructor(options) {
    this.stdout = options.stdout ?? ((line) => console.log(line));
    this.stderr = options.stderr ?? ((line) => console.error(line));
    this.timerHandle = null;
    this.wakePending = false;
    this.microPending = false;
    this.done = null; // {resolve, reject} while a program runs
    this.mod = null;
    this.raw = null; // the instance's own exports: no Emscripten wrapper on the hot path
    this.memory = null; // its linear memory (memory.mjs)
    this.bridge = new Bridge(this);
    this.fetch = new FetchHost(this.bridge);
    for (const [name, fn] of Object.entries(options.functions ?? {})) this.bridge.define(name, fn);
    this.tick = () => { this.wakePending = false; this.enter('weft__tick'); };
    this.fired = () => { this.timerHandle = null; this.enter('weft__timer_fired'); };
    const b = this.bridge, f = this.fetch;
    // What runtime/js/library_weft.js forwards each weft_host_NAME import to.
    this.imports = {
      timer: (ms) => this.timer(ms),
      wake: () => this.wake(),
      exit: (status) => this.finish(() => this.done?.resolve(status)),
      fatal: (code, msg) => this.fail(code, b.string(msg)),
      stack_checked: () => (this.raw.__set_stack_limits ? 1 : 0),
      stack_limits: (base, end) => this.raw.__set_stack_limits(base, end),
      stack_overflow: (sp) => Object.assign(
        new Error(`it overflowed its C stack (stack pointer would be 0x${sp.toString(16)})`), { weftCode: codes.ESTACK }),
      call: (op, name, sig, vals, n) => b.call(op, name, sig, vals, n),
      take: (op, out) => b.take(op, out),
      drop: (op) => b.drop(op),
      handle_free: (h) => b.handleFree(h),
      export_done: (id, status, result, msg) => b.exportDone(id, status, result, msg),
      export_yield: (id, result, op) => b.exportYield(id, result, op),
      fetch: (...a) => f.fetch(...a),
      response_status: (h) => f.responseStatus(h),
      response_text: (...a) => f.responseText(...a),
      response_read: (h, op, buf, cap) => f.responseRead(h, op, buf, cap),
      response_free: (h) => f.responseFree(h),
      abort_new: () => f.abortNew(),
      abort: (h) => f.abort(h),
    };
  }

  /** Register a host function; WEFT_JS_FUNCTION calls this during start-up. */
  define(name, fn) { this.bridge.define(name, fn); }

  timer(ms) {
    if (this.timerHandle !== null) clearTimeout(this.timerHandle);
    this.timerHandle = ms < 0 ? null : setTimeout(this.fired, Math.ceil(ms));
  }
  /** A tick at the end of this microtask checkpoint: settled promises
   * resume their coroutines without waiting for a macrotask. */
  tickSoon() {
    if (this.microPending) return;
    this.microPending = true;
    queueMicrotask(() => { this.microPending = false; this.enter('weft__tick'); });
  }
  wake() {
    if (this.wakePending) return;
    this.wakePending = true;
    immediate(this.tick);
  }
  fail(code, message) { this.finish(() => this.done?.reject(new WeftError(code, message))); }
  finish(settle) {
    this.timer(-1);
    settle();
    this.done = null;
  }

  // Call into the runtime. An exception escaping wasm while a coroutine
  // ran (a JS exception in an import, a trap, a stack overflow) stops that
  // coroutine only; the runtime reports it and the program carries on.
  enter(fn, ...args) {
    try {
      return this.raw[fn](...args);
    } catch (e) {
      if (e?.name === 'ExitStatus') this.bridge.shutdown(`exit(${e.status})`); // nothing it opened outlives it
      if (e?.name === 'ExitStatus') return this.imports.exit(e.status); // C exit()
      const raw = this.raw;
      if (!raw.weft__current()) {
        this.finish(() => (this.done ? this.done.reject(e) : this.stderr(`weft: ${e?.stack ?? e}`)));
        return undefined;
      }
      let code = e?.weftCode ?? codes.EHOST;
      let text = String(e?.message ?? e);
      if (e instanceof RangeError && /call stack|recursion/i.test(text)) {
        code = codes.ESTACK; // the engine's own stack: recursion too deep
        text = `it exhausted the host's call stack (${text})`;
      }
      const [ptr] = this.memory.newString(text);
      raw.weft__recover(code, ptr);
      this.memory.free(ptr);
      this.wake();
      return undefined;
    }
  }

  /** Live host resources, for leak checks. */
  stats() {
    return { handles: this.bridge.handles.live, ops: this.bridge.ops.size, calls: this.bridge.calls.size,
      fetchTimers: this.fetch.timers.size, timerArmed: this.timerHandle !== null };
  }
}

async function readWasm(url) {
  if (isNode && url.protocol === 'file:') {
    const fs = 'node:fs/promises'; // opaque to bundlers building for the web
    const { readFile } = await import(/* @vite-ignore */ fs);
    return readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`weft: cannot load ${url}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

/**
 * Load a weft program: `moduleUrl` is the ES module emcc wrote (its .wasm
 * sits beside it). Resolves to a Program whose run() starts main().
 */
export async function load(moduleUrl, options = {}) {
  const url = new URL(moduleUrl, options.base ?? (isNode ? `file://${process.cwd()}/` : location.href));
  const wasmUrl = new URL(url.href.replace(/\.m?js(\?.*)?$/, '.wasm'));
  const [{ default: factory }, bytes] = await Promise.all([import(url.href), readWasm(wasmUrl)]);
  const host = new Host(options);
  let failed;
  const failure = new Promise((_, reject) => { failed = reject; });
  const mod = await Promise.race([failure, factory({
    weftHost: host,
    noInitialRun: true,
    print: (line) => host.stdout(line),
    printErr: (line) => host.stderr(line),
    instantiateWasm(imports, receive) {
      // A program linked without the Asyncify pass still imports its
      // intrinsics: library_weft.js's stubs, which throw if called.
      imports.asyncify ??= imports.env;
      WebAssembly.instantiate(bytes, imports).then((r) => {
        host.raw = r.instance.exports;
        host.memory = new Memory(host.raw);
        receive(r.instance, r.module);
      }, failed);
      return {};
    },
  })]);
  host.mod = mod;
  return new Program(mod, host);
}

export class Program {
  constructor(mod, host) {
    this.module = mod;
    this.host = host;
    this.started = false;
  }

  /** Call WEFT_EXPORT function `name` as a new coroutine; resolves with
   * what it returned (weft_return_*), rejects with a WeftError. */
  call(name, ...args) { return this.host.bridge.invoke(name, args); }

  /** Consume WEFT_EXPORT function `name` (which calls weft_args_yield) as
   * an async iterator; leaving the loop early cancels it. */
  iterate(name, ...args) { return this.host.bridge.iterate(name, args); }

  /** Register host function `name` for weft_call from C. */
  define(name, fn) { this.host.define(name, fn); }

  /** Live host resources: handles, ops, calls, timers (for leak checks). */
  stats() { return this.host.stats(); }

  /** Run main(argc, argv); resolves with its exit status once main and
   * every coroutine have finished, rejects with a WeftError on deadlock. */
  run(args = []) {
    if (this.started) return Promise.reject(new Error('weft: this program has already been run'));
    this.started = true;
    const mem = this.host.memory;
    const argv = ['program', ...args].map((s) => mem.newString(String(s))[0]);
    const table = mem.malloc(4 * (argv.length + 1));
    if (!table || argv.includes(0)) {
      argv.forEach((p) => mem.free(p));
      mem.free(table);
      return Promise.reject(new WeftError(codes.ENOMEM, 'weft: no memory for the program\'s arguments'));
    }
    argv.forEach((p, i) => mem.setU32(table + 4 * i, p));
    mem.setU32(table + 4 * argv.length, 0);
    return new Promise((resolve, reject) => {
      this.host.done = { resolve, reject };
      const rc = this.host.enter('weft__boot', argv.length, table);
      if (rc < 0) this.host.fail(rc, `weft: cannot start the program (${codeNames[rc]})`);
    });
  }
}

/** Load and run a program in one call; resolves with its exit status. */
export async function run(moduleUrl, options = {}) {
  const program = await load(moduleUrl, options);
  return program.run(options.args ?? []);
}
