// ops.mjs — host operations: a promise tracked under an op id from C until
// it settles (weft__settle wakes the coroutine) and C takes its result
// (weft_host_take) or drops it (weft_host_drop). weft_call, fetch and
// JS-driven exports all run through here.
import { abi } from './contract.mjs';
import { codes, failure, failureOf } from './errors.mjs';
import { typeTag } from './values.mjs';

export class Ops {
  constructor(host, values) {
    this.host = host;
    this.values = values;
    this.slots = []; // op id -> its Entry (ids are small: C reuses them)
    this.count = 0;
  }

  get size() { return this.count; }
  get(op) { return this.slots[op]; }
  set(op, entry) {
    if (this.slots[op] === undefined) this.count++;
    this.slots[op] = entry;
  }
  /** Forget op; returns its entry. */
  remove(op) {
    const entry = this.slots[op];
    if (entry !== undefined) {
      this.slots[op] = undefined;
      this.count--;
    }
    return entry;
  }

  /**
   * Track `value` (a promise, a thenable or a plain value) under op.
   * `want`: how C takes its value (the arguments are positional: this is
   * every weft_call's path); `who`: what produced it, for messages
   * (`named`: it is a host function's name); `abort()`: give up whatever
   * the op holds (run when it is dropped, or its value is never taken).
   * A native promise is awaited as it is: one promise job, then settle.
   */
  start(op, value, want = 'i', abort = null, who = 'the host', named = false) {
    const entry = new Entry(this, op, want, abort, who, named);
    this.set(op, entry);
    if (this.host.tracer !== null) this.host.tracer.spanBegin(op, entry.label);
    // Neither handler can throw: a rejection of any value is described,
    // never rethrown. Whatever a hostile value's getters throw (a promise
    // subclass, a `constructor` or `then` that throws) rejects the op.
    try {
      Promise.resolve(value).then(entry.ok, entry.err);
    } catch (e) {
      Promise.reject(e).then(entry.ok, entry.err);
    }
  }
  /** An op that failed when it started (`e` was thrown): settled as a rejection. */
  fail(op, e, who = 'the host') { this.start(op, Promise.reject(e), 'i', null, who); }
  /** The op's promise settled: C hears of it, unless it was dropped meanwhile. */
  settled(entry) {
    if (this.slots[entry.op] !== entry) {
      if (entry.status === 0) entry.abort?.();
      return;
    }
    // A number C wants (or none) goes with the settle: C need not take it.
    if (entry.status === 0 && !entry.abort) {
      const v = entry.value, want = entry.want;
      let type = -1;
      if (want === '') type = 0;
      else if (want === 'd' && typeof v === 'number') type = typeTag.d;
      else if (want === 'i' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) type = typeTag.i;
      else if (want === 'i' && typeof v === 'boolean') type = typeTag.i;
      if (type >= 0) {
        this.remove(entry.op);
        this.host.settle(entry.op, 0, type, type ? Number(v) : 0, this.count === 0);
        return;
      }
    }
    this.host.settle(entry.op, entry.status, abi.SETTLE_TAKE, 0, this.count === 1);
  }
  /** An op settled by JS itself later: returns settle(status). */
  hold(op) {
    let settle;
    this.start(op, new Promise((resolve, reject) => {
      settle = (status) => (status ? reject(failure(status, 'weft: JS stopped iterating')) : resolve());
    }), '');
    return settle;
  }
  /** An op that failed before it started: C takes the message at once. */
  refuse(op, code, message) {
    this.set(op, { status: code, message, want: '' });
    return code;
  }
  /** weft_host_take: C takes op's result into `out`: the value, or on failure the message. */
  take(op, out) {
    const entry = this.remove(op);
    if (!entry) return codes.EINVAL;
    let status = entry.status, message = entry.message;
    if (status === 0) {
      try {
        this.values.write(out, entry.want, entry.value, entry);
        return 0;
      } catch (e) {
        [status, message] = failureOf(e, entry.label);
        entry.abort?.();
      }
    }
    this.values.writeMessage(out, message);
    return status;
  }
  /** weft_host_drop: C no longer waits for op. */
  drop(op) {
    this.host.tracer?.spanEnd(op, 'dropped');
    this.remove(op)?.abort?.();
  }
  /** The program has stopped: every op is abandoned. */
  abandon() {
    const entries = this.slots.filter(Boolean);
    this.slots = [];
    this.count = 0;
    entries.forEach((entry) => {
      this.host.tracer?.spanEnd(entry.op, 'abandoned');
      entry.abort?.();
    });
  }
}

/** One op in flight: its settle handlers are made once, when it starts. */
class Entry {
  constructor(ops, op, want, abort, who, named) {
    this.op = op;
    this.status = null;
    this.value = undefined;
    this.message = '';
    this.want = want;
    this.abort = abort;
    this.who = who;
    this.named = named;
    this.ok = (value) => {
      this.status = 0;
      this.value = value;
      ops.settled(this);
    };
    this.err = (e) => {
      [this.status, this.message] = failureOf(e, this.label);
      ops.settled(this);
    };
  }
  /** What produced the value, for messages. */
  get label() { return this.named ? `host function "${this.who}"` : this.who; }
}
