// memory.mjs — the host's view of a program's linear memory, built from the
// wasm instance itself rather than from what a given Emscripten version puts
// on its module object (heap views, string helpers and Module.asm have all
// moved between versions). Every address that comes from wasm is an i32 and
// arrives in JS signed: each accessor here takes it as unsigned, so memory
// above 2 GiB reads and writes like any other.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class Memory {
  /** `exports`: the instance's own exports (memory, malloc, free). */
  constructor(exports) {
    this.exports = exports;
    this.buffer = null;
    this.refresh();
  }

  /** Views are rebuilt whenever memory grew (growing detaches the old buffer). */
  refresh() {
    const buffer = this.exports.memory.buffer;
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.u8v = new Uint8Array(buffer);
    this.dv = new DataView(buffer);
  }
  get u8() { this.refresh(); return this.u8v; }
  get view() { this.refresh(); return this.dv; }

  i32(p) { return this.view.getInt32(p >>> 0, true); }
  u32(p) { return this.view.getUint32(p >>> 0, true); }
  f64(p) { return this.view.getFloat64(p >>> 0, true); }
  setI32(p, v) { this.view.setInt32(p >>> 0, v, true); }
  setU32(p, v) { this.view.setUint32(p >>> 0, v >>> 0, true); }
  setF64(p, v) { this.view.setFloat64(p >>> 0, v, true); }

  /** malloc(n) as an unsigned address; 0 when out of memory. */
  malloc(n) { return this.exports.malloc(n) >>> 0; }
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
  /** A copy of `bytes` on the C heap, or 0 when out of memory. */
  newBytes(bytes) {
    const p = this.malloc(bytes.length || 1);
    if (p) this.u8.set(bytes, p);
    return p;
  }
  /** Write `s` into C's buffer [buf, buf+cap) like snprintf (NUL-terminated,
   * cut at a character boundary); returns its full byte length. */
  copyString(s, buf, cap) {
    const bytes = encoder.encode(s);
    buf >>>= 0;
    cap = Math.max(0, Math.floor(Number(cap) || 0));
    if (buf && cap > 0) {
      let n = Math.min(bytes.length, cap - 1);
      while (n > 0 && n < bytes.length && (bytes[n] & 0xc0) === 0x80) n--; // no half character
      const u8 = this.u8;
      u8.set(bytes.subarray(0, n), buf);
      u8[buf + n] = 0;
    }
    return bytes.length;
  }
}
