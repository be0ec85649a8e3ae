// errors.mjs — weft's error codes on the JS side: the codes themselves
// (from contract.mjs, generated from weft.h), WeftError, and how any thrown
// or rejected value becomes a code and a message for C (failureOf).
//
// Whatever JS hands over (a host function's result or rejection, program.call's
// arguments) may be any value, hostile ones included: a Proxy, a getter that
// throws, a typed array subclass that lies about its length. Each is checked
// or described without letting an exception escape into the event loop.
import { codes } from './contract.mjs';

export { codes };

/** 'WEFT_EINVAL' and so on, by (negative) code. */
export const codeNames = Object.freeze(Object.fromEntries(Object.entries(codes).map(([k, v]) => [v, 'WEFT_' + k])));
/** Whether `c` is one of weft's (negative) error codes. */
export const isCode = (c) => typeof c === 'number' && codeNames[c] !== undefined;

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
