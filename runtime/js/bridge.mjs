// bridge.mjs — the JS half of the host bridges (the C half is
// runtime/src/bridge.c): the handle table for JS objects C holds, the value
// codec for weft_val, host operations (a promise tracked under an op id
// until C takes its result), host functions for weft_call, and JS calling
// WEFT_EXPORT functions as coroutines.
//
// Whatever JS hands over (a host function's result or rejection, program.call's
// arguments) may be any value, hostile ones included: a Proxy, a getter that
// throws, a typed array subclass that lies about its length. Each is checked
// or described here without letting an exception escape into the event loop;
// a value C cannot take is WEFT_EINVAL with a message naming what was expected.

export const codes = Object.freeze({
  EINVAL: -1, ENOMEM: -2, ENOTCO: -3, ESRCH: -4, EJOINED: -5, EBUSY: -6,
  EDEADLK: -7, ESAVEAREA: -8, ESTACK: -9, EHOST: -10, ECANCELED: -11, ETIMEDOUT: -12,
  EJS: -13, EHANDLE: -14, ENET: -15, ECLOSED: -16, EPIPE: -17, EAGAIN: -18,
});
const codeNames = Object.fromEntries(Object.entries(codes).map(([k, v]) => [v, 'WEFT_' + k]));
/** Whether `c` is one of weft's (negative) error codes. */
const isCode = (c) => typeof c === 'number' && codeNames[c] !== undefined;

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

/** `v` in a few words for a message ("a string", "3.5", "null"); never throws. */
export function describe(v) {
  switch (typeof v) {
    case 'number': case 'boolean': case 'undefined': return String(v);
    case 'string': return 'a string';
    case 'bigint': return 'a bigint';
    case 'symbol': return 'a symbol';
    case 'function': return 'a function';
    default: return v === null ? 'null' : 'an object';
  }
}

/** String(v), or a description when even that throws. */
const text = (v) => {
  try {
    return String(v);
  } catch {
    return describe(v);
  }
};

/**
 * What a thrown or rejected value means for C: [code, message]. A known
 * negative weft code in `weftCode` (or a WeftError's errno) passes through;
 * anything else is WEFT_EJS. `who` names the thrower for values without a
 * message. Never throws, whatever `e` is.
 */
export function failureOf(e, who) {
  let code = codes.EJS, message = null, note = '';
  try {
    const c = e instanceof WeftError ? e.errno : e?.weftCode;
    if (c !== undefined) {
      if (isCode(c) && c < 0) code = c;
      else note = ` (weftCode ${text(c)} is not a weft error code)`;
    }
  } catch { /* a Proxy or a getter that throws: no code */ }
  try {
    const m = e?.message;
    if (typeof m === 'string') message = m;
  } catch { /* no message */ }
  if (message === null) {
    message = e !== null && (typeof e === 'object' || typeof e === 'function')
      ? `weft: ${who} rejected with an object without a message`
      : e === null || e === undefined ? `weft: ${who} rejected with ${e}` : text(e);
  }
  return [code, message + note];
}

const MAX_HANDLE = 0x7fffffff;
const MAX_LIVE = 2 ** 24 - 1; // a Map's limit

/**
 * The JS objects C holds, by handle: positive int32 values handed out in
 * increasing order and never again, so a freed, stale or forged handle is
 * refused for the life of the program (a table that reused values would
 * accept an old handle once its slot came round again). When all 2^31 - 1
 * values have been used, add() fails with WEFT_ENOMEM. An entry may carry
 * `release`, run once when it is freed, and `state`, the host's own record
 * behind the value (fetch.mjs keeps a request's there).
 */
