// ops.mjs — host operations: a promise tracked under an op id from C until
// it settles (weft__settle wakes the coroutine) and C takes its result
// (weft_host_take) or drops it (weft_host_drop). weft_call, fetch and
// JS-driven exports all run through here.
import { codes, failure, failureOf } from './errors.mjs';

export class Ops {
  constructor(host, values) {
    this.host = host;
    this.values = values;
    this.map = new Map(); // op id -> {status, value, message, want, abort, who}
  }

  get size() { return this.map.size; }

  /**
   * Track `promise` under op. `want`: how C takes its value; `who`: what
   * produced it, for messages; `abort()`: give up whatever the op holds
   * (run when it is dropped, or its value is never taken).
   */
  start(op, promise, { want = 'i', abort = null, who = 'the host' } = {}) {
    const entry = { status: null, value: undefined, message: '', want, abort, who };
    this.map.set(op, entry);
    const settle = () => {
      if (this.map.get(op) !== entry) { // dropped meanwhile
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
    this.map.set(op, { status: code, message, want: '' });
    return code;
  }
  /** weft_host_take: C takes op's result into `out`: the value, or on failure the message. */
  take(op, out) {
    const entry = this.map.get(op);
    this.map.delete(op);
    if (!entry) return codes.EINVAL;
    let status = entry.status, message = entry.message;
    if (status === 0) {
      try {
        this.values.write(out, entry.want, entry.value, entry.who);
        return 0;
      } catch (e) {
        [status, message] = failureOf(e, entry.who);
        entry.abort?.();
      }
    }
    this.values.writeMessage(out, message);
    return status;
  }
  /** weft_host_drop: C no longer waits for op. */
  drop(op) {
    const entry = this.map.get(op);
    this.map.delete(op);
    entry?.abort?.();
  }
  /** The program has stopped: every op is abandoned. */
  abandon() {
    const entries = [...this.map.values()];
    this.map.clear();
    entries.forEach((entry) => entry.abort?.());
  }
}
