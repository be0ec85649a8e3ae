// exports.mjs — JS calling WEFT_EXPORT functions as coroutines:
// program.call (invoke), program.iterate (an async iterator over an export
// that calls weft_args_yield), and the imports through which C reports
// them (weft_host_export_done, weft_host_export_yield).
import { codes, codeNames, isCode, WeftError, failureOf, describe } from './errors.mjs';
import { VAL_SIZE, typeTag } from './values.mjs';

const MAX_ID = 0x7fffffff;

/** How argument `v` crosses into C: [type, value], or a message why it cannot. */
function argument(mem, v, i) {
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
      const bytes = mem.bytesOf(v);
      return bytes ? ['b', bytes] : ['h', v];
    }
  }
}

export class Exports {
  constructor(host, ops, values, handles) {
    this.host = host;
    this.ops = ops;
    this.values = values;
    this.handles = handles;
    this.calls = new Map(); // program.call() in flight, by call id
    this.nextCall = 1;
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
      const mem = this.host.memory;
      const kinds = [];
      for (const [i, v] of args.entries()) {
        const k = argument(mem, v, i);
        if (typeof k === 'string') return refuse(codes.EINVAL, `weft: ${name}: ${k}`);
        kinds.push(k);
      }
      // Everything C gets is allocated here, and freed in one place.
      const owned = [];
      const temp = [];
      const cleanup = () => {
        owned.forEach((p) => mem.free(p));
        temp.forEach((h) => this.handles.delete(h));
        owned.length = temp.length = 0;
      };
      const alloc = (p) => { if (p) owned.push(p); return p; };
      const vals = alloc(mem.malloc(VAL_SIZE * Math.max(kinds.length, 1)));
      const namePtr = alloc(mem.newString(name)[0]);
      let failed = !vals || !namePtr;
      for (let i = 0; i < kinds.length && !failed; i++) {
        const [type, v] = kinds[i];
        const p = vals + i * VAL_SIZE;
        let word = 0, len = 0;
        if (type === 'd') {
          this.values.putDouble(p, v);
          continue;
        }
        if (type === 's') [word, len] = mem.newString(v);
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
        this.values.put(p, type ? typeTag[type] : 0, len, word);
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

  /** weft_host_export_done: the export's coroutine has ended. */
  done(id, status, result, msgPtr) {
    const call = this.calls.get(id);
    if (!call) return;
    let value, error = null;
    if (status < 0) {
      const message = msgPtr ? this.host.memory.string(msgPtr) : `weft: ${call.name} failed`;
      error = isCode(status) ? new WeftError(status, message)
        : new WeftError(codes.EINVAL, `${message} (code ${status} is not a weft error code)`);
    } else {
      // Before cleanup: the result may be one of the call's own argument handles.
      try {
        value = this.values.read(result, `the result of ${call.name}`);
      } catch (e) {
        error = new WeftError(...failureOf(e, call.name));
      }
    }
    call.cleanup();
    if (call.iterator) call.iterator.finished(status === codes.ECANCELED ? 0 : error?.errno ?? 0, error?.message);
    if (error) call.reject(error);
    else call.resolve(value);
  }

  /** weft_host_export_yield: the export handed a value out (weft_args_yield). */
  yielded(id, result, op) {
    const call = this.calls.get(id);
    const it = call?.iterator;
    if (!it) return codes.EINVAL;
    let value;
    try {
      value = this.values.read(result, `the value ${call.name} yielded`);
    } catch (e) {
      return failureOf(e, call.name)[0];
    }
    it.yielded(value, this.ops.hold(op));
    return 0;
  }

  /** An async iterator over an export that calls weft_args_yield. Each
   * next() asks for one value; the producer runs while any are asked for. */
  iterate(name, args) {
    const exports = this;
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
          exports.invoke(name, args, it).catch((e) => it.finished(e.errno ?? codes.EHOST, e.message));
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
          exports.host.enter('weft__cancel_export', it.coroutine);
        }
        done = true;
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  /** The program has stopped: every call in flight rejects with `error`.
   * The calls stay listed until the runtime, stopping their coroutines,
   * reports them done (or the host abandons them): that frees their
   * argument memory. */
  reject(error) {
    for (const call of this.calls.values()) {
      call.iterator?.finished(error.errno, error.message);
      call.reject(error);
    }
  }

  /** After a trap in the scheduler nothing will call export_done: free the
   * calls' arguments here. */
  abandon() {
    for (const call of [...this.calls.values()]) {
      try { call.cleanup(); } catch { /* the memory is beyond help */ }
    }
  }
}
