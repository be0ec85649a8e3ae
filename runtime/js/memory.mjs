// memory.mjs — the host's view of a program's linear memory, built from the
// wasm instance itself rather than from what a given Emscripten version puts
// on its module object (heap views, string helpers and Module.asm have all
// moved between versions). Every address that comes from wasm is an i32 and
// arrives in JS signed: each accessor here takes it as unsigned, so memory
// above 2 GiB reads and writes like any other. Ranges C hands over are
// checked with contains() before they are read or written: a bad pointer
// becomes an error for the caller, never a RangeError that stops it.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// The built-in getters of views and buffers: a subclass may override
// `length` or `byteLength`, but not what these read from the object itself.
const getter = (proto, name) => Object.getOwnPropertyDescriptor(proto, name).get;
const TypedArray = Object.getPrototypeOf(Uint8Array.prototype);
const typed = [getter(TypedArray, 'buffer'), getter(TypedArray, 'byteOffset'), getter(TypedArray, 'byteLength')];
const dataView = [getter(DataView.prototype, 'buffer'), getter(DataView.prototype, 'byteOffset'),
  getter(DataView.prototype, 'byteLength')];
const bufferLength = [getter(ArrayBuffer.prototype, 'byteLength'),
  ...(typeof SharedArrayBuffer === 'function' ? [getter(SharedArrayBuffer.prototype, 'byteLength')] : [])];

export class Memory {
  /** `exports`: the instance's own exports (memory, malloc, free). */
  constructor(exports) {
    this.exports = exports;
    this.buffer = null;
    this.literals = new Array(256).fill(null); // by address: {p, bytes, text} (literal())
    this.refresh();
  }

  /** Views are rebuilt whenever memory grew: growing detaches the old
   * buffer (its views then have length 0), except a shared one, which is
   * compared each time. */
  refresh() {
    const buffer = this.exports.memory.buffer;
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.u8v = new Uint8Array(buffer);
    this.i32v = new Int32Array(buffer);
    this.dv = new DataView(buffer);
    this.shared = typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer;
  }
  get u8() {
    if (this.u8v.length === 0 || this.shared) this.refresh();
    return this.u8v;
  }
  get view() {
    if (this.u8v.length === 0 || this.shared) this.refresh();
    return this.dv;
  }
  /** The memory's size in bytes now. */
  get size() { this.refresh(); return this.buffer.byteLength; }

  /** Whether [p, p+n) lies inside memory (p and n unsigned). */
  contains(p, n) { return (p >>> 0) + (n >>> 0) <= this.size; }

  i32(p) { return this.view.getInt32(p >>> 0, true); }
  u32(p) { return this.view.getUint32(p >>> 0, true); }
  f64(p) { return this.view.getFloat64(p >>> 0, true); }
  // Aligned words (every weft_val field) go through an Int32Array: faster
  // than a DataView call (wasm memory is little-endian, as are the engines).
  setI32(p, v) {
    p >>>= 0;
    if (p & 3) this.view.setInt32(p, v, true);
    else this.words[p >>> 2] = v;
  }
  setU32(p, v) { this.setI32(p, v | 0); }
  get words() {
    if (this.u8v.length === 0 || this.shared) this.refresh();
    return this.i32v;
  }
  setF64(p, v) { this.view.setFloat64(p >>> 0, v, true); }

  /** malloc(n) as an unsigned address; 0 when out of memory. */
  malloc(n) { return n > 0xffffffff ? 0 : this.exports.malloc(n) >>> 0; }
  free(p) { if (p) this.exports.free(p); }

  /** Bytes [p, p+n) copied out. */
  bytes(p, n) { p >>>= 0; return this.u8.slice(p, p + (n >>> 0)); }
  /** Copy `bytes` to address p. */
  write(p, bytes) { this.u8.set(bytes, p >>> 0); }

