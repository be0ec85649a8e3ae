// bridge.mjs — the JS half of the host bridges (the C half is
// runtime/src/bridge.c): the handle table for JS objects C holds, the value
// codec for weft_val, host operations (a promise tracked under an op id
// until C takes its result), host functions for weft_call, and JS calling
// WEFT_EXPORT functions as coroutines.

export const codes = Object.freeze({
  EINVAL: -1, ENOMEM: -2, ENOTCO: -3, ESRCH: -4, EJOINED: -5, EBUSY: -6,
  EDEADLK: -7, ESAVEAREA: -8, ESTACK: -9, EHOST: -10, ECANCELED: -11, ETIMEDOUT: -12,
  EJS: -13, EHANDLE: -14, ENET: -15, ECLOSED: -16, EPIPE: -17, EAGAIN: -18,
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

/** An error with a weft code, for host code that wants a specific one. */
export const failure = (code, message) => Object.assign(new Error(message), { weftCode: code });

// A handle is index | generation << 20: a freed slot's old handles (and
// numbers never handed out) do not match its current generation.
export class Handles {
  constructor() { this.slots = [null]; this.gens = [0]; this.free = []; this.live = 0; }
  add(obj) {
    const i = this.free.pop() ?? this.slots.length;
    this.gens[i] = ((this.gens[i] ?? 0) + 1) & 0x7ff || 1;
    this.slots[i] = obj;
    this.live++;
    return (this.gens[i] << 20) | i;
  }
  get(h) {
    const i = h & 0xfffff;
    if (h <= 0 || i >= this.slots.length || this.gens[i] !== h >>> 20) return undefined;
    return this.slots[i] ?? undefined;
  }
  delete(h) {
    if (this.get(h) === undefined) return false;
    const i = h & 0xfffff;
    this.slots[i] = null;
    this.free.push(i);
    this.live--;
    return true;
  }
}

const VAL = 16; // sizeof(weft_val): type, len, 8-byte value
const T = { i: 105, d: 100, s: 115, b: 98, h: 104 };

export class Bridge {
  constructor(host) {
    this.host = host;
    this.handles = new Handles();
    this.ops = new Map();       // op id -> {status, value, message, want, abort}
    this.functions = new Map(); // weft_call targets
    this.calls = new Map();     // program.call() in flight
    this.nextCall = 1;
    this.literals = new Map();
  }

  get mem() { return this.host.memory; }

  // ---- memory ----
  string(ptr, len) { return this.mem.string(ptr, len); }
  /** Names and signatures: decoded at each call, since a mutable buffer may
   * hold another name next time. */
  literal(ptr) { return this.mem.string(ptr); }
  newString(s) { return this.mem.newString(s); }
  newBytes(bytes) { return this.mem.newBytes(bytes); }
  copyString(s, buf, cap) { return this.mem.copyString(s, buf, cap); }

  // ---- weft_val codec ----
  readVal(p) {
    const m = this.mem;
    p >>>= 0;
    const type = m.i32(p);
    const len = m.u32(p + 4);
    const word = m.i32(p + 8);
    switch (type) {
      case T.i: return word;
      case T.d: return m.f64(p + 8);
      case T.s: return word ? this.string(word, len) : null;
      case T.b: return m.bytes(word, len);
      case T.h: {
        const obj = this.handles.get(word);
        if (obj === undefined) throw failure(codes.EHANDLE, `weft: handle ${word} is stale, freed or forged`);
        return obj;
      }
      default: return undefined;
    }
  }
  /** Write `value` as type `want` ('i','d','s','b','h' or '' for none) at p. */
  writeVal(p, want, value) {
    let type = 0, len = 0, word = 0;
    const bad = (what) => failure(codes.EINVAL, `weft: host function returned ${typeof value}, expected ${what}`);
    switch (want) {
      case 'i':
        if (typeof value !== 'number' && typeof value !== 'boolean') throw bad('an integer');
        type = T.i; word = Number(value) | 0; break;
      case 'h':
        if (value === null || (typeof value !== 'object' && typeof value !== 'function')) throw bad('an object');
        type = T.h; word = this.handles.add(value); break;
      case 'd':
        if (typeof value !== 'number') throw bad('a number');
        this.mem.setF64(p + 8, value);
        this.mem.setI32(p, T.d);
        return;
      case 's':
        if (typeof value !== 'string') throw bad('a string');
        type = T.s; [word, len] = this.newString(value); break;
      case 'b': {
        const bytes = value instanceof Uint8Array ? value
          : ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
          : value instanceof ArrayBuffer ? new Uint8Array(value) : null;
        if (!bytes) throw bad('bytes');
        type = T.b; len = bytes.length; word = this.newBytes(bytes); break;
      }
      default: break;
    }
    this.mem.setI32(p, type);
    this.mem.setU32(p + 4, len);
    this.mem.setI32(p + 8, word);
  }

  // ---- host operations ----
  /** Track `promise` under op; `want` is how C takes its value. */
  start(op, promise, want = 'i', abort = null) {
    const entry = { status: null, value: undefined, message: '', want, abort };
    this.ops.set(op, entry);
    const settle = () => {
      if (this.ops.get(op) !== entry) return; // dropped meanwhile
      this.host.enter('weft__settle', op, entry.status);
      this.host.tickSoon();
    };
    promise.then(
      (value) => { entry.status = 0; entry.value = value; settle(); },
      (e) => { entry.status = e?.weftCode ?? codes.EJS; entry.message = String(e?.message ?? e); settle(); },
    );
  }
  /** An op settled by JS itself later: returns settle(status). */
  hold(op) {
    let settle;
    this.start(op, new Promise((resolve, reject) => {
      settle = (status) => (status ? reject(Object.assign(new Error('stopped from JS'), { weftCode: status })) : resolve());
    }), '');
    return settle;
  }
  /** An op that failed before it started: C takes the message at once. */
  refuse(op, code, message) {
    this.ops.set(op, { status: code, message, want: '' });
    return code;
  }
  take(op, out) {
    const entry = this.ops.get(op);
    this.ops.delete(op);
    if (!entry) return codes.EINVAL;
    let status = entry.status;
    if (status === 0) {
      try {
        this.writeVal(out, entry.want, entry.value);
      } catch (e) {
        status = e.weftCode ?? codes.EJS;
        entry.message = e.message;
      }
    }
    if (status < 0) this.writeVal(out, 's', entry.message);
    return status;
  }
  drop(op) {
    const entry = this.ops.get(op);
    this.ops.delete(op);
    entry?.abort?.();
  }

  // ---- weft_call: C awaits a host function ----
  define(name, fn) {
    if (typeof fn !== 'function') throw new TypeError(`weft: host function ${name} is not a function`);
    this.functions.set(name, fn);
  }
  call(op, namePtr, sigPtr, vals, n) {
    const name = this.literal(namePtr);
    const sig = this.literal(sigPtr);
    const fn = this.functions.get(name);
    if (!fn) return this.start(op, Promise.reject(failure(codes.EINVAL, `weft: no host function named "${name}"`)));
    let args;
    try {
      args = Array.from({ length: n }, (_, i) => this.readVal(vals + i * VAL));
    } catch (e) {
      return this.start(op, Promise.reject(e));
    }
    this.start(op, (async () => fn(...args))(), sig.split('>')[1] ?? '');
  }
  handleFree(h) { return this.handles.delete(h) ? 0 : codes.EHANDLE; }

  // ---- program.call: JS starts a WEFT_EXPORT coroutine ----
  invoke(name, args, iterator = null) {
    const mem = this.mem;
    const vals = mem.malloc(VAL * Math.max(args.length, 1));
    const owned = [];
    const temp = [];
    args.forEach((v, i) => {
      const p = vals + i * VAL;
      if (typeof v === 'number' || typeof v === 'boolean') this.writeVal(p, 'd', Number(v));
      else if (typeof v === 'string') this.writeVal(p, 's', v);
      else if (v instanceof Uint8Array || v instanceof ArrayBuffer || ArrayBuffer.isView(v)) this.writeVal(p, 'b', v);
      else if (v !== null && v !== undefined) { this.writeVal(p, 'h', v); temp.push(mem.i32(p + 8)); }
      else this.writeVal(p, '', undefined);
      const type = mem.i32(p);
      if (type === T.s || type === T.b) owned.push(mem.u32(p + 8));
    });
    const id = this.nextCall++;
    const [namePtr] = this.newString(name);
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        owned.forEach((p) => mem.free(p));
        temp.forEach((h) => this.handles.delete(h));
        mem.free(vals);
        this.calls.delete(id);
      };
      this.calls.set(id, { resolve, reject, cleanup, iterator });
      const rc = this.host.enter('weft__invoke', namePtr, vals, args.length, id);
      mem.free(namePtr);
      if (iterator && rc > 0) iterator.coroutine = rc;
      if (rc < 0) {
        cleanup();
        reject(new WeftError(rc, rc === codes.ESRCH ? `weft: no WEFT_EXPORT function named "${name}"`
          : `weft: cannot start ${name}`));
      }
    });
  }
  exportDone(id, status, result, msgPtr) {
    const call = this.calls.get(id);
    if (!call) return;
    call.cleanup();
    if (call.iterator) call.iterator.finished(status === codes.ECANCELED ? 0 : status, msgPtr && this.string(msgPtr));
    if (status < 0) {
      call.reject(new WeftError(status, msgPtr ? this.string(msgPtr) : `weft: call failed (${codeNames[status]})`));
      return;
    }
    try {
      call.resolve(this.readVal(result));
    } catch (e) {
      call.reject(e);
    }
  }

  exportYield(id, result, op) {
    const it = this.calls.get(id)?.iterator;
    if (!it) return codes.EINVAL;
    let value;
    try {
      value = this.readVal(result);
    } catch (e) {
      return e.weftCode ?? codes.EINVAL;
    }
    it.yielded(value, this.hold(op));
    return 0;
  }

  /** An async iterator over an export that calls weft_args_yield. */
  iterate(name, args) {
    const bridge = this;
    const queue = []; // next() callers waiting for a value
    let started = false, done = false, failure = null, resume = null;
    const it = {
      coroutine: 0,
      yielded(value, settle) {
        resume = settle;
        queue.shift()?.resolve({ value, done: false });
      },
      finished(status, message) {
        done = true;
        if (status < 0) failure = new WeftError(status, message || `weft: ${name} failed`);
        for (const waiter of queue.splice(0)) failure ? waiter.reject(failure) : waiter.resolve({ value: undefined, done: true });
      },
    };
    return {
      [Symbol.asyncIterator]() { return this; },
      next() {
        if (done) return failure ? Promise.reject(failure) : Promise.resolve({ value: undefined, done: true });
        const p = new Promise((resolve, reject) => queue.push({ resolve, reject }));
        if (!started) {
          started = true;
          bridge.invoke(name, args, it).catch((e) => it.finished(e.errno ?? codes.EHOST, e.message));
        } else if (resume) {
          const r = resume;
          resume = null;
          r(0);
        }
        return p;
      },
      return() {
        if (!done && resume) {
          const r = resume;
          resume = null;
          r(codes.ECANCELED); // the producer's weft_args_yield returns WEFT_ECANCELED
        } else if (!done && it.coroutine) {
          bridge.host.enter('weft__cancel_export', it.coroutine);
        }
        done = true;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

export { codeNames };
