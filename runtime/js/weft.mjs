// weft.mjs — the JS host: loads a weft program (an Emscripten ES module and
// its .wasm) in Node, a page or a Web Worker, and joins its scheduler to the
// event loop. The runtime asks for at most one timer (for the earliest
// sleeper) and for "immediate" turns; the host answers by calling back into
// the scheduler, which runs every ready coroutine and returns.

const isNode = typeof process === 'object' && !!process.versions?.node;

/** Error codes of weft.h, by name. */
export const codes = Object.freeze({
  EINVAL: -1, ENOMEM: -2, ENOTCO: -3, ESRCH: -4, EJOINED: -5, EBUSY: -6,
  EDEADLK: -7, ESAVEAREA: -8, ESTACK: -9, EHOST: -10, ECANCELED: -11, ETIMEDOUT: -12,
});
const codeNames = Object.fromEntries(Object.entries(codes).map(([k, v]) => [v, 'WEFT_' + k]));

/** An error reported by the weft runtime; `code` is e.g. 'WEFT_EDEADLK'. */
export class WeftError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'WeftError';
    this.code = codeNames[code] ?? String(code);
    this.errno = code;
  }
}

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
    this.done = null; // {resolve, reject} while a program runs
    this.mod = null;
    this.tick = () => { this.wakePending = false; this.enter('_weft__tick'); };
    this.fired = () => { this.timerHandle = null; this.enter('_weft__timer_fired'); };
  }

  // -- imports (runtime/js/library_weft.js) --
  timer(ms) {
    if (this.timerHandle !== null) clearTimeout(this.timerHandle);
    this.timerHandle = ms < 0 ? null : setTimeout(this.fired, Math.ceil(ms));
  }
  wake() {
    if (this.wakePending) return;
    this.wakePending = true;
    immediate(this.tick);
  }
  exit(status) { this.finish(() => this.done?.resolve(status)); }
  fatal(code, message) { this.finish(() => this.done?.reject(new WeftError(code, message))); }
  stackOverflow(sp) {
    const e = new Error(`it overflowed its C stack (stack pointer would be 0x${sp.toString(16)})`);
    e.weftCode = codes.ESTACK;
    return e;
  }

  finish(settle) {
    this.timer(-1);
    settle();
    this.done = null;
  }

  // Call into the scheduler. An exception escaping wasm while a coroutine
  // ran (a JS exception in an import, a trap, a stack overflow) stops that
  // coroutine only; the runtime reports it and the program carries on.
  enter(fn, ...args) {
    try {
      return this.mod[fn](...args);
    } catch (e) {
      if (e?.name === 'ExitStatus') return this.exit(e.status); // C exit()
      const mod = this.mod;
      if (!mod._weft__current()) {
        this.finish(() => this.done?.reject(e));
        return undefined;
      }
      let code = e?.weftCode ?? codes.EHOST;
      let text = String(e?.message ?? e);
      if (e instanceof RangeError && /call stack|recursion/i.test(text)) {
        code = codes.ESTACK; // the engine's own stack: recursion too deep
        text = `it exhausted the host's call stack (${text})`;
      }
      const len = mod.lengthBytesUTF8(text) + 1;
      const ptr = mod._malloc(len);
      mod.stringToUTF8(text, ptr, len);
      mod._weft__recover(code, ptr);
      mod._free(ptr);
      this.wake();
      return undefined;
    }
  }
}

async function readWasm(url) {
  if (isNode && url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
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
      WebAssembly.instantiate(bytes, imports).then((r) => receive(r.instance, r.module), failed);
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

  /** Run main(argc, argv); resolves with its exit status once main and
   * every coroutine have finished, rejects with a WeftError on deadlock. */
  run(args = []) {
    if (this.started) return Promise.reject(new Error('weft: this program has already been run'));
    this.started = true;
    const mod = this.module;
    const argv = ['program', ...args].map((s) => {
      const n = mod.lengthBytesUTF8(s) + 1;
      const p = mod._malloc(n);
      mod.stringToUTF8(s, p, n);
      return p;
    });
    const table = mod._malloc(4 * (argv.length + 1));
    argv.forEach((p, i) => { mod.HEAP32[(table >> 2) + i] = p; });
    mod.HEAP32[(table >> 2) + argv.length] = 0;
    return new Promise((resolve, reject) => {
      this.host.done = { resolve, reject };
      const rc = this.host.enter('_weft__boot', argv.length, table);
      if (rc < 0) this.host.fatal(rc, `weft: cannot start the program (${codeNames[rc]})`);
    });
  }
}

/** Load and run a program in one call; resolves with its exit status. */
export async function run(moduleUrl, options = {}) {
  const program = await load(moduleUrl, options);
  return program.run(options.args ?? []);
}