export class Handles {
  constructor() { this.map = new Map(); this.next = 1; }
  get live() { return this.map.size; }
  add(value, { release = null, state = null } = {}) {
    if (this.next > MAX_HANDLE) throw failure(codes.ENOMEM, 'weft: every handle value (2^31 - 1) has been used; handles are never reused');
    if (this.map.size >= MAX_LIVE) throw failure(codes.ENOMEM, `weft: ${this.map.size} handles are live; free some`);
    const h = this.next++;
    this.map.set(h, { value, release, state });
    return h;
  }
  get(h) { return this.map.get(h)?.value; }
  state(h) { return this.map.get(h)?.state; }
  delete(h) {
    const entry = this.map.get(h);
    if (!entry) return false;
    this.map.delete(h);
    entry.release?.();
    return true;
  }
  clear() { for (const h of [...this.map.keys()]) this.delete(h); }
}

const VAL = 16; // sizeof(weft_val): type, len, 8-byte value
const T = { i: 105, d: 100, s: 115, b: 98, h: 104 };
const MAX_ID = 0x7fffffff;

export class Bridge {
  constructor(host) {
    this.host = host;
    this.handles = new Handles();
    this.ops = new Map();       // op id -> {status, value, message, want, abort, who}
    this.functions = new Map(); // weft_call targets
    this.calls = new Map();     // program.call() in flight
    this.nextCall = 1;
    this.onShutdown = [];       // more to release then (fetch.mjs)
  }

  get mem() { return this.host.memory; }

  // ---- memory ----
  string(ptr, len) { return this.mem.string(ptr, len); }
  /** Names and signatures: decoded at each call, since a mutable buffer may
   * hold another name next time. */
  literal(ptr) { return this.mem.string(ptr); }
  newString(s) { return this.mem.newString(s); }
  copyString(s, buf, cap) { return this.mem.copyString(s, buf, cap); }

  // ---- weft_val codec ----
  /** The value C wrote at p; `who` names it in messages. Throws a failure
   * (WEFT_EHANDLE, WEFT_EINVAL) for a handle or bytes C cannot mean. */
  readVal(p, who = 'a value') {
    const m = this.mem;
    p >>>= 0;
    const type = m.i32(p);
    const len = m.u32(p + 4);
    const word = m.u32(p + 8);
    switch (type) {
      case T.i: return m.i32(p + 8);
      case T.d: return m.f64(p + 8);
      case T.s: return word ? this.string(word, len) : null;
      case T.b:
        if (!len) return new Uint8Array(0);
        if (!word) throw failure(codes.EINVAL, `weft: ${who} is NULL with length ${len}`);
        if (!m.contains(word, len)) {
          throw failure(codes.EINVAL, `weft: ${who}: ${len} bytes at 0x${word.toString(16)} lie outside the program's memory (${m.size} bytes)`);
        }
        return m.bytes(word, len);
      case T.h: {
        const h = m.i32(p + 8);
        const obj = this.handles.get(h);
        if (obj === undefined) throw failure(codes.EHANDLE, `weft: handle ${h} is stale, freed or forged`);
        return obj;
      }
      default: return undefined;
    }
  }
  /** Write `value` as C type `want` ('i','d','s','b','h' or '' for none)
   * at p; `who` produced it. Throws a failure: WEFT_EINVAL naming the type
   * expected and the one got, WEFT_ENOMEM when its copy finds no room. */
  writeVal(p, want, value, who = 'the host', handle = {}) {
    const m = this.mem;
    const bad = (what) => failure(codes.EINVAL, `weft: ${who} returned ${describe(value)}, expected ${what}`);
    let type = 0, len = 0, word = 0;
    switch (want) {
      case '': break; // no result: whatever came back is dropped
      case 'i':
        if (typeof value === 'boolean') word = Number(value);
        else if (Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) word = value;
        else throw bad("an int32 ('i')");
        type = T.i;
        break;
      case 'd':
        if (typeof value !== 'number') throw bad("a number ('d')");
        m.setF64(p + 8, value);
        m.setU32(p + 4, 0);
        m.setI32(p, T.d);
        return;
      case 's': {
        if (typeof value !== 'string') throw bad("a string ('s')");
        const nul = value.indexOf('\0');
        if (nul >= 0) {
          throw failure(codes.EINVAL, `weft: ${who} returned a string with a NUL at index ${nul}; C would see only what comes before it: return bytes ('b') instead`);
        }
        [word, len] = this.newString(value);
        if (!word) throw failure(codes.ENOMEM, `weft: no memory for the ${len}-byte string ${who} returned`);
        type = T.s;
        break;
      }
      case 'b': {
        const bytes = m.bytesOf(value);
        if (!bytes) throw bad("bytes ('b': a Uint8Array, ArrayBuffer or view)");
        len = bytes.length;
        word = m.newBytes(bytes);
        if (!word) throw failure(codes.ENOMEM, `weft: no memory for the ${len} bytes ${who} returned`);
        type = T.b;
        break;
      }
      case 'h':
        if (value === null || (typeof value !== 'object' && typeof value !== 'function')) throw bad("an object ('h')");
        word = this.handles.add(value, handle);
        type = T.h;
        break;
      default: throw failure(codes.EINVAL, `weft: '${want}' is not a result type`);
    }
    m.setI32(p, type);
    m.setU32(p + 4, len);
    m.setU32(p + 8, word);
  }
  /** A message for C as an 's' at p, or no value when there is no room for
   * it (C then keeps a message of its own). */
  writeMessage(p, message) {
    const [word, len] = this.newString(message);
    const m = this.mem;
    m.setI32(p, word ? T.s : 0);
    m.setU32(p + 4, word ? len : 0);
    m.setU32(p + 8, word);
  }

