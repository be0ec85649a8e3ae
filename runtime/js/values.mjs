// values.mjs — the weft_val codec: reads the values C hands JS (a host
// function's arguments, an export's result) and writes the values JS hands
// C (a host operation's result, an error message), in the layout of
// runtime/src/abi.h (through contract.mjs).
import { abi } from './contract.mjs';
import { codes, failure, describe } from './errors.mjs';

/** sizeof(weft_val): the stride of an array of them. */
export const VAL_SIZE = abi.VAL_SIZE;
const TYPE = abi.VAL_TYPE, LEN = abi.VAL_LEN, WORD = abi.VAL_WORD;
/** The type tag of each signature letter. */
export const typeTag = Object.freeze({
  i: abi.TYPE_INT, d: abi.TYPE_DOUBLE, s: abi.TYPE_STRING, b: abi.TYPE_BYTES, h: abi.TYPE_HANDLE,
});

/** A value's producer for messages: a string, or an object whose `label`
 * is made only when a message needs it. */
const label = (who) => (typeof who === 'string' ? who : who.label);
const NO_HANDLE = Object.freeze({});

export class Values {
  constructor(host, handles) {
    this.host = host;
    this.handles = handles;
  }

  get mem() { return this.host.memory; }

  /** Write one value's three fields at p (`word` as a uint32; none for a double). */
  put(p, tag, len, word) {
    const m = this.mem;
    m.setI32(p + TYPE, tag);
    m.setU32(p + LEN, len);
    if (word !== undefined) m.setU32(p + WORD, word);
  }
  /** A double at p. */
  putDouble(p, d) {
    this.mem.setF64(p + WORD, d);
    this.put(p, typeTag.d, 0);
  }

  /** The value C wrote at p; `who` names it in messages. Throws a failure
   * (WEFT_EHANDLE, WEFT_EINVAL) for a handle or bytes C cannot mean. */
  read(p, who = 'a value') {
    const m = this.mem;
    p >>>= 0;
    const type = m.i32(p + TYPE);
    const len = m.u32(p + LEN);
    const word = m.u32(p + WORD);
    switch (type) {
      case typeTag.i: return m.i32(p + WORD);
      case typeTag.d: return m.f64(p + WORD);
      case typeTag.s: return word ? m.string(word, len) : null;
      case typeTag.b:
        if (!len) return new Uint8Array(0);
        if (!word) throw failure(codes.EINVAL, `weft: ${who} is NULL with length ${len}`);
        if (!m.contains(word, len)) {
          throw failure(codes.EINVAL, `weft: ${who}: ${len} bytes at 0x${word.toString(16)} lie outside the program's memory (${m.size} bytes)`);
        }
        return m.bytes(word, len);
      case typeTag.h: {
        const h = m.i32(p + WORD);
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
  write(p, want, value, who = 'the host', handle = NO_HANDLE) {
    const m = this.mem;
    const bad = (what) => failure(codes.EINVAL, `weft: ${label(who)} returned ${describe(value)}, expected ${what}`);
    let type = 0, len = 0, word = 0;
    switch (want) {
      case '': break; // no result: whatever came back is dropped
      case 'i':
        if (typeof value === 'boolean') word = Number(value);
        else if (Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) word = value;
        else throw bad("an int32 ('i')");
        type = typeTag.i;
        break;
      case 'd':
        if (typeof value !== 'number') throw bad("a number ('d')");
        return this.putDouble(p, value);
      case 's': {
        if (typeof value !== 'string') throw bad("a string ('s')");
        const nul = value.indexOf('\0');
        if (nul >= 0) {
          throw failure(codes.EINVAL, `weft: ${label(who)} returned a string with a NUL at index ${nul}; C would see only what comes before it: return bytes ('b') instead`);
        }
        [word, len] = m.newString(value);
        if (!word) throw failure(codes.ENOMEM, `weft: no memory for the ${len}-byte string ${label(who)} returned`);
        type = typeTag.s;
        break;
      }
      case 'b': {
        const bytes = m.bytesOf(value);
        if (!bytes) throw bad("bytes ('b': a Uint8Array, ArrayBuffer or view)");
        len = bytes.length;
        word = m.newBytes(bytes);
        if (!word) throw failure(codes.ENOMEM, `weft: no memory for the ${len} bytes ${label(who)} returned`);
        type = typeTag.b;
        break;
      }
      case 'h':
        if (value === null || (typeof value !== 'object' && typeof value !== 'function')) throw bad("an object ('h')");
        word = this.handles.add(value, handle);
        type = typeTag.h;
        break;
      default: throw failure(codes.EINVAL, `weft: '${want}' is not a result type`);
    }
    this.put(p, type, len, word);
  }

  /** A message for C as an 's' at p, or no value when there is no room for
   * it (C then keeps a message of its own). */
  writeMessage(p, message) {
    const [word, len] = this.mem.newString(message);
    this.put(p, word ? typeTag.s : 0, word ? len : 0, word);
  }
}