  /** The UTF-8 string at p: `len` bytes, or up to its NUL. */
  string(p, len) {
    p >>>= 0;
    if (!p) return '';
    const u8 = this.u8;
    let end;
    if (len === undefined) {
      end = u8.indexOf(0, p);
      if (end < 0) end = u8.length;
    } else {
      end = Math.min(u8.length, p + (len >>> 0));
    }
    // TextDecoder refuses views of a shared buffer; copy those first.
    const bytes = u8.subarray(p, end);
    return decoder.decode(typeof SharedArrayBuffer === 'function' && u8.buffer instanceof SharedArrayBuffer ? bytes.slice() : bytes);
  }
  /** The NUL-terminated string at p, for names and signatures C passes on
   * every call: kept by address, and decoded again only when the bytes
   * there changed (a mutable buffer may hold another name next time). */
  literal(p) {
    p >>>= 0;
    const u8 = this.u8;
    const slot = (p >>> 2) & 255;
    const hit = this.literals[slot];
    if (hit !== null && hit.p === p) {
      const b = hit.bytes, n = b.length;
      if (p + n < u8.length && u8[p + n] === 0) {
        let i = 0;
        while (i < n && u8[p + i] === b[i]) i++;
        if (i === n) return hit.text;
      }
    }
    const text = this.string(p);
    let end = u8.indexOf(0, p);
    if (end < 0) end = u8.length;
    this.literals[slot] = { p, bytes: u8.slice(p, end), text };
    return text;
  }
  /** A NUL-terminated copy of `s` on the C heap: [address, byte length],
   * or [0, length] when out of memory. */
  newString(s) {
    const bytes = encoder.encode(s);
    const p = this.malloc(bytes.length + 1);
    if (!p) return [0, bytes.length];
    const u8 = this.u8;
    u8.set(bytes, p);
    u8[p + bytes.length] = 0;
    return [p, bytes.length];
  }

  /**
   * The bytes of `value` (a Uint8Array or any other typed array, a
   * DataView, an ArrayBuffer or SharedArrayBuffer) as a plain Uint8Array,
   * or null if it is none of these. Lengths come from the built-in getters,
   * so a subclass cannot make a copy overrun; a view whose buffer was
   * detached is empty; a view of this program's own memory is copied now,
   * since the malloc that makes room for it may grow (and detach) that memory.
   */
  bytesOf(value) {
    let buffer, offset = 0, length;
    if (ArrayBuffer.isView(value)) {
      let get = typed;
      try {
        typed[2].call(value);
      } catch {
        get = dataView;
      }
      try {
        [buffer, offset, length] = get.map((g) => g.call(value));
      } catch {
        return new Uint8Array(0); // a DataView over a detached buffer
      }
    } else {
      for (const g of bufferLength) {
        try {
          length = g.call(value);
          buffer = value;
          break;
        } catch { /* not this kind of buffer */ }
      }
      if (buffer === undefined) return null;
    }
    if (!length) return new Uint8Array(0); // detached buffers report 0
    const bytes = new Uint8Array(buffer, offset, length);
    return buffer === this.exports.memory.buffer ? bytes.slice() : bytes;
  }
  /** A copy of `bytes` (from bytesOf) on the C heap, or 0 when out of memory. */
  newBytes(bytes) {
    const p = this.malloc(bytes.length || 1);
    if (p) this.u8.set(bytes, p);
    return p;
  }
  /** Write `s` into C's buffer [buf, buf+cap) like snprintf (NUL-terminated,
   * cut at a character boundary); returns its full byte length. cap 0
   * only measures (buf may then be NULL). Returns null when buf is NULL
   * with cap > 0, or what would be written does not lie inside memory. */
  copyString(s, buf, cap) {
    const bytes = encoder.encode(s);
    buf >>>= 0;
    cap >>>= 0;
    if (cap === 0) return bytes.length;
    let n = Math.min(bytes.length, cap - 1);
    while (n > 0 && n < bytes.length && (bytes[n] & 0xc0) === 0x80) n--; // no half character
    if (!buf || !this.contains(buf, n + 1)) return null;
    const u8 = this.u8;
    u8.set(bytes.subarray(0, n), buf);
    u8[buf + n] = 0;
    return bytes.length;
  }
}
