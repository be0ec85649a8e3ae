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

  /** weft_host_call. Name and signature are decoded at each call, since a
   * mutable buffer may hold another name next time. */
  call(op, namePtr, sigPtr, vals, n) {
    const mem = this.host.memory;
    const name = mem.string(namePtr);
    const sig = mem.string(sigPtr);
    const who = `host function "${name}"`;
    const fn = this.map.get(name);
    if (!fn) return this.ops.start(op, Promise.reject(failure(codes.EINVAL, `weft: no host function named "${name}"`)));
    let args;
    try {
      args = Array.from({ length: n }, (_, i) => this.values.read(vals + i * VAL_SIZE, `weft_call("${name}") argument ${i + 1}`));
    } catch (e) {
      return this.ops.start(op, Promise.reject(e));
    }
    this.ops.start(op, (async () => fn(...args))(), { want: sig.split('>')[1] ?? '', who });
  }
}
