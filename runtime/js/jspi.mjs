// jspi.mjs — the host's half of the JSPI backend (weft-cc --jspi;
// runtime/src/core/switch_jspi.c has the other half). Each coroutine runs
// as a promising call of the export weft__co_run; it parks in the import
// co_suspend (wrapped with WebAssembly.Suspending) on a promise that
// co_resume resolves; co_drop ends a parked coroutine's engine stack (its
// promise rejects with DROPPED), or the running one's (it throws DROPPED).

/** Whether this engine has JavaScript Promise Integration as standardized. */
export const jspiSupported = () => typeof WebAssembly.Suspending === 'function' && typeof WebAssembly.promising === 'function';
/** ...when this module was loaded. */
export const hasJspi = jspiSupported();

/** Whether a compiled module was built with weft-cc --jspi. */
export function isJspiModule(module) {
  return WebAssembly.Module.imports(module).some((i) => i.name === 'weft_host_co_suspend');
}

/** What JSPI is and which engines have it, for messages. */
export const jspiNeeds = 'JavaScript Promise Integration (WebAssembly.Suspending and WebAssembly.promising: ' +
  'Node >= 25, Chrome and Edge >= 137, Firefox >= 153, Safari >= 27), which this engine lacks';

export const missingJspi = `weft: this program was built with weft-cc --jspi: it needs ${jspiNeeds}; ` +
  'rebuild it without --jspi (Asyncify), or with --jspi --fallback (both), to run it here';

/** What a dropped coroutine's engine stack unwinds with: no fault. */
const DROPPED = Symbol('weft: coroutine dropped');

export class Jspi {
  constructor(host) {
    this.host = host;
    this.parked = new Map(); // coroutine address -> its parked promise's resolve/reject
    this.run = null;
    this.resumed = 0; // the coroutine resumed last: while another is, the tick goes on
    // A coroutine resumed from a promise job parks after its suspend point
    // went on with the tick: if the tick resumed no other, it has ended,
    // and partial output lines go out as at the end of a host turn.
    this.suspend = (co) => {
      if (this.resumed === co) host.turnEnds();
      return new Promise((resolve, reject) => { this.parked.set(co, { resolve, reject }); });
    };
  }

  /** Wrap the imports of a --jspi module (an Emscripten import object). */
  wrapImports(env) {
    env.weft_host_co_start = (co) => this.start(co);
    env.weft_host_co_resume = (co) => this.resume(co);
    env.weft_host_co_drop = (co) => this.drop(co);
    env.weft_host_co_suspend = new WebAssembly.Suspending(this.suspend);
  }

  /** The instance's exports are there. `cap`: at most this many live coroutines. */
  bind(exports, cap) {
    this.run = WebAssembly.promising(exports.weft__co_run);
    if (cap !== undefined) exports.weft__jspi_cap(cap);
  }

  /** co_start: the coroutine runs until it first parks or ends. */
  start(co) {
    let p;
    try {
      p = this.run(co);
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(() => { if (this.resumed === co) this.host.turnEnds(); },
      (e) => { if (e !== DROPPED) this.host.coFault(co, e); });
  }

  /** co_resume: the parked coroutine goes on from a promise job. */
  resume(co) {
    this.resumed = co;
    const p = this.parked.get(co);
    this.parked.delete(co);
    p.resolve(0);
  }

  /** co_drop: end a parked coroutine's stack, or (not parked) the caller's. */
  drop(co) {
    const p = this.parked.get(co);
    if (!p) throw DROPPED;
    this.parked.delete(co);
    p.reject(DROPPED);
  }
}