  // ---- host operations ----
  /**
   * Track `promise` under op. `want`: how C takes its value; `who`: what
   * produced it, for messages; `abort()`: give up whatever the op holds
   * (run when it is dropped, or its value is never taken).
   */
  start(op, promise, { want = 'i', abort = null, who = 'the host' } = {}) {
    const entry = { status: null, value: undefined, message: '', want, abort, who };
    this.ops.set(op, entry);
    const settle = () => {
      if (this.ops.get(op) !== entry) { // dropped meanwhile
        if (entry.status === 0) entry.abort?.();
        return;
      }
      this.host.enter('weft__settle', op, entry.status);
      this.host.tickSoon();
    };
    // Neither handler can throw: a rejection of any value is described, never rethrown.
    promise.then(
      (value) => { entry.status = 0; entry.value = value; settle(); },
      (e) => { [entry.status, entry.message] = failureOf(e, who); settle(); },
    );
  }
  /** An op settled by JS itself later: returns settle(status). */
  hold(op) {
    let settle;
    this.start(op, new Promise((resolve, reject) => {
      settle = (status) => (status ? reject(failure(status, 'weft: JS stopped iterating')) : resolve());
    }), { want: '' });
    return settle;
  }
  /** An op that failed before it started: C takes the message at once. */
  refuse(op, code, message) {
    this.ops.set(op, { status: code, message, want: '' });
    return code;
  }
  /** C takes op's result into `out`: the value, or on failure the message. */
  take(op, out) {
    const entry = this.ops.get(op);
    this.ops.delete(op);
    if (!entry) return codes.EINVAL;
    let status = entry.status, message = entry.message;
    if (status === 0) {
      try {
        this.writeVal(out, entry.want, entry.value, entry.who);
        return 0;
      } catch (e) {
        [status, message] = failureOf(e, entry.who);
        entry.abort?.();
      }
    }
    this.writeMessage(out, message);
    return status;
  }
  drop(op) {
    const entry = this.ops.get(op);
    this.ops.delete(op);
    entry?.abort?.();
  }

