// calls.mjs — host functions: the JS functions C awaits with weft_call
// (weft_host_call), registered by name with define().
import { codes, failure, describe } from './errors.mjs';
import { VAL_SIZE } from './values.mjs';

export class HostFunctions {
  constructor(host, ops, values) {
    this.host = host;
    this.ops = ops;
    this.values = values;
    this.map = new Map(); // name -> function
  }

  define(name, fn) {
    if (typeof name !== 'string' || name.includes('\0')) {
      throw new TypeError(`weft: a host function's name must be a string without NUL characters, not ${describe(name)}`);
    }
    if (typeof fn !== 'function') throw new TypeError(`weft: host function ${name} is not a function`);
    this.map.set(name, fn);
  }

  /** weft_host_call. The name is read at each call (a mutable buffer may
   * hold another name next time; Memory.literal keeps the decoding); of the
   * signature, which C has checked, only the result's letter after the
   * '>' at [n] (0: none). The function is called at once, and what it
   * returns, a promise or a value, is the op's result. Messages are built
   * only when something fails. */
  call(op, namePtr, sigPtr, vals, n) {
    const mem = this.host.memory;
    const name = mem.literal(namePtr);
    const fn = this.map.get(name);
    if (fn === undefined) return this.ops.fail(op, failure(codes.EINVAL, `weft: no host function named "${name}"`));
    const want = RESULT[mem.u8[((sigPtr >>> 0) + n + 1)]] ?? '';
    const args = n === 0 ? null : new Array(n); // (none: fn() without an array)
    try {
      for (let i = 0; i < n; i++) args[i] = this.values.read(vals + i * VAL_SIZE, null);
    } catch {
      // Read again, naming the argument that failed.
      try {
        for (let i = 0; i < n; i++) this.values.read(vals + i * VAL_SIZE, `weft_call("${name}") argument ${i + 1}`);
      } catch (e) {
        return this.ops.fail(op, e);
      }
    }
    let result;
    try {
      result = args === null ? fn() : fn(...args);
    } catch (e) {
      return this.ops.fail(op, e, `host function "${name}"`);
    }
    this.ops.start(op, result, want, null, name, true);
  }
}

/** A signature's result letter, by character code: how C takes the value. */
const RESULT = [];
for (const c of 'idsbh') RESULT[c.charCodeAt(0)] = c;
