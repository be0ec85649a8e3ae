// bridge.mjs — wires the JS half of the host bridges (the C half is
// runtime/src/host: ops.c, call.c, exports.c, fetch.c): the handle table (handles.mjs), the weft_val
// codec (values.mjs), host operations (ops.mjs), host functions for
// weft_call (calls.mjs) and JS calling WEFT_EXPORT functions (exports.mjs);
// and, once the program has stopped, lets go of everything they hold.
import { Handles } from './handles.mjs';
import { Values } from './values.mjs';
import { Ops } from './ops.mjs';
import { HostFunctions } from './calls.mjs';
import { Exports } from './exports.mjs';

export class Bridge {
  constructor(host) {
    this.handles = new Handles();
    this.values = new Values(host, this.handles);
    this.ops = new Ops(host, this.values);
    this.functions = new HostFunctions(host, this.ops, this.values);
    this.exports = new Exports(host, this.ops, this.values, this.handles);
    this.onShutdown = []; // more to release then (fetch.mjs)
  }

  /**
   * The program has stopped for good (exit(), a failure; weft.mjs's
   * Host.fail, once): nothing it started may outlive it. Every op is
   * abandoned (fetches aborted), every handle released, and every pending
   * program.call rejected with `error`.
   */
  shutdown(error) {
    this.ops.abandon();
    this.onShutdown.forEach((release) => release());
    this.handles.clear();
    this.exports.reject(error);
  }
}