  // ---- weft_call: C awaits a host function ----
  define(name, fn) {
    if (typeof name !== 'string' || name.includes('\0')) {
      throw new TypeError(`weft: a host function's name must be a string without NUL characters, not ${describe(name)}`);
    }
    if (typeof fn !== 'function') throw new TypeError(`weft: host function ${name} is not a function`);
    this.functions.set(name, fn);
  }
  call(op, namePtr, sigPtr, vals, n) {
    const name = this.literal(namePtr);
    const sig = this.literal(sigPtr);
    const who = `host function "${name}"`;
    const fn = this.functions.get(name);
    if (!fn) return this.start(op, Promise.reject(failure(codes.EINVAL, `weft: no host function named "${name}"`)));
    let args;
    try {
      args = Array.from({ length: n }, (_, i) => this.readVal(vals + i * VAL, `weft_call("${name}") argument ${i + 1}`));
    } catch (e) {
      return this.start(op, Promise.reject(e));
    }
    this.start(op, (async () => fn(...args))(), { want: sig.split('>')[1] ?? '', who });
  }
  handleFree(h) { return this.handles.delete(h) ? 0 : codes.EHANDLE; }

  // ---- program.call: JS starts a WEFT_EXPORT coroutine ----
  /** How argument `v` crosses into C: [type, value], or a message why it cannot. */
  argument(v, i) {
    switch (typeof v) {
      case 'number': case 'boolean': return ['d', Number(v)];
      case 'string':
        if (v.includes('\0')) return `argument ${i + 1} contains a NUL character, which C would take for its end: pass bytes instead`;
        return ['s', v];
      case 'undefined': return ['', undefined];
      case 'bigint': case 'symbol':
        return `argument ${i + 1} is ${describe(v)}: pass a number, string, bytes, object or null`;
      default: {
        if (v === null) return ['', undefined];
        const bytes = this.mem.bytesOf(v);
        return bytes ? ['b', bytes] : ['h', v];
      }
    }
  }
  /** A call id not in use (ids wrap after 2^31 - 1 calls). */
  callId() {
    for (;;) {
      const id = this.nextCall;
      this.nextCall = id >= MAX_ID ? 1 : id + 1;
      if (!this.calls.has(id)) return id;
    }
  }
  invoke(name, args, iterator = null) {
    return new Promise((resolve, reject) => {
      const refuse = (code, message) => reject(new WeftError(code, message));
      if (this.host.stopped) return reject(this.host.stopped);
      if (typeof name !== 'string') return refuse(codes.EINVAL, `weft: an export's name is a string, not ${describe(name)}`);
      if (name.includes('\0')) return refuse(codes.EINVAL, `weft: the export name ${JSON.stringify(name)} contains a NUL character`);
      const kinds = [];
      for (const [i, v] of args.entries()) {
        const k = this.argument(v, i);
        if (typeof k === 'string') return refuse(codes.EINVAL, `weft: ${name}: ${k}`);
        kinds.push(k);
      }
      // Everything C gets is allocated here, and freed in one place.
      const mem = this.mem;
      const owned = [];
      const temp = [];
      const cleanup = () => {
        owned.forEach((p) => mem.free(p));
        temp.forEach((h) => this.handles.delete(h));
        owned.length = temp.length = 0;
      };
      const alloc = (p) => { if (p) owned.push(p); return p; };
      const vals = alloc(mem.malloc(VAL * Math.max(kinds.length, 1)));
      const namePtr = alloc(this.newString(name)[0]);
      let failed = !vals || !namePtr;
      for (let i = 0; i < kinds.length && !failed; i++) {
        const [type, v] = kinds[i];
        const p = vals + i * VAL;
        let word = 0, len = 0;
        if (type === 'd') mem.setF64(p + 8, v);
        else if (type === 's') [word, len] = this.newString(v);
        else if (type === 'b') [word, len] = [mem.newBytes(v), v.length];
        else if (type === 'h') {
          try {
            word = this.handles.add(v);
            temp.push(word);
          } catch {
            failed = true;
            break;
          }
        }
        if (type === 's' || type === 'b') failed = !alloc(word);
        mem.setI32(p, type ? T[type] : 0);
        mem.setU32(p + 4, len);
        if (type !== 'd') mem.setU32(p + 8, word);
      }
      if (failed) {
        cleanup();
        return refuse(codes.ENOMEM, `weft: no memory for the arguments of ${name}`);
      }
      const id = this.callId();
      const call = { name, resolve, reject, iterator, cleanup: () => { cleanup(); this.calls.delete(id); } };
      this.calls.set(id, call);
      const rc = this.host.enter('weft__invoke', namePtr, vals, kinds.length, id);
      if (iterator && rc > 0) iterator.coroutine = rc;
      if (typeof rc !== 'number' || rc < 0) {
        call.cleanup();
        const code = typeof rc === 'number' ? rc : codes.EHOST;
        refuse(code, code === codes.ESRCH ? `weft: no WEFT_EXPORT function named "${name}"`
          : `weft: cannot start ${name} (${codeNames[code] ?? code})`);
      } else {
        mem.free(namePtr); // copied into the coroutine's name; the arguments live until it ends
        owned.splice(owned.indexOf(namePtr), 1);
      }
    });
  }
  exportDone(id, status, result, msgPtr) {
    const call = this.calls.get(id);
    if (!call) return;
    let value, error = null;
    if (status < 0) {
      const message = msgPtr ? this.string(msgPtr) : `weft: ${call.name} failed`;
      error = isCode(status) ? new WeftError(status, message)
        : new WeftError(codes.EINVAL, `${message} (code ${status} is not a weft error code)`);
    } else {
      // Before cleanup: the result may be one of the call's own argument handles.
      try {
        value = this.readVal(result, `the result of ${call.name}`);
      } catch (e) {
        error = new WeftError(...failureOf(e, call.name));
      }
    }
    call.cleanup();
    if (call.iterator) call.iterator.finished(status === codes.ECANCELED ? 0 : error?.errno ?? 0, error?.message);
    if (error) call.reject(error);
    else call.resolve(value);
  }

  exportYield(id, result, op) {
    const call = this.calls.get(id);
    const it = call?.iterator;
    if (!it) return codes.EINVAL;
    let value;
    try {
      value = this.readVal(result, `the value ${call.name} yielded`);
    } catch (e) {
      return failureOf(e, call.name)[0];
    }
    it.yielded(value, this.hold(op));
    return 0;
  }

  /** An async iterator over an export that calls weft_args_yield. Each
   * next() asks for one value; the producer runs while any are asked for. */
  iterate(name, args) {
    const bridge = this;
    const asked = []; // next() calls waiting for a value, oldest first
    let started = false, done = false, over = false, failed = null, resume = null;
    const it = {
      coroutine: 0,
      yielded(value, settle) {
        if (done) return settle(codes.ECANCELED); // JS left while it was producing
        asked.shift()?.resolve({ value, done: false });
        if (asked.length) settle(0); // more were asked for meanwhile: go on
        else resume = settle;
      },
      finished(status, message) { // once: the first word on how it ended stands
        if (over) return;
        over = done = true;
        resume = null;
        if (status < 0) failed = new WeftError(status, message || `weft: ${name} failed`);
        for (const waiter of asked.splice(0)) failed ? waiter.reject(failed) : waiter.resolve({ value: undefined, done: true });
      },
    };
    return {
      [Symbol.asyncIterator]() { return this; },
      next() {
        if (done) return failed ? Promise.reject(failed) : Promise.resolve({ value: undefined, done: true });
        const p = new Promise((resolve, reject) => asked.push({ resolve, reject }));
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

  /**
   * The program has stopped for good (exit(), a failure; weft.mjs's
   * Host.fail, once): nothing it started may outlive it. Every op is
   * abandoned (fetches aborted), every handle released, and every pending
   * program.call rejected with `error`. The calls stay listed until the
   * runtime, stopping their coroutines, reports them done (or the host
   * abandons them): that frees their argument memory.
   */
  shutdown(error) {
    const ops = [...this.ops.values()];
    this.ops.clear();
    ops.forEach((entry) => entry.abort?.());
    this.onShutdown.forEach((release) => release());
    this.handles.clear();
    for (const call of this.calls.values()) {
      call.iterator?.finished(error.errno, error.message);
      call.reject(error);
    }
  }
}

export { codeNames };
